/**
 * The on-failure destination: like AWS's Kafka destination (`kafka://topic`), it receives the
 * actual failed records (key, value, original headers) plus failure metadata as headers, so a
 * replay tool can send them back to the source.
 */
import type { IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DestinationError } from './errors';

export const FAILURE_HEADERS = {
  error: 'esm.error',
  function: 'esm.function',
  topic: 'esm.source.topic',
  partition: 'esm.source.partition',
  offset: 'esm.source.offset',
  attempts: 'esm.attempts',
} as const;

export interface DiscardedRecords {
  functionKey: string;
  topic: string;
  partition: number;
  messages: readonly KafkaMessage[];
  error: string;
  /** Failed invocations before giving up. */
  attempts: number;
}

export class KafkaFailureDestination {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
  ) {}

  /** Resolves once the broker acknowledged every record; throws DestinationError otherwise. */
  async send(discarded: DiscardedRecords): Promise<void> {
    try {
      this.producer ??= await this.connect();
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: discarded.messages.map((message) => ({
          key: message.key,
          value: message.value,
          headers: { ...copyHeaders(message.headers), ...failureHeaders(discarded, message.offset) },
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

function failureHeaders(discarded: DiscardedRecords, offset: string): IHeaders {
  return {
    [FAILURE_HEADERS.error]: discarded.error,
    [FAILURE_HEADERS.function]: discarded.functionKey,
    [FAILURE_HEADERS.topic]: discarded.topic,
    [FAILURE_HEADERS.partition]: String(discarded.partition),
    [FAILURE_HEADERS.offset]: offset,
    [FAILURE_HEADERS.attempts]: String(discarded.attempts),
  };
}

function copyHeaders(headers: IHeaders | undefined): IHeaders {
  const copy: IHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) copy[name] = value;
  return copy;
}
