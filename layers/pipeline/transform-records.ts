/**
 * transform: users.raw → users.clean. Each record is decoded (Confluent wire format, writer schema
 * from the registry), flattened by the pure toCleanUser, and re-encoded with the clean schema. A
 * record that cannot be decoded or transformed goes to users.dlq with its reason and the batch goes
 * on; an infrastructure failure (registry, broker) throws so the whole batch is retried.
 */
import type { Message, Producer } from 'kafkajs';
import { AvroCodec, WireFormatError } from '../adapters/avro-codec';
import { cleanUserSchema, fromRawAvro, rawUserType, type RawUserRecord } from '../domain/avro';
import type { KafkaRecordIn } from '../domain/kafka-records';
import { toCleanUser, TransformError } from '../domain/transform';
import type { Log } from '../logging/logger';
import { deadLetter } from './dead-letter';

export interface TransformDeps {
  producer: Producer;
  codec: AvroCodec;
  topics: { clean: string; dlq: string };
  log: Log;
}

export interface TransformReport {
  received: number;
  transformed: number;
  deadLettered: number;
}

/** Errors that are the record's fault: retrying cannot fix them. */
export function isRecordFault(err: unknown): boolean {
  return err instanceof TransformError || err instanceof WireFormatError;
}

export async function transformRecords(deps: TransformDeps, records: KafkaRecordIn[]): Promise<TransformReport> {
  const schema = await deps.codec.register(`${deps.topics.clean}-value`, cleanUserSchema);
  const clean: Message[] = [];
  const dead: Message[] = [];
  for (const record of records) {
    try {
      if (!record.value) throw new WireFormatError('record has no value (tombstone)');
      const raw = fromRawAvro(await deps.codec.decode<RawUserRecord>(record.value, rawUserType));
      const user = toCleanUser(raw.user);
      clean.push({ key: user.id, value: deps.codec.encode(schema, user), headers: { batch_id: raw.meta.batch_id, source_offset: `${record.topic}-${record.partition}@${record.offset}` } });
    } catch (err) {
      if (!isRecordFault(err)) throw err;
      dead.push(deadLetter(record, 'transform', err));
    }
  }
  const topicMessages = [
    ...(clean.length ? [{ topic: deps.topics.clean, messages: clean }] : []),
    ...(dead.length ? [{ topic: deps.topics.dlq, messages: dead }] : []),
  ];
  if (topicMessages.length) await deps.producer.sendBatch({ topicMessages, acks: -1 });
  if (dead.length) deps.log.warn('records dead-lettered', { deadLettered: dead.length, firstReason: dead[0]?.headers?.reason?.toString() });
  return { received: records.length, transformed: clean.length, deadLettered: dead.length };
}
