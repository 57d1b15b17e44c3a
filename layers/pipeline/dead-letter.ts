/** users.dlq messages: the original bytes, untouched, with why and where in the headers. */
import type { Message } from 'kafkajs';
import type { KafkaRecordIn } from '../domain/kafka-records';

export type Stage = 'publish' | 'transform' | 'sink';

export function deadLetter(record: KafkaRecordIn, stage: Stage, error: unknown): Message {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      reason: reason.slice(0, 2000),
      stage,
      source_topic: record.topic,
      source_partition: String(record.partition),
      source_offset: String(record.offset),
      failed_at: new Date().toISOString(),
    },
  };
}
