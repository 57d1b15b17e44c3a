/**
 * Reads a handler's result under ReportBatchItemFailures:
 * `{ batchItemFailures: [{ itemIdentifier: { partition: "topic-0", offset: 15 } }] }`.
 * As for AWS's stream sources, no result, an empty or missing list is full success; an entry with a
 * missing, empty or unknown identifier fails the whole batch (here: BatchResponseError).
 */
import { BatchResponseError } from './errors';

export type BatchResponse = { kind: 'success' } | { kind: 'partial'; firstFailedOffset: number; failedCount: number };

/**
 * @param partitionKey the batch's records key, "<topic>-<partition>"
 * @param offsets offsets of the records the function received
 */
export function readBatchResponse(result: unknown, partitionKey: string, offsets: ReadonlySet<number>): BatchResponse {
  if (result === undefined || result === null) return { kind: 'success' };
  if (typeof result !== 'object' || Array.isArray(result)) {
    throw new BatchResponseError(`expected an object with batchItemFailures, got ${describe(result)}`);
  }
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) throw new BatchResponseError(`batchItemFailures must be an array, got ${describe(failures)}`);
  if (failures.length === 0) return { kind: 'success' };

  let firstFailedOffset = Number.POSITIVE_INFINITY;
  failures.forEach((failure: unknown, i) => {
    const identifier = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof identifier !== 'object' || identifier === null || Array.isArray(identifier)) {
      throw new BatchResponseError(`batchItemFailures[${i}].itemIdentifier must be { partition, offset }, got ${describe(identifier)}`);
    }
    const { partition, offset } = identifier as { partition?: unknown; offset?: unknown };
    if (partition !== partitionKey) {
      throw new BatchResponseError(`batchItemFailures[${i}].itemIdentifier.partition is ${describe(partition)}, the batch is "${partitionKey}"`);
    }
    const value = typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : offset;
    if (typeof value !== 'number' || !offsets.has(value)) {
      throw new BatchResponseError(`batchItemFailures[${i}].itemIdentifier.offset ${describe(offset)} is not in the batch`);
    }
    firstFailedOffset = Math.min(firstFailedOffset, value);
  });
  return { kind: 'partial', firstFailedOffset, failedCount: failures.length };
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
