/**
 * The records of a Lambda Kafka event (self-managed or MSK) as plain values: base64 decoded, in
 * partition order. Pure: the event is what the event source mapping delivered.
 */
import type { MSKEvent, SelfManagedKafkaEvent } from 'aws-lambda';

export interface KafkaRecordIn {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export class KafkaEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaEventError';
  }
}

type KafkaEvent = SelfManagedKafkaEvent | MSKEvent;

export function flattenKafkaEvent(event: unknown): KafkaRecordIn[] {
  const records = (event as Partial<KafkaEvent> | null)?.records;
  if (records === null || typeof records !== 'object') throw new KafkaEventError('not a Kafka event: `records` is missing');
  const out: KafkaRecordIn[] = [];
  for (const [group, list] of Object.entries(records)) {
    if (!Array.isArray(list)) throw new KafkaEventError(`records["${group}"] is not an array`);
    for (const r of list) {
      const headers: Record<string, string> = {};
      for (const h of r.headers ?? []) {
        for (const [name, bytes] of Object.entries(h)) headers[name] = Buffer.from(bytes as number[]).toString('utf8');
      }
      out.push({
        topic: r.topic,
        partition: Number(r.partition),
        offset: Number(r.offset),
        timestamp: Number(r.timestamp),
        key: r.key ? Buffer.from(r.key, 'base64') : null,
        value: r.value ? Buffer.from(r.value, 'base64') : null,
        headers,
      });
    }
  }
  return out;
}

/** "topic-partition@offset": how a record is named in logs and DLQ headers. */
export function recordName(r: Pick<KafkaRecordIn, 'topic' | 'partition' | 'offset'>): string {
  return `${r.topic}-${r.partition}@${r.offset}`;
}
