/**
 * users.dlq: one envelope for every stage (docs/dead-letters.md). The value is the original bytes,
 * untouched; the headers say why and where: reason, stage, source_topic, source_partition,
 * source_offset, failed_at (and the source record's own headers). A record publish could not
 * encode comes from the outbox, not a topic: its source is `postgres.outbox`, partition 0, the
 * outbox row's id as offset, and its bytes are the stored payload as JSON.
 */
import type { FunctionKey } from '../config';
import { isRecordFault } from '../domain/faults';
import type { KafkaRecordIn } from '../domain/kafka-records';
import type { OutMessage } from './ports';

/** The stage that gave up on a record: any function may. */
export type Stage = FunctionKey;

/** Where a dead-lettered record came from, and its bytes as they were. */
export type DeadLetterSource = Pick<KafkaRecordIn, 'topic' | 'partition' | 'offset' | 'key' | 'value' | 'headers'>;

export const OUTBOX_SOURCE_TOPIC = 'postgres.outbox';

export function deadLetter(source: DeadLetterSource, stage: Stage, error: unknown): OutMessage {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    key: source.key,
    value: source.value,
    headers: {
      ...source.headers,
      reason: reason.slice(0, 2000),
      stage,
      source_topic: source.topic,
      source_partition: String(source.partition),
      source_offset: String(source.offset),
      failed_at: new Date().toISOString(),
    },
  };
}

/**
 * Each record through `accept`: what it returns is kept, a record fault becomes a dead letter, and
 * any other error is thrown (the batch is retried). The one loop every stage uses.
 */
export async function acceptOrDeadLetter<S extends DeadLetterSource, T>(
  sources: readonly S[],
  stage: Stage,
  accept: (source: S) => Promise<T> | T,
): Promise<{ accepted: T[]; dead: OutMessage[] }> {
  const accepted: T[] = [];
  const dead: OutMessage[] = [];
  for (const source of sources) {
    try {
      accepted.push(await accept(source));
    } catch (err) {
      if (!isRecordFault(err)) throw err;
      dead.push(deadLetter(source, stage, err));
    }
  }
  return { accepted, dead };
}
