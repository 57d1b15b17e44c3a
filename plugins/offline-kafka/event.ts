/**
 * The event Lambda's Kafka event source mapping sends, built from kafkajs messages: records grouped
 * under "<topic>-<partition>" in offset order; partition, offset and timestamp (ms) as numbers; key
 * and value base64 and left out when null (as AWS does for a record without a key); headers as
 * single-key objects mapping the header name to its bytes. With a schema registry, each validated
 * attribute carries the registry's decoding and `valueSchemaMetadata` / `keySchemaMetadata`.
 */
import type { MSKEvent, SelfManagedKafkaEvent, SelfManagedKafkaRecord, SelfManagedKafkaRecordHeader } from 'aws-lambda';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { DataFormat } from './registry-client';

/** What AWS adds for an attribute its schema registry validated: the writer's format and schema id. */
export interface SchemaMetadata {
  dataFormat: DataFormat;
  /** A string, also for Confluent's numeric ids. */
  schemaId: string;
}

/** A key or value as the registry decoded it: base64 of JSON or of the source bytes, and its metadata. */
export interface DeliveredAttribute {
  data: string;
  metadata: SchemaMetadata;
}

/** One record; AWS's own types mark key and value required, but AWS omits them when null. */
export type KafkaRecord = Omit<SelfManagedKafkaRecord, 'key' | 'value'> &
  Partial<Pick<SelfManagedKafkaRecord, 'key' | 'value'>> & { valueSchemaMetadata?: SchemaMetadata; keySchemaMetadata?: SchemaMetadata };
export type SelfManagedKafkaPayload = Omit<SelfManagedKafkaEvent, 'records'> & { records: Record<string, KafkaRecord[]> };
export type MskPayload = Omit<MSKEvent, 'records'> & { records: Record<string, KafkaRecord[]> };
export type KafkaEventPayload = SelfManagedKafkaPayload | MskPayload;

/** The fields of the event that describe where it came from (everything but the records). */
export type KafkaEventSource = Omit<SelfManagedKafkaPayload, 'records'> | Omit<MskPayload, 'records'>;

// kafkajs keeps the record batch's timestamp type on each message without declaring it.
const LOG_APPEND_TIME = 1;

export function recordsKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** `offset` and `timestamp` as numbers where the caller parsed them already. */
export function toKafkaRecord(
  topic: string,
  partition: number,
  message: KafkaMessage,
  offset = Number(message.offset),
  timestamp = Number(message.timestamp),
): KafkaRecord {
  const timestampType = timestampTypeOf(message);
  const headers = toHeaders(message.headers);
  // One literal per key/value presence, fields in AWS's order: fixed object shapes build faster
  // than properties added conditionally (this runs for every record delivered).
  if (message.key !== null && message.value !== null) {
    return { topic, partition, offset, timestamp, timestampType, key: message.key.toString('base64'), value: message.value.toString('base64'), headers };
  }
  if (message.value !== null) return { topic, partition, offset, timestamp, timestampType, value: message.value.toString('base64'), headers };
  if (message.key !== null) return { topic, partition, offset, timestamp, timestampType, key: message.key.toString('base64'), headers };
  return { topic, partition, offset, timestamp, timestampType, headers };
}

/** A record whose key and/or value the schema registry decoded; the other attribute stays as it arrived. */
export function toDecodedKafkaRecord(
  topic: string,
  partition: number,
  message: KafkaMessage,
  key: DeliveredAttribute | undefined,
  value: DeliveredAttribute | undefined,
  offset = Number(message.offset),
  timestamp = Number(message.timestamp),
): KafkaRecord {
  // The common case (a decoded value, the key as it arrived) as one literal: properties added one by
  // one grow the object's property store several times per record.
  if (value && !key && message.key !== null) {
    return {
      topic,
      partition,
      offset,
      timestamp,
      timestampType: timestampTypeOf(message),
      key: message.key.toString('base64'),
      value: value.data,
      headers: toHeaders(message.headers),
      valueSchemaMetadata: value.metadata,
    };
  }
  // Fields assigned in AWS's order; the headers land after key and value.
  const record = {
    topic,
    partition,
    offset,
    timestamp,
    timestampType: timestampTypeOf(message),
  } as KafkaRecord;
  if (key) record.key = key.data;
  else if (message.key !== null) record.key = message.key.toString('base64');
  if (value) record.value = value.data;
  else if (message.value !== null) record.value = message.value.toString('base64');
  record.headers = toHeaders(message.headers);
  if (value) record.valueSchemaMetadata = value.metadata;
  if (key) record.keySchemaMetadata = key.metadata;
  return record;
}

export function buildKafkaEvent(source: KafkaEventSource, records: KafkaRecord[]): KafkaEventPayload {
  const grouped: Record<string, KafkaRecord[]> = {};
  const first = records[0];
  // The consumer sends one partition per event: then the array is the group as it is.
  if (first && records.every((r) => r.partition === first.partition && r.topic === first.topic)) {
    grouped[recordsKey(first.topic, first.partition)] = records;
  } else {
    for (const record of records) (grouped[recordsKey(record.topic, record.partition)] ??= []).push(record);
  }
  return { ...source, records: grouped };
}

/**
 * kafkajs folds repeated header names into one array; each value becomes its own entry again, so
 * repeats stay in order but are grouped after the first occurrence of their name.
 */
function toHeaders(headers: IHeaders | undefined): SelfManagedKafkaRecordHeader[] {
  const result: SelfManagedKafkaRecordHeader[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (Array.isArray(value)) for (const item of value) result.push({ [name]: toBytes(item) });
    else result.push({ [name]: toBytes(value) });
  }
  return result;
}

/** A loop, not Array.from: its iterator allocated a result object per byte (a third of the event source's allocations). */
function toBytes(value: Buffer | string | undefined | null): number[] {
  if (value === undefined || value === null) return [];
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const result = new Array<number>(bytes.length);
  for (let i = 0; i < bytes.length; i++) result[i] = bytes[i] as number;
  return result;
}

function timestampTypeOf(message: KafkaMessage): KafkaRecord['timestampType'] {
  const context = (message as { batchContext?: { timestampType?: number } }).batchContext;
  return context?.timestampType === LOG_APPEND_TIME ? 'LOG_APPEND_TIME' : 'CREATE_TIME';
}
