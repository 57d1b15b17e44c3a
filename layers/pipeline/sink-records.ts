/**
 * sink: users.clean → Cassandra created_users. Idempotent upserts keyed by id; an undecodable
 * record goes to users.dlq; a Cassandra failure throws so the batch is retried (offsets stay put).
 */
import { cleanUserType } from '../domain/avro';
import { recordName, type KafkaRecordIn } from '../domain/kafka-records';
import type { CleanUser } from '../domain/transform';
import type { Log } from '../logging/logger';
import { acceptOrDeadLetter } from './dead-letter';
import { decodeValue } from './decode';
import type { CreatedUsers, SchemaCodec, SinkRow, TopicWriter } from './ports';

export interface SinkDeps {
  createdUsers: CreatedUsers;
  writer: TopicWriter;
  codec: SchemaCodec;
  topics: { dlq: string };
  log: Log;
}

export interface SinkReport {
  received: number;
  written: number;
  deadLettered: number;
}

export async function sinkRecords(deps: SinkDeps, records: KafkaRecordIn[]): Promise<SinkReport> {
  const { accepted, dead } = await acceptOrDeadLetter(
    records,
    'sink',
    async (record): Promise<SinkRow> => ({
      user: await decodeValue<CleanUser>(deps.codec, record, cleanUserType),
      sourceOffset: recordName(record),
    }),
  );
  // Within a batch, the last record of an id wins, as it would row by row.
  const rows = new Map(accepted.map((row) => [row.user.id, row]));
  // Dead letters first: once the rows are written the batch commits, and a letter not yet sent would be lost.
  await deps.writer.send([{ topic: deps.topics.dlq, messages: dead }]);
  await deps.createdUsers.upsert([...rows.values()]);
  return { received: records.length, written: rows.size, deadLettered: dead.length };
}
