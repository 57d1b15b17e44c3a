/**
 * Kafka's side of the flow: each topic's offsets per partition, and the Kafka-triggered functions'
 * consumer groups' committed offsets and lag, through one admin client kept connected.
 */
import type { Admin } from 'kafkajs';

export interface PartitionOffsets {
  partition: number;
  /** The earliest offset still held (retention moves it). */
  low: number;
  /** The next offset to be written: the topic's end. */
  high: number;
}

export interface GroupPartition {
  partition: number;
  /** The next offset the group will read; undefined before its first commit. */
  committed: number | undefined;
  high: number;
  /** What the group has still to read: from its committed offset (or the start) to the end. */
  lag: number;
}

export interface GroupReading {
  group: string;
  topic: string;
  partitions: GroupPartition[];
  /** Records the group has committed past, from each partition's start. */
  consumed: number;
  lag: number;
}

export interface KafkaReading {
  topics: Record<string, PartitionOffsets[]>;
  groups: GroupReading[];
}

/** A topic and the group that consumes it. */
export interface ConsumedTopic {
  topic: string;
  group: string;
}

/** Records a topic has had written, from each partition's start (retention does not lower it). */
export function endTotal(partitions: readonly PartitionOffsets[]): number {
  return partitions.reduce((sum, p) => sum + p.high, 0);
}

export function groupReading(consumed: ConsumedTopic, offsets: readonly PartitionOffsets[], committed: { partition: number; offset: string }[]): GroupReading {
  const partitions = [...offsets]
    .sort((a, b) => a.partition - b.partition)
    .map((p): GroupPartition => {
      const raw = Number(committed.find((c) => c.partition === p.partition)?.offset ?? -1);
      const at = raw >= 0 ? raw : undefined;
      return { partition: p.partition, committed: at, high: p.high, lag: Math.max(0, p.high - Math.max(at ?? p.low, p.low)) };
    });
  return {
    ...consumed,
    partitions,
    consumed: partitions.reduce((sum, p) => sum + (p.committed ?? 0), 0),
    lag: partitions.reduce((sum, p) => sum + p.lag, 0),
  };
}

export async function readKafka(admin: Admin, topics: readonly string[], consumed: readonly ConsumedTopic[]): Promise<KafkaReading> {
  const offsets = await Promise.all(
    topics.map(async (topic) => {
      const partitions = await admin.fetchTopicOffsets(topic);
      return [topic, partitions.map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }))] as const;
    }),
  );
  const byTopic = Object.fromEntries(offsets);
  const groups = await Promise.all(
    consumed.map(async (c) => {
      const [committed] = await admin.fetchOffsets({ groupId: c.group, topics: [c.topic] });
      return groupReading(c, byTopic[c.topic] ?? [], committed?.partitions ?? []);
    }),
  );
  return { topics: byTopic, groups };
}
