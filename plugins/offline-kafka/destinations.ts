/**
 * The Kafka on-failure destination (`kafka://topic`) in AWS's record format: one message per failed
 * record, keyed by the record's own key, whose value is a JSON document — requestContext (condition,
 * approximateInvokeCount), responseContext, version, timestamp, KafkaBatchInfo (recordInfo: the
 * offset and timestamp) and `payload`, the invocation event holding just that record as it arrived.
 * AWS's document sets no headers; neither does this.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DestinationError } from './errors';
import { buildKafkaEvent, type KafkaEventPayload, type KafkaEventSource, toKafkaRecord } from './event';
import type { SchemaFailureReason } from './record-decoder';

/** Why records were given up on: AWS's condition for exhausted retries, or the registry's reason. */
export type FailureCondition = 'RetriesExhausted' | 'RecordAgeExceeded' | SchemaFailureReason;

/** The mapping the records came from, as the document names it. */
export interface FailureOrigin {
  source: KafkaEventSource;
  functionArn: string;
}

export interface DiscardedRecords {
  functionKey: string;
  topic: string;
  partition: number;
  messages: readonly KafkaMessage[];
  error: string;
  /** Failed invocations before giving up; 0 when the function never saw the records. */
  attempts: number;
  /** RetriesExhausted unless said otherwise. */
  condition?: FailureCondition;
}

/** The value of one message on the destination topic. */
export interface FailureDocument {
  requestContext: { requestId: string; functionArn: string; condition: FailureCondition; approximateInvokeCount: number };
  /** null when the function was never invoked with the record. */
  responseContext: { statusCode: number; executedVersion: string; functionError: string } | null;
  version: '1.0';
  timestamp: string;
  KafkaBatchInfo: {
    batchSize: 1;
    eventSourceArn?: string;
    bootstrapServers: string;
    payloadSize: number;
    recordInfo: { offset: string; timestamp: string };
  };
  payload: KafkaEventPayload;
}

export function failureDocument(origin: FailureOrigin, discarded: DiscardedRecords, message: KafkaMessage, now = new Date()): FailureDocument {
  const payload = buildKafkaEvent(origin.source, [toKafkaRecord(discarded.topic, discarded.partition, message)]);
  const invoked = discarded.attempts > 0;
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: origin.functionArn,
      condition: discarded.condition ?? 'RetriesExhausted',
      approximateInvokeCount: discarded.attempts,
    },
    responseContext: invoked ? { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' } : null,
    version: '1.0',
    timestamp: now.toISOString(),
    KafkaBatchInfo: {
      batchSize: 1,
      ...('eventSourceArn' in origin.source ? { eventSourceArn: origin.source.eventSourceArn } : {}),
      bootstrapServers: origin.source.bootstrapServers,
      payloadSize: Buffer.byteLength(JSON.stringify(payload)),
      recordInfo: { offset: message.offset, timestamp: new Date(Number(message.timestamp)).toISOString() },
    },
    payload,
  };
}

export class KafkaFailureDestination {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    private readonly origin: FailureOrigin,
  ) {}

  /** Resolves once the broker acknowledged every record; throws DestinationError otherwise. */
  async send(discarded: DiscardedRecords): Promise<void> {
    try {
      this.producer ??= await this.connect();
      const now = new Date();
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: discarded.messages.map((message) => ({
          // The source record's key, so the destination partitions by it; null spreads round-robin.
          key: message.key,
          value: JSON.stringify(failureDocument(this.origin, discarded, message, now)),
        })),
      });
    } catch (error) {
      await this.close();
      throw new DestinationError(`kafka://${this.topic}`, error);
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private async connect(): Promise<Producer> {
    // Idempotent, so a retried send after a lost ack does not duplicate records.
    const producer = this.kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
    await producer.connect();
    return producer;
  }
}
