/**
 * transform: users.raw → users.clean. Each record's value arrives decoded by the event source
 * mapping (JSON, read through rawUserJson), is flattened by the pure toCleanUser, and is encoded
 * with the clean schema (Avro, Confluent wire format). The user was validated once, at fetch; what
 * can go wrong since is a value that does not fit RawUser and a clean user that does not fit
 * CleanUser. Such a record goes to users.dlq and the batch goes on; an infrastructure failure
 * (registry, broker) throws so the whole batch is retried.
 */
import { cleanUserSchema, fromRawAvro, type RawUserRecord } from '../domain/avro';
import { RecordFault } from '../domain/faults';
import { type KafkaRecordIn, recordName } from '../domain/kafka-records';
import { type CleanUser, toCleanUser } from '../domain/transform';
import type { Log } from '../logging/logger';
import { acceptOrDeadLetter } from './dead-letter';
import type { Invocation } from './invocation';
import type { OutMessage, RegisteredSchema, SchemaCodec, TopicWriter } from './ports';

export interface TransformDeps {
  writer: TopicWriter;
  codec: SchemaCodec;
  topics: { clean: string; dlq: string };
  invocation: Invocation;
  log: Log;
}

export interface TransformReport {
  received: number;
  transformed: number;
  deadLettered: number;
}

/** A user that does not fit the clean schema (a date that is no date, from outside fetch) is the record's fault. */
function encodeClean(codec: SchemaCodec, schema: RegisteredSchema, user: CleanUser): Buffer {
  try {
    return codec.encode(schema, user);
  } catch (err) {
    throw new RecordFault(`clean user does not fit ${cleanUserSchema.name}: ${(err as Error).message}`);
  }
}

export async function transformRecords(deps: TransformDeps, records: KafkaRecordIn<RawUserRecord>[]): Promise<TransformReport> {
  const schema = await deps.codec.register(`${deps.topics.clean}-value`, cleanUserSchema);
  const {
    accepted: clean,
    dead,
    firstReason,
  } = await acceptOrDeadLetter(records, deps.invocation, (record): OutMessage => {
    const raw = fromRawAvro(record.value());
    const user = toCleanUser(raw.user);
    return { key: user.id, value: encodeClean(deps.codec, schema, user), headers: { batch_id: raw.meta.batch_id, source_offset: recordName(record) } };
  });
  await deps.writer.send([
    { topic: deps.topics.clean, messages: clean },
    { topic: deps.topics.dlq, messages: dead },
  ]);
  if (dead.length) deps.log.warn('records dead-lettered', { deadLettered: dead.length, firstReason });
  return { received: records.length, transformed: clean.length, deadLettered: dead.length };
}
