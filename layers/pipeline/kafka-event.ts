/**
 * The records of a Kafka event for a stage (transform, sink), read with Powertools' kafkaConsumer
 * and the stage's schema. The mapping delivers each value decoded through the schema registry, as
 * JSON (docs/design.md); kafkaConsumer parses it lazily, when the stage reads `value()`, so a value
 * that does not fit the schema is that record's fault (a RecordFault: dead-lettered, the batch goes
 * on) and never the batch's.
 */
import { kafkaConsumer, SchemaType } from '@aws-lambda-powertools/kafka';
import { KafkaConsumerParserError } from '@aws-lambda-powertools/kafka/errors';
import type { ConsumerRecord, MSKEvent } from '@aws-lambda-powertools/kafka/types';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { RecordFault } from '../domain/faults';
import { type DeliveredRecord, type EventSource, type KafkaRecordIn, recordName } from '../domain/kafka-records';

/** A value the mapping decoded that does not fit the stage's schema: no retry can make it fit. */
export class SchemaMismatchError extends RecordFault {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaMismatchError';
  }
}

/** A value the mapping did not decode: its SchemaRegistryConfig is missing, which no record is to blame for. */
export class UndecodedRecordError extends Error {
  constructor(record: DeliveredRecord) {
    super(`${recordName(record)} came without valueSchemaMetadata: its mapping must decode values (SchemaRegistryConfig, EventRecordFormat JSON)`);
    this.name = 'UndecodedRecordError';
  }
}

type Issue = { message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> };

function describeIssues(issues: readonly Issue[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
    return `${path || 'value'}: ${issue.message}`;
  });
  return issues.length > shown.length ? `${shown.join('; ')}; and ${issues.length - shown.length} more` : shown.join('; ');
}

function readValue<V>(consumed: ConsumerRecord<string, V>, delivered: DeliveredRecord, schemaName: string): V {
  if (delivered.value === undefined || delivered.value === null) throw new RecordFault('record has no value (tombstone)');
  if (!delivered.valueSchemaMetadata) throw new UndecodedRecordError(delivered);
  try {
    // Powertools' getter parses on every read; the stage reads it once.
    return consumed.value;
  } catch (err) {
    if (!(err instanceof KafkaConsumerParserError)) throw err;
    throw new SchemaMismatchError(`value does not fit ${schemaName}: ${describeIssues(err.cause as Issue[])}`);
  }
}

/**
 * One record as the stage sees it. A class rather than an object literal with a getter and an arrow
 * function: those are closures and accessor pairs per record, objects that live as long as the
 * invocation and that every young-generation collection meanwhile traces and copies.
 */
class StageRecord<V> implements KafkaRecordIn<V> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: string | null;

  constructor(
    private readonly consumed: ConsumerRecord<string, V>,
    readonly delivered: DeliveredRecord,
    readonly eventSource: EventSource,
    private readonly schemaName: string,
  ) {
    this.topic = consumed.topic;
    this.partition = consumed.partition;
    this.offset = consumed.offset;
    this.timestamp = consumed.timestamp;
    this.key = consumed.key ?? null;
  }

  /**
   * On demand: Powertools decodes every header of a record when its headers are read (3 % of
   * transform's and sink's CPU), and no stage reads them today.
   */
  get headers(): Record<string, string> {
    return Object.assign({}, ...(this.consumed.headers ?? [])) as Record<string, string>;
  }

  value(): V {
    return readValue(this.consumed, this.delivered, this.schemaName);
  }
}

/** The event's records for a stage: kafkaConsumer with JSON values read through `valueSchema`. */
export function kafkaEventReader<V>(valueSchema: z.ZodType<V>): (event: unknown, context: Context) => Promise<KafkaRecordIn<V>[]> {
  const schemaName = valueSchema.description ?? 'the stage schema';
  const consume = kafkaConsumer<string, V>(async ({ records }) => records, { value: { type: SchemaType.JSON, parserSchema: valueSchema } });
  return async (event, context) => {
    const consumed = (await consume(event as MSKEvent, context)) as ConsumerRecord<string, V>[];
    // kafkaConsumer keeps the event's order, so its records pair with the ones delivered.
    const { records: byPartition, eventSource, eventSourceArn, bootstrapServers } = event as MSKEvent;
    const delivered = Object.values(byPartition).flat() as DeliveredRecord[];
    const source: EventSource = { eventSource, eventSourceArn, bootstrapServers };
    return consumed.map((record, i) => new StageRecord(record, delivered[i]!, source, schemaName));
  };
}
