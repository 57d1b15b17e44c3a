/**
 * What the stages' unit tests share: generated users, the users.raw and users.clean records as the
 * event source mapping delivers them (test/support/kafka-events.ts), read through the handlers'
 * own reader, and the dead letters read back as AWS's on-failure document.
 */
import type { Context } from 'aws-lambda';
import { cleanUserJson, cleanUserSchema, type RawUserRecord, rawUserJson, rawUserSchema, toRawAvro } from '../../layers/domain/avro';
import type { DeliveredRecord, KafkaRecordIn } from '../../layers/domain/kafka-records';
import type { RandomUser } from '../../layers/domain/randomuser';
import type { CleanUser } from '../../layers/domain/transform';
import { logger } from '../../layers/logging/logger';
import type { Invocation } from '../../layers/pipeline/invocation';
import { kafkaEventReader } from '../../layers/pipeline/kafka-event';
import type { OutMessage } from '../../layers/pipeline/ports';
import { generateUsers } from '../../scripts/randomuser/generator';
import { jsonFormatEvent, type RecordSpec, renderedAsMapping } from './kafka-events';

export const quiet = { ...logger, warn: () => undefined, info: () => undefined } as unknown as typeof logger;
export const topics = { raw: 'users.raw', clean: 'users.clean', dlq: 'users.dlq' };
export const invocation: Invocation = {
  requestId: '3f1c2a9e-0000-4000-8000-000000000001',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:tributary-dev-transform',
  executedVersion: '$LATEST',
};
export const RAW_SCHEMA_ID = 7;
export const CLEAN_SCHEMA_ID = 8;

export function users(seed: string, n: number): RandomUser[] {
  return generateUsers({ results: n, seed, page: 1, nats: null, gender: null, now: new Date('2026-01-01T00:00:00Z') }) as unknown as RandomUser[];
}

export function rawSpec(user: RandomUser, batchId = 'b1'): RecordSpec {
  const value = renderedAsMapping(rawUserSchema, toRawAvro(user, { batch_id: batchId, fetched_at: new Date(0), source: 'randomuser' }));
  return { key: user.login.uuid, value, schemaId: RAW_SCHEMA_ID, headers: { batch_id: batchId, outbox_id: '1' } };
}

export function cleanSpec(user: CleanUser): RecordSpec {
  return { key: user.id, value: renderedAsMapping(cleanUserSchema, user), schemaId: CLEAN_SCHEMA_ID, headers: { batch_id: 'b1' } };
}

const readRaw = kafkaEventReader(rawUserJson);
const readClean = kafkaEventReader(cleanUserJson);

export function rawRecords(specs: RecordSpec[], firstOffset = 0): Promise<KafkaRecordIn<RawUserRecord>[]> {
  return readRaw(jsonFormatEvent(topics.raw, specs, 0, firstOffset), {} as Context);
}

export function cleanRecords(specs: RecordSpec[], firstOffset = 0): Promise<KafkaRecordIn<CleanUser>[]> {
  return readClean(jsonFormatEvent(topics.clean, specs, 0, firstOffset), {} as Context);
}

/** A dead letter's value: AWS's on-failure record document (docs/dead-letters.md). */
export interface Letter {
  requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError: string } | null;
  responsePayload?: { errorType: string; errorMessage: string };
  version: string;
  timestamp: string;
  KafkaBatchInfo: { batchSize: number; bootstrapServers?: string; payloadSize: number; recordInfo: { offset: string; timestamp: string } };
  payload: { eventSource: string; bootstrapServers?: string; records: Record<string, DeliveredRecord[]> };
}

export function letter(message: OutMessage | undefined): Letter {
  return JSON.parse(String(message?.value)) as Letter;
}

/** The one record a letter carries, as it was delivered. */
export function letterRecord(message: OutMessage | undefined): DeliveredRecord {
  return Object.values(letter(message).payload.records).flat()[0]!;
}
