/**
 * The records a Kafka-triggered stage (transform, sink) works on. The event source mapping decodes
 * each value through the schema registry and delivers it as JSON (docs/design.md); the handler
 * reads it with Powertools' kafkaConsumer and the stage's schema (layers/pipeline/kafka-handler.ts).
 * Pure types: the stages never see the event itself.
 */

/** A record exactly as the mapping delivered it, in AWS's event shape: what a dead letter carries. */
export interface DeliveredRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: string;
  /** base64; left out when the record has none. */
  key?: string | null;
  /** base64 of the decoded value as JSON (the Avro bytes when the mapping did not decode them). */
  value?: string | null;
  headers: Record<string, number[]>[] | null;
  /** Added by the mapping when it decoded the value through the schema registry. */
  valueSchemaMetadata?: { dataFormat: string; schemaId?: string };
  keySchemaMetadata?: { dataFormat: string; schemaId?: string };
}

/** The event a record came in: where the mapping read it. */
export interface EventSource {
  eventSource: string;
  eventSourceArn?: string;
  bootstrapServers?: string;
}

export interface KafkaRecordIn<V> {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  /** The key as text (the user id); null when the record has none. */
  key: string | null;
  headers: Record<string, string>;
  /** The value as the stage's schema reads it; throws a RecordFault when it has none or does not fit. */
  value(): V;
  delivered: DeliveredRecord;
  eventSource: EventSource;
}

/** "topic-partition@offset": how a record is named in logs and in the rows it becomes. */
export function recordName(r: Pick<DeliveredRecord, 'topic' | 'partition' | 'offset'>): string {
  return `${r.topic}-${r.partition}@${r.offset}`;
}
