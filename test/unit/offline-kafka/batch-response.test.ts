import { readBatchResponse } from '../../../plugins/offline-kafka/batch-response';
import { BatchResponseError } from '../../../plugins/offline-kafka/errors';

const KEY = 'users.raw-0';
const OFFSETS = new Set([15, 16, 17, 18]);
const failure = (itemIdentifier: unknown) => ({ itemIdentifier });

describe('readBatchResponse', () => {
  it.each([undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }, { statusCode: 200 }])('treats %j as full success', (result) => {
    expect(readBatchResponse(result, KEY, OFFSETS)).toEqual({ kind: 'success' });
  });

  it('finds the first failed offset, whatever the order of the reports', () => {
    const result = { batchItemFailures: [failure({ partition: KEY, offset: 17 }), failure({ partition: KEY, offset: 16 })] };
    expect(readBatchResponse(result, KEY, OFFSETS)).toEqual({ kind: 'partial', firstFailedOffset: 16, failedCount: 2 });
  });

  it('accepts an offset sent as a numeric string', () => {
    expect(readBatchResponse({ batchItemFailures: [failure({ partition: KEY, offset: '18' })] }, KEY, OFFSETS)).toMatchObject({ firstFailedOffset: 18 });
  });

  it.each([
    ['a string result', 'ok', 'expected an object with batchItemFailures, got "ok"'],
    ['an array result', [], 'expected an object with batchItemFailures, got []'],
    ['a non-array list', { batchItemFailures: {} }, 'batchItemFailures must be an array, got {}'],
    ['an empty identifier', { batchItemFailures: [failure('')] }, 'batchItemFailures[0].itemIdentifier must be { partition, offset }, got ""'],
    ['a null identifier', { batchItemFailures: [failure(null)] }, 'itemIdentifier must be { partition, offset }, got null'],
    ['a missing identifier', { batchItemFailures: [{ id: 1 }] }, 'itemIdentifier must be { partition, offset }, got undefined'],
    ['another partition', { batchItemFailures: [failure({ partition: 'users.raw-1', offset: 15 })] }, 'partition is "users.raw-1", the batch is "users.raw-0"'],
    ['an offset outside the batch', { batchItemFailures: [failure({ partition: KEY, offset: 99 })] }, 'offset 99 is not in the batch'],
    ['a bad key name', { batchItemFailures: [failure({ partition: KEY, sequenceNumber: 15 })] }, 'offset undefined is not in the batch'],
  ])('fails the whole batch on %s', (_name, result, message) => {
    expect(() => readBatchResponse(result, KEY, OFFSETS)).toThrow(BatchResponseError);
    expect(() => readBatchResponse(result, KEY, OFFSETS)).toThrow(/^malformed handler result: /);
    expect(() => readBatchResponse(result, KEY, OFFSETS)).toThrow(message);
  });
});
