/** A consumer group's offset lag on a topic, per partition: the latest offset minus the committed one. */
import type { Admin } from 'kafkajs';

export async function readOffsetLag(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [latest, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const committedBy = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
  return new Map(
    latest.map(({ partition, high, low }) => {
      // Nothing committed yet: the group would start at the partition's first offset.
      const position = committedBy.get(partition) ?? -1;
      return [partition, Math.max(0, Number(high) - (position < 0 ? Number(low) : position))];
    }),
  );
}
