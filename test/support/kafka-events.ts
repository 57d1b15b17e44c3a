/**
 * Kafka events as the event source mapping delivers them with a schema registry and
 * EventRecordFormat JSON, for unit tests of the Kafka stages: AWS's documented event (eventSource,
 * bootstrapServers, records keyed "<topic>-<partition>", base64 key and value, headers as byte
 * arrays) plus each record's valueSchemaMetadata, the value being the decoded record as JSON. Avro
 * values are rendered as the mapping renders them: decoded with the writer's schema, a union as its
 * branch's value, timestamps as epoch milliseconds, bytes as base64.
 */
import { Type } from 'avsc';
import { type AvroRecordSchema, recordType } from '../../layers/domain/avro';
import type { DeliveredRecord } from '../../layers/domain/kafka-records';

export const BOOTSTRAP_SERVERS = '127.0.0.1:9092';

/** A value of `schema` (as the pipeline's types hold it) as the mapping would put it in JSON. */
export function renderedAsMapping(schema: AvroRecordSchema, value: unknown): unknown {
  const bytes = recordType(schema).toBuffer(value);
  const plain = Type.forSchema(schema as Parameters<typeof Type.forSchema>[0], { wrapUnions: 'auto' });
  // A Buffer's toJSON runs before a replacer sees it: look at the holder's own value instead.
  return JSON.parse(
    JSON.stringify(plain.fromBuffer(bytes), function (this: Record<string, unknown>, key: string, v: unknown) {
      const own = this[key];
      return Buffer.isBuffer(own) ? own.toString('base64') : v;
    }),
  );
}

export interface RecordSpec {
  key?: string | null;
  /** The value as JSON text would carry it; `undefined` leaves the value out (a tombstone). */
  value?: unknown;
  /** The writer's schema id; none leaves valueSchemaMetadata out (a mapping that did not decode). */
  schemaId?: number;
  headers?: Record<string, string>;
  offset?: number;
}

export function eventRecord(topic: string, partition: number, spec: RecordSpec, offset: number): DeliveredRecord {
  return {
    topic,
    partition,
    offset: spec.offset ?? offset,
    timestamp: 1_767_225_600_000 + offset,
    timestampType: 'CREATE_TIME',
    // AWS leaves key and value out when the record has none.
    ...(spec.key === undefined || spec.key === null ? {} : { key: Buffer.from(spec.key).toString('base64') }),
    ...(spec.value === undefined ? {} : { value: Buffer.from(JSON.stringify(spec.value)).toString('base64') }),
    headers: Object.entries(spec.headers ?? {}).map(([name, text]) => ({ [name]: [...Buffer.from(text)] })),
    ...(spec.schemaId === undefined ? {} : { valueSchemaMetadata: { dataFormat: 'AVRO', schemaId: String(spec.schemaId) } }),
  };
}

export interface KafkaEvent {
  eventSource: 'SelfManagedKafka';
  bootstrapServers: string;
  records: Record<string, DeliveredRecord[]>;
}

/** A self-managed Kafka event with `specs` on one partition of `topic`, offsets from `firstOffset`. */
export function jsonFormatEvent(topic: string, specs: RecordSpec[], partition = 0, firstOffset = 0): KafkaEvent {
  return {
    eventSource: 'SelfManagedKafka',
    bootstrapServers: BOOTSTRAP_SERVERS,
    records: { [`${topic}-${partition}`]: specs.map((spec, i) => eventRecord(topic, partition, spec, firstOffset + i)) },
  };
}
