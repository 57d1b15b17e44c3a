/**
 * publish: drains the outbox to users.raw. Rows are marked published only after the broker
 * acknowledged the batch (acks=all, idempotent producer); a row whose payload no longer fits the
 * Avro schema goes to users.dlq with the reason instead of blocking the outbox forever.
 */
import type { Pool } from 'pg';
import type { Producer, Message } from 'kafkajs';
import type { AvroCodec } from '../adapters/avro-codec';
import { drainOutboxBatch, type OutboxEntry } from '../adapters/raw-users-store';
import { rawUserSchema, toRawAvro } from '../domain/avro';
import type { RandomUser } from '../domain/randomuser';
import type { Log } from '../logging/logger';

export interface PublishDeps {
  pool: Pool;
  producer: Producer;
  codec: AvroCodec;
  topics: { raw: string; dlq: string };
  log: Log;
}

export interface PublishReport {
  published: number;
  deadLettered: number;
  batches: number;
}

export async function publishOutbox(deps: PublishDeps, options: { batchSize: number; maxBatches: number }): Promise<PublishReport> {
  const schema = await deps.codec.register(`${deps.topics.raw}-value`, rawUserSchema);
  const report: PublishReport = { published: 0, deadLettered: 0, batches: 0 };
  const send = async (entries: OutboxEntry[]): Promise<void> => {
    const good: Message[] = [];
    const bad: Message[] = [];
    for (const entry of entries) {
      const headers = { batch_id: entry.batchId, outbox_id: entry.outboxId };
      try {
        const value = deps.codec.encode(schema, toRawAvro(entry.payload as RandomUser, { batch_id: entry.batchId, fetched_at: entry.lastSeenAt, source: 'randomuser' }));
        good.push({ key: entry.userId, value, headers });
      } catch (err) {
        const reason = `publish: payload does not fit ${rawUserSchema.name}: ${(err as Error).message}`;
        bad.push({ key: entry.userId, value: JSON.stringify(entry.payload), headers: { ...headers, reason, stage: 'publish' } });
      }
    }
    const topicMessages = [
      ...(good.length ? [{ topic: deps.topics.raw, messages: good }] : []),
      ...(bad.length ? [{ topic: deps.topics.dlq, messages: bad }] : []),
    ];
    await deps.producer.sendBatch({ topicMessages, acks: -1 });
    report.published += good.length;
    report.deadLettered += bad.length;
  };
  while (report.batches < options.maxBatches) {
    const drained = await drainOutboxBatch(deps.pool, options.batchSize, send);
    if (drained === 0) break;
    report.batches += 1;
  }
  if (report.deadLettered > 0) deps.log.warn('outbox rows dead-lettered', { deadLettered: report.deadLettered });
  return report;
}
