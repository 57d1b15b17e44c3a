/**
 * publish: drains the outbox to users.raw, one publisher at a time so records keep the outbox's
 * order. Rows are marked published only after the broker acknowledged the batch (acks=all,
 * idempotent producer); a row whose payload no longer fits the Avro schema goes to users.dlq with
 * the reason instead of blocking the outbox forever.
 */
import { rawUserSchema, toRawAvro } from '../domain/avro';
import { RecordFault } from '../domain/faults';
import type { DeliveredRecord } from '../domain/kafka-records';
import type { RandomUser } from '../domain/randomuser';
import type { Log } from '../logging/logger';
import { acceptOrDeadLetter, type DeadLetterSource, OUTBOX_SOURCE } from './dead-letter';
import type { Invocation } from './invocation';
import type { Outbox, OutboxEntry, OutMessage, SchemaCodec, TopicWriter } from './ports';

export interface PublishDeps {
  outbox: Outbox;
  writer: TopicWriter;
  codec: SchemaCodec;
  topics: { raw: string; dlq: string };
  invocation: Invocation;
  log: Log;
}

export interface PublishReport {
  published: number;
  deadLettered: number;
  batches: number;
  /** Another publisher was draining the outbox, so this one left it to that one. */
  turnedAway: boolean;
}

const OUTBOX_EVENT_SOURCE = { eventSource: OUTBOX_SOURCE };

/**
 * An outbox row as a dead-letter source: named as a record of OUTBOX_SOURCE, the row's id as
 * offset, its stored payload as JSON for the value. Built only if the row is dead-lettered: its
 * JSON and base64 were a fifth of publish's CPU when built for every row. A class, not a literal
 * with a getter: no closure and accessor pair per row for the collector to copy while the batch
 * awaits the broker.
 */
class OutboxSource implements DeadLetterSource {
  readonly eventSource = OUTBOX_EVENT_SOURCE;

  constructor(readonly entry: OutboxEntry) {}

  get delivered(): DeliveredRecord {
    const { entry } = this;
    return {
      topic: OUTBOX_SOURCE,
      partition: 0,
      offset: Number(entry.outboxId),
      timestamp: entry.lastSeenAt.getTime(),
      timestampType: 'CREATE_TIME',
      key: Buffer.from(entry.userId).toString('base64'),
      value: Buffer.from(JSON.stringify(entry.payload)).toString('base64'),
      headers: [{ batch_id: [...Buffer.from(entry.batchId)] }, { outbox_id: [...Buffer.from(entry.outboxId)] }],
    };
  }
}

export async function publishOutbox(deps: PublishDeps, options: { batchSize: number; maxBatches: number }): Promise<PublishReport> {
  const schema = await deps.codec.register(`${deps.topics.raw}-value`, rawUserSchema);
  const report: PublishReport = { published: 0, deadLettered: 0, batches: 0, turnedAway: false };
  const send = async (entries: OutboxEntry[]): Promise<void> => {
    const sources = entries.map((entry) => new OutboxSource(entry));
    const { accepted: good, dead } = await acceptOrDeadLetter(sources, deps.invocation, ({ entry }): OutMessage => {
      let value: Buffer;
      try {
        value = deps.codec.encode(
          schema,
          toRawAvro(entry.payload as RandomUser, { batch_id: entry.batchId, fetched_at: entry.lastSeenAt, source: 'randomuser' }),
        );
      } catch (err) {
        throw new RecordFault(`payload does not fit ${rawUserSchema.name}: ${(err as Error).message}`);
      }
      return { key: entry.userId, value, headers: { batch_id: entry.batchId, outbox_id: entry.outboxId } };
    });
    await deps.writer.send([
      { topic: deps.topics.raw, messages: good },
      { topic: deps.topics.dlq, messages: dead },
    ]);
    report.published += good.length;
    report.deadLettered += dead.length;
  };
  for (let emptyPasses = 0; ; ) {
    const batchesBefore = report.batches;
    const run = await deps.outbox.asSolePublisher(async (claim) => {
      while (report.batches < options.maxBatches) {
        if ((await claim(options.batchSize, send)) === 0) return;
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
    if (emptyPasses === 2 || report.batches >= options.maxBatches || !(await deps.outbox.hasUnpublished())) break;
  }
  if (report.deadLettered > 0) deps.log.warn('outbox rows dead-lettered', { deadLettered: report.deadLettered });
  return report;
}
