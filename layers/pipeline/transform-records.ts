/**
 * transform: users.raw → users.clean. Each record is decoded (Confluent wire format, writer schema
 * from the registry), flattened by the pure toCleanUser, and re-encoded with the clean schema. The
 * user was validated once, at fetch; what can go wrong since is decoding and encoding. A record that
 * cannot be decoded or encoded goes to users.dlq with its reason and the batch goes on; an
 * infrastructure failure (registry, broker) throws so the whole batch is retried.
 */
import { cleanUserSchema, fromRawAvro, rawUserType, type RawUserRecord } from '../domain/avro';
import { recordName, type KafkaRecordIn } from '../domain/kafka-records';
import { RecordFault } from '../domain/faults';
import { type CleanUser, toCleanUser } from '../domain/transform';
import type { Log } from '../logging/logger';
import { acceptOrDeadLetter } from './dead-letter';
import { decodeValue } from './decode';
import type { OutMessage, RegisteredSchema, SchemaCodec, TopicWriter } from './ports';

export interface TransformDeps {
  writer: TopicWriter;
  codec: SchemaCodec;
  topics: { clean: string; dlq: string };
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

export async function transformRecords(deps: TransformDeps, records: KafkaRecordIn[]): Promise<TransformReport> {
  const schema = await deps.codec.register(`${deps.topics.clean}-value`, cleanUserSchema);
  const { accepted: clean, dead } = await acceptOrDeadLetter(records, 'transform', async (record): Promise<OutMessage> => {
    const raw = fromRawAvro(await decodeValue<RawUserRecord>(deps.codec, record, rawUserType));
    const user = toCleanUser(raw.user);
    return { key: user.id, value: encodeClean(deps.codec, schema, user), headers: { batch_id: raw.meta.batch_id, source_offset: recordName(record) } };
  });
  await deps.writer.send([
    { topic: deps.topics.clean, messages: clean },
    { topic: deps.topics.dlq, messages: dead },
  ]);
  if (dead.length) deps.log.warn('records dead-lettered', { deadLettered: dead.length, firstReason: dead[0]?.headers?.reason?.toString() });
  return { received: records.length, transformed: clean.length, deadLettered: dead.length };
}
