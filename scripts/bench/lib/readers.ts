/** Post-run readers: when each of a run's users passed a Kafka topic, and when it was written to Cassandra. */
import { randomUUID } from 'node:crypto';
import type { Client } from 'cassandra-driver';
import type { Admin, Kafka } from 'kafkajs';
import { chunks, forEachConcurrent } from './stats';

export type Offsets = Map<number, number>;

/** The end offset (next offset to be written) of every partition. */
export async function endOffsets(admin: Admin, topic: string): Promise<Offsets> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((p) => [p.partition, Number(p.high)]));
}

/** Offsets a consumer group has committed (partitions it never committed are left out). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Offsets> {
  const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((result?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)]));
}

/** Records between `target` and what `group` committed, summed over partitions. */
export function lag(target: Offsets, committed: Offsets): number {
  let total = 0;
  for (const [partition, end] of target) total += Math.max(0, end - (committed.get(partition) ?? 0));
  return total;
}

export interface KeyTimes {
  /** First record timestamp (ms) per wanted key. */
  first: Map<string, number>;
  /** Records of wanted keys beyond the first: redeliveries, retries. */
  duplicates: number;
  scanned: number;
}

/**
 * Reads a topic from `from` up to `to` (per partition) and keeps the record timestamp of every key
 * in `keys`: with CreateTime, when the producing stage sent it.
 */
export async function recordTimes(kafka: Kafka, admin: Admin, topic: string, from: Offsets, to: Offsets, keys: ReadonlySet<string>): Promise<KeyTimes> {
  const result: KeyTimes = { first: new Map(), duplicates: 0, scanned: 0 };
  const wanted = [...to].filter(([partition, end]) => end > (from.get(partition) ?? 0));
  if (wanted.length === 0) return result;
  const groupId = `bench-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 4 * 1024 * 1024 });
  const remaining = new Set(wanted.map(([partition]) => partition));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic}: partitions [${[...remaining].join(',')}] not read to the end within 5 minutes`)),
        300_000,
      );
      consumer
        .run({
          autoCommit: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: async ({ batch }) => {
            const end = to.get(batch.partition) ?? 0;
            for (const message of batch.messages) {
              if (Number(message.offset) >= end) break;
              result.scanned++;
              const key = message.key?.toString('utf8');
              if (key === undefined || !keys.has(key)) continue;
              if (result.first.has(key)) result.duplicates++;
              else result.first.set(key, Number(message.timestamp));
            }
            if (Number(batch.lastOffset()) + 1 >= end && remaining.delete(batch.partition) && remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
      for (const [partition] of wanted) consumer.seek({ topic, partition, offset: String(from.get(partition) ?? 0) });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return result;
}

export interface RowTimes {
  /** Cassandra write time (ms, the driver's client-side timestamp of the INSERT) per id found. */
  writeTime: Map<string, number>;
  /** updated_at as the sink set it (once per sink batch, before its writes). */
  updatedAt: Map<string, number>;
}

export async function cassandraRowTimes(client: Client, ids: readonly string[]): Promise<RowTimes> {
  const out: RowTimes = { writeTime: new Map(), updatedAt: new Map() };
  await forEachConcurrent(chunks(ids, 100), 8, async (slice) => {
    const result = await client.execute('SELECT id, updated_at, writetime(updated_at) AS wt FROM created_users WHERE id IN ?', [slice], { prepare: true });
    for (const row of result.rows) {
      const id = String(row.get('id'));
      out.writeTime.set(id, Number(row.get('wt')) / 1000);
      const updated = row.get('updated_at') as Date | null;
      if (updated) out.updatedAt.set(id, updated.getTime());
    }
  });
  return out;
}
