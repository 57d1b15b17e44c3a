/**
 * sink: users.clean → Cassandra created_users. Idempotent upserts keyed by id; an undecodable
 * record goes to users.dlq; a Cassandra failure throws so the batch is retried (offsets stay put).
 */
import type { Client } from 'cassandra-driver';
import type { Message, Producer } from 'kafkajs';
import { AvroCodec, WireFormatError } from '../adapters/avro-codec';
import { upsertCreatedUsers, type SinkRow } from '../adapters/created-users-store';
import { cleanUserType } from '../domain/avro';
import { recordName, type KafkaRecordIn } from '../domain/kafka-records';
import type { CleanUser } from '../domain/transform';
import type { Log } from '../logging/logger';
import { deadLetter } from './dead-letter';
import { isRecordFault } from './transform-records';

export interface SinkDeps {
  cassandra: Client;
  producer: Producer;
  codec: AvroCodec;
  topics: { dlq: string };
  /** Upserts in flight per batch. */
  writeConcurrency: number;
  log: Log;
}

export interface SinkReport {
  received: number;
  written: number;
  deadLettered: number;
}

export async function sinkRecords(deps: SinkDeps, records: KafkaRecordIn[]): Promise<SinkReport> {
  // Within a batch, the last record of an id wins, as it would row by row.
  const rows = new Map<string, SinkRow>();
  const dead: Message[] = [];
  for (const record of records) {
    try {
      if (!record.value) throw new WireFormatError('record has no value (tombstone)');
      const user = await deps.codec.decode<CleanUser>(record.value, cleanUserType);
      rows.set(user.id, { user, sourceOffset: recordName(record) });
    } catch (err) {
      if (!isRecordFault(err)) throw err;
      dead.push(deadLetter(record, 'sink', err));
    }
  }
  if (dead.length) await deps.producer.send({ topic: deps.topics.dlq, messages: dead, acks: -1 });
  await upsertCreatedUsers(deps.cassandra, [...rows.values()], deps.writeConcurrency);
  return { received: records.length, written: rows.size, deadLettered: dead.length };
}
