/**
 * publish: drains the outbox to users.raw, one publisher at a time so records keep the outbox's
 * order. Rows are marked published only after the broker acknowledged the batch (acks=all,
 * idempotent producer); a row whose payload no longer fits the Avro schema goes to users.dlq with
 * the reason instead of blocking the outbox forever.
 */
import type { Pool } from 'pg';
import type { Producer, Message } from 'kafkajs';
import type { AvroCodec } from '../adapters/avro-codec';
import { asSolePublisher, drainOutboxBatch, hasUnpublished, type OutboxEntry } from '../adapters/raw-users-store';
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
  /** Another publisher was draining the outbox, so this one left it to that one. */
  turnedAway: boolean;
}

export async function publishOutbox(deps: PublishDeps, options: { batchSize: number; maxBatches: number }): Promise<PublishReport> {
  const schema = await deps.codec.register(`${deps.topics.raw}-value`, rawUserSchema);
  const report: PublishReport = { published: 0, deadLettered: 0, batches: 0, turnedAway: false };
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
  for (let emptyPasses = 0; ; ) {
    const batchesBefore = report.batches;
    const run = await asSolePublisher(deps.pool, async (client) => {
      while (report.batches < options.maxBatches) {
        if ((await drainOutboxBatch(client, options.batchSize, send)) === 0) return;
        report.batches += 1;
      }
    });
    if (!run.ran) {
      // Another publisher is draining; it looks again once it stops, so these rows are not left behind.
      report.turnedAway = true;
      break;
    }
    // A publisher turned away while this one held the lock relied on it: look again now the lock
    // is free. Two passes in a row that claimed nothing: what is left is not claimable now.
    emptyPasses = report.batches === batchesBefore ? emptyPasses + 1 : 0;
    if (emptyPasses === 2 || report.batches >= options.maxBatches || !(await hasUnpublished(deps.pool))) break;
  }
  if (report.deadLettered > 0) deps.log.warn('outbox rows dead-lettered', { deadLettered: report.deadLettered });
  return report;
}
