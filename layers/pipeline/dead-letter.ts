/**
 * users.dlq: one envelope for every poison record (docs/dead-letters.md). The event source mapping
 * writes the records it gives up on in AWS's on-failure record format; the records a stage rejects
 * are written here in the same format, so a reader of users.dlq reads each the same way: the value
 * is a JSON document with the record in `payload.records["<topic>-<partition>"][0]` and why in
 * `requestContext.condition` (here `RecordRejected`, the error in `responsePayload`); the key is
 * the record's own key.
 */
import { isRecordFault } from '../domain/faults';
import type { DeliveredRecord, EventSource } from '../domain/kafka-records';
import type { Invocation } from './invocation';
import type { OutMessage } from './ports';

/** Where a dead-lettered record came from: the record as it was delivered, and its event. */
export interface DeadLetterSource {
  delivered: DeliveredRecord;
  eventSource: EventSource;
}

/** A stage's rejections, beside the mapping's RetriesExhausted, SCHEMA_NOT_FOUND and DESERIALIZATION_ERROR. */
export const REJECTED_CONDITION = 'RecordRejected';

/** publish's source is an outbox row, not a topic: its records are named as if from this one. */
export const OUTBOX_SOURCE = 'postgres.outbox';

const MAX_MESSAGE = 2000;

export function deadLetter(source: DeadLetterSource, invocation: Invocation, error: unknown, now = new Date()): OutMessage {
  const { delivered, eventSource } = source;
  const payload = { ...eventSource, records: { [`${delivered.topic}-${delivered.partition}`]: [delivered] } };
  const document = {
    requestContext: { requestId: invocation.requestId, functionArn: invocation.functionArn, condition: REJECTED_CONDITION, approximateInvokeCount: 1 },
    // The function ran and handled the record's error itself: Lambda's 200 with a Handled error.
    responseContext: { statusCode: 200, executedVersion: invocation.executedVersion, functionError: 'Handled' },
    responsePayload: {
      errorType: error instanceof Error ? error.name : 'Error',
      errorMessage: (error instanceof Error ? error.message : String(error)).slice(0, MAX_MESSAGE),
    },
    version: '1.0',
    timestamp: now.toISOString(),
    KafkaBatchInfo: {
      batchSize: 1,
      eventSourceArn: eventSource.eventSourceArn,
      bootstrapServers: eventSource.bootstrapServers,
      payloadSize: Buffer.byteLength(JSON.stringify(payload)),
      recordInfo: { offset: String(delivered.offset), timestamp: new Date(delivered.timestamp).toISOString() },
    },
    payload,
  };
  return { key: delivered.key ? Buffer.from(delivered.key, 'base64') : null, value: JSON.stringify(document) };
}

/**
 * Each record through `accept`: what it returns is kept, a record fault becomes a dead letter, and
 * any other error is thrown (the batch is retried). The one loop every stage uses.
 */
export async function acceptOrDeadLetter<S extends DeadLetterSource, T>(
  sources: readonly S[],
  invocation: Invocation,
  accept: (source: S) => Promise<T> | T,
): Promise<{ accepted: T[]; dead: OutMessage[]; firstReason?: string }> {
  const accepted: T[] = [];
  const dead: OutMessage[] = [];
  let firstReason: string | undefined;
  for (const source of sources) {
    try {
      const result = accept(source);
      // Awaited only when it is a promise: every stage's accept is synchronous, and an await per
      // record let other invocations run between a batch's records, so the batch lived longer.
      accepted.push(result instanceof Promise ? await result : result);
    } catch (err) {
      if (!isRecordFault(err)) throw err;
      dead.push(deadLetter(source, invocation, err));
      firstReason ??= `${err.name}: ${err.message}`;
    }
  }
  return { accepted, dead, firstReason };
}
