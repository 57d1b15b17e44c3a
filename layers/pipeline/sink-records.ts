/**
 * sink: users.clean → Cassandra created_users. Each record's value arrives decoded by the event
 * source mapping (JSON, read through cleanUserJson). Idempotent upserts keyed by id; a value that
 * does not fit CleanUser goes to users.dlq; a Cassandra failure throws so the batch is retried
 * (offsets stay put).
 */
import { type KafkaRecordIn, recordName } from '../domain/kafka-records';
import type { CleanUser } from '../domain/transform';
import type { Log } from '../logging/logger';
import { acceptOrDeadLetter } from './dead-letter';
import type { Invocation } from './invocation';
import type { CreatedUsers, SinkRow, TopicWriter } from './ports';

export interface SinkDeps {
  createdUsers: CreatedUsers;
  writer: TopicWriter;
  topics: { dlq: string };
  invocation: Invocation;
  log: Log;
}

export interface SinkReport {
  received: number;
  written: number;
  deadLettered: number;
}

export async function sinkRecords(deps: SinkDeps, records: KafkaRecordIn<CleanUser>[]): Promise<SinkReport> {
  const { accepted, dead, firstReason } = await acceptOrDeadLetter(
    records,
    deps.invocation,
    (record): SinkRow => ({
      user: record.value(),
      sourceOffset: recordName(record),
    }),
  );
  // Within a batch, the last record of an id wins, as it would row by row.
  const rows = new Map(accepted.map((row) => [row.user.id, row]));
  // Dead letters first: once the rows are written the batch commits, and a letter not yet sent would be lost.
  await deps.writer.send([{ topic: deps.topics.dlq, messages: dead }]);
  if (dead.length) deps.log.warn('records dead-lettered', { deadLettered: dead.length, firstReason });
  await deps.createdUsers.upsert([...rows.values()]);
  return { received: records.length, written: rows.size, deadLettered: dead.length };
}
