import { PartitionPoller, type PollerSettings, type RecordView, type Step } from '../../../plugins/offline-kafka/partition-poller';

const SETTINGS: PollerSettings = {
  batchSize: 3,
  maximumBatchingWindowMs: 500,
  maximumRetryAttempts: -1,
  bisectBatchOnFunctionError: false,
  retryBackoff: { initialMs: 100, maxMs: 400 },
  maximumRecordAgeMs: undefined,
  maxBatchBytes: 6 * 1024 * 1024,
};

interface TestRecord {
  offset: number;
  matched: boolean;
  bytes: number;
  timestampMs?: number;
}

const VIEW: RecordView<TestRecord> = { offset: (r) => r.offset, matches: (r) => r.matched, bytes: (r) => r.bytes, timestampMs: (r) => r.timestampMs ?? 0 };

const poller = (overrides: Partial<PollerSettings> = {}) => new PartitionPoller<TestRecord>({ ...SETTINGS, ...overrides }, VIEW);

/** Records from `from` to `to`; offsets listed in `filtered` do not match the filter. */
function records(from: number, to: number, filtered: number[] = [], bytes = 100): TestRecord[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({ offset: from + i, matched: !filtered.includes(from + i), bytes }));
}

function invoked(step: Step<TestRecord>): number[] {
  if (step.kind !== 'invoke') throw new Error(`expected invoke, got ${JSON.stringify(step)}`);
  return step.batch.records.map((r) => r.offset);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('PartitionPoller: batching', () => {
  it('does nothing without records', () => {
    expect(poller().plan([], true, 0)).toEqual({ kind: 'idle' });
  });

  it('cuts batches at batchSize and settles to the end of each', () => {
    const p = poller();
    expect(invoked(p.plan(records(0, 7), false, 0))).toEqual([0, 1, 2]);
    expect(p.settle({ kind: 'success' }, 1)).toMatchObject({ verdict: 'ok', commitOffset: 3, discarded: [] });
    expect(invoked(p.plan(records(3, 7), false, 2))).toEqual([3, 4, 5]);
  });

  it('waits for the window when caught up with a partial batch, then sends what is there', () => {
    const p = poller();
    expect(p.plan(records(0, 1), true, 1000)).toEqual({ kind: 'wait', reason: 'window', untilMs: 1500 });
    expect(p.plan(records(0, 1), true, 1400)).toEqual({ kind: 'wait', reason: 'window', untilMs: 1500 });
    expect(invoked(p.plan(records(0, 1), true, 1500))).toEqual([0, 1]);
  });

  it('sends a full batch at once, window or not', () => {
    expect(invoked(poller().plan(records(0, 2), true, 0))).toEqual([0, 1, 2]);
  });

  it('does not wait while the partition holds more than was fetched', () => {
    expect(invoked(poller().plan(records(0, 1), false, 0))).toEqual([0, 1]);
  });

  it('restarts the window after each batch', () => {
    const p = poller();
    p.plan(records(0, 0), true, 0);
    invoked(p.plan(records(0, 0), true, 500));
    p.settle({ kind: 'success' }, 510);
    expect(p.plan(records(1, 1), true, 600)).toEqual({ kind: 'wait', reason: 'window', untilMs: 1100 });
  });

  it('with a zero window sends whatever is there', () => {
    expect(invoked(poller({ maximumBatchingWindowMs: 0 }).plan(records(0, 0), true, 0))).toEqual([0]);
  });

  it('keeps a batch under the payload limit, but always sends at least one record', () => {
    expect(invoked(poller({ batchSize: 10, maxBatchBytes: 250 }).plan(records(0, 5), true, 0))).toEqual([0, 1]);
    expect(invoked(poller({ batchSize: 10, maxBatchBytes: 50 }).plan(records(0, 5), true, 0))).toEqual([0]);
  });

  it('skips filtered records, counts only matching ones toward batchSize, and covers the filtered ones in between', () => {
    const p = poller();
    const step = p.plan(records(0, 6, [1, 3]), false, 0);
    expect(invoked(step)).toEqual([0, 2, 4]);
    expect(step).toMatchObject({ batch: { firstOffset: 0, lastOffset: 4 } });
    expect(p.settle({ kind: 'success' }, 0).commitOffset).toBe(5);
  });

  it('covers trailing filtered records when the batch is not full', () => {
    const p = poller({ maximumBatchingWindowMs: 0 });
    expect(p.plan(records(0, 3, [2, 3]), true, 0)).toMatchObject({ kind: 'invoke', batch: { firstOffset: 0, lastOffset: 3 } });
    expect(p.settle({ kind: 'success' }, 0).commitOffset).toBe(4);
  });

  it('skips and commits a stretch of only filtered records without invoking', () => {
    expect(poller().plan(records(5, 8, [5, 6, 7, 8]), true, 0)).toEqual({ kind: 'skip', nextOffset: 9, skipped: 4 });
  });

  it('plans from the given index, the records before it being settled already', () => {
    expect(invoked(poller().plan(records(0, 9), false, 0, 4))).toEqual([4, 5, 6]);
    expect(poller().plan(records(0, 2), false, 0, 3)).toEqual({ kind: 'idle' });
  });

  it('refuses to plan while a batch is in flight', () => {
    const p = poller();
    p.plan(records(0, 2), false, 0);
    expect(() => p.plan(records(0, 2), false, 0)).toThrow('in flight');
  });
});

describe('PartitionPoller: failures', () => {
  it('retries the same batch forever by default, with exponential backoff, committing nothing', () => {
    const p = poller();
    let now = 0;
    invoked(p.plan(records(0, 5), false, now));
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const settlement = p.settle({ kind: 'failure', error: 'boom' }, now);
      expect(settlement).toMatchObject({ verdict: 'retry', commitOffset: undefined, attempts: attempt, discarded: [] });
      waits.push((settlement.retryAtMs as number) - now);
      expect(p.plan(records(0, 9), false, now)).toEqual({ kind: 'wait', reason: 'backoff', untilMs: settlement.retryAtMs });
      now = settlement.retryAtMs as number;
      const retry = p.plan(records(0, 9), false, now);
      expect(invoked(retry)).toEqual([0, 1, 2]);
      expect(retry).toMatchObject({ batch: { attempt } });
    }
    expect(waits).toEqual([100, 200, 400, 400, 400]);
  });

  it('gives up after maximumRetryAttempts, handing the records over and committing past them', () => {
    const p = poller({ maximumRetryAttempts: 2 });
    let now = 0;
    invoked(p.plan(records(0, 5), false, now));
    for (let attempt = 1; attempt <= 2; attempt++) {
      now = p.settle({ kind: 'failure', error: 'boom' }, now).retryAtMs as number;
      invoked(p.plan(records(0, 5), false, now));
    }
    const settlement = p.settle({ kind: 'failure', error: 'boom' }, now);
    expect(settlement).toMatchObject({ verdict: 'discarded', commitOffset: 3, attempts: 3 });
    expect(settlement.discarded.map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(invoked(p.plan(records(3, 5), false, now))).toEqual([3, 4, 5]);
  });

  it('with maximumRetryAttempts 0 gives up after the first failure', () => {
    const p = poller({ maximumRetryAttempts: 0 });
    invoked(p.plan(records(0, 1), false, 0));
    expect(p.settle({ kind: 'failure', error: 'boom' }, 0)).toMatchObject({ verdict: 'discarded', commitOffset: 2 });
  });

  it('retries exactly the failed batch even when more records arrived meanwhile', () => {
    const p = poller({ batchSize: 10 });
    invoked(p.plan(records(0, 2), false, 0));
    const { retryAtMs } = p.settle({ kind: 'failure', error: 'boom' }, 0);
    expect(invoked(p.plan(records(0, 9), false, retryAtMs as number))).toEqual([0, 1, 2]);
  });

  it('bisects until the poison record is alone; halves keep order and their own attempt count', () => {
    const p = poller({ batchSize: 8, bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 });
    const poison = 5;
    const calls: number[][] = [];
    const discarded: number[] = [];
    const commits: number[] = [];
    let position = 0;
    let now = 0;
    for (let guard = 0; guard < 20 && position < 8; guard++) {
      const step = p.plan(records(position, 7), false, now);
      if (step.kind === 'wait') {
        now = step.untilMs;
        continue;
      }
      const offsets = invoked(step);
      calls.push(offsets);
      const settlement = p.settle(offsets.includes(poison) ? { kind: 'failure', error: 'poison' } : { kind: 'success' }, now);
      discarded.push(...settlement.discarded.map((r) => r.offset));
      if (settlement.commitOffset !== undefined) {
        commits.push(settlement.commitOffset);
        position = settlement.commitOffset;
      }
    }
    expect(calls).toEqual([range(0, 7), range(0, 3), range(4, 7), [4, 5], [4], [5], [5], [6, 7]]);
    expect(discarded).toEqual([5]);
    expect(commits).toEqual([4, 5, 6, 8]);
  });

  it('does not bisect a single record', () => {
    const p = poller({ bisectBatchOnFunctionError: true });
    invoked(p.plan(records(0, 0), false, 0));
    expect(p.settle({ kind: 'failure', error: 'boom' }, 0).verdict).toBe('retry');
  });

  it('on a partial failure commits up to the first failed offset and retries from it to the end of the batch', () => {
    const p = poller({ batchSize: 5, maximumRetryAttempts: 1 });
    invoked(p.plan(records(0, 9), false, 0));
    const first = p.settle({ kind: 'partial', firstFailedOffset: 2, error: '1 records reported failed' }, 0);
    expect(first).toMatchObject({ verdict: 'partial', commitOffset: 2, attempts: 1, discarded: [] });
    const retry = p.plan(records(2, 9), false, first.retryAtMs as number);
    expect(invoked(retry)).toEqual([2, 3, 4]);
    const second = p.settle({ kind: 'partial', firstFailedOffset: 3, error: '1 records reported failed' }, first.retryAtMs as number);
    expect(second).toMatchObject({ verdict: 'discarded', commitOffset: 5, attempts: 2 });
    expect(second.discarded.map((r) => r.offset)).toEqual([3, 4]);
  });

  it('commits nothing when the very first record failed', () => {
    const p = poller();
    invoked(p.plan(records(0, 2), false, 0));
    expect(p.settle({ kind: 'partial', firstFailedOffset: 0, error: 'x' }, 0)).toMatchObject({ verdict: 'partial', commitOffset: undefined });
  });

  it('forgets a retry when the position moved under it (rebalance) and on reset()', () => {
    const p = poller();
    invoked(p.plan(records(0, 2), false, 0));
    p.settle({ kind: 'failure', error: 'boom' }, 0);
    expect(invoked(p.plan(records(3, 5), false, 0))).toEqual([3, 4, 5]);
    p.settle({ kind: 'failure', error: 'boom' }, 0);
    p.reset();
    expect(invoked(p.plan(records(3, 5), false, 0))).toEqual([3, 4, 5]);
  });
});

describe('PartitionPoller: maximumRecordAgeMs', () => {
  const MAX_AGE = 60_000;
  const NOW = 100_000;
  /** One record per timestamp, offsets from 0; `filtered` offsets do not match. */
  const stamped = (timestamps: number[], filtered: number[] = []): TestRecord[] =>
    timestamps.map((timestampMs, offset) => ({ offset, matched: !filtered.includes(offset), bytes: 100, timestampMs }));
  const expired = (step: Step<TestRecord>) => {
    if (step.kind !== 'expire') throw new Error(`expected expire, got ${JSON.stringify(step)}`);
    return { offsets: step.records.map((r) => r.offset), nextOffset: step.nextOffset, attempts: step.attempts };
  };

  it('never sends records older than the maximum age: it gives them up first, then invokes the rest', () => {
    const p = poller({ maximumRecordAgeMs: MAX_AGE });
    const fetched = stamped([0, 30_000, 90_000, 95_000]);
    expect(expired(p.plan(fetched, false, NOW))).toEqual({ offsets: [0, 1], nextOffset: 2, attempts: 0 });
    expect(invoked(p.plan(fetched, false, NOW, 2))).toEqual([2, 3]);
  });

  it('ends a batch before a too-old record without waiting for the window, and gives it up next', () => {
    const p = poller({ maximumRecordAgeMs: MAX_AGE, batchSize: 10 });
    const fetched = stamped([90_000, 0, 95_000]);
    expect(invoked(p.plan(fetched, true, NOW))).toEqual([0]);
    expect(p.settle({ kind: 'success' }, NOW)).toMatchObject({ commitOffset: 1 });
    expect(expired(p.plan(fetched, true, NOW, 1))).toEqual({ offsets: [1], nextOffset: 2, attempts: 0 });
  });

  it('skips filtered records ahead of a too-old one before giving it up; a filtered record is never "too old"', () => {
    const p = poller({ maximumRecordAgeMs: MAX_AGE });
    const fetched = stamped([0, 0, 0], [0, 2]);
    expect(p.plan(fetched, false, NOW)).toEqual({ kind: 'skip', nextOffset: 1, skipped: 1 });
    expect(expired(p.plan(fetched, false, NOW, 1))).toEqual({ offsets: [1], nextOffset: 2, attempts: 0 });
    expect(p.plan(fetched, false, NOW, 2)).toEqual({ kind: 'skip', nextOffset: 3, skipped: 1 });
  });

  it('retries a failing batch until its records are too old, then gives them up with their attempt count', () => {
    const p = poller({ maximumRecordAgeMs: MAX_AGE });
    const fetched = stamped([50_000, 50_000, 50_000, 99_000]);
    let now = NOW;
    invoked(p.plan(fetched, false, now));
    let retryAt = p.settle({ kind: 'failure', error: 'boom' }, now).retryAtMs as number;
    expect(invoked(p.plan(fetched, false, retryAt))).toEqual([0, 1, 2]);
    now = 111_000;
    retryAt = p.settle({ kind: 'failure', error: 'boom' }, now).retryAtMs as number;
    expect(expired(p.plan(fetched, false, retryAt))).toEqual({ offsets: [0, 1, 2], nextOffset: 3, attempts: 2 });
    expect(invoked(p.plan(fetched, false, retryAt, 3))).toEqual([3]);
  });

  it('gives up the too-old head of a retried batch and keeps retrying the rest with the same attempt count', () => {
    const p = poller({ maximumRecordAgeMs: MAX_AGE });
    const fetched = stamped([45_000, 70_000]);
    invoked(p.plan(fetched, false, NOW));
    p.settle({ kind: 'failure', error: 'boom' }, NOW);
    expect(expired(p.plan(fetched, false, 106_000))).toEqual({ offsets: [0], nextOffset: 1, attempts: 1 });
    expect(p.plan(fetched, false, 106_000, 1)).toMatchObject({ kind: 'invoke', batch: { firstOffset: 1, lastOffset: 1, attempt: 1 } });
  });

  it('cuts a retried batch before a record that became too old out of timestamp order', () => {
    const p = poller({ maximumRecordAgeMs: MAX_AGE });
    const fetched = stamped([55_000, 41_000, 56_000]);
    expect(invoked(p.plan(fetched, false, NOW))).toEqual([0, 1, 2]);
    const { retryAtMs } = p.settle({ kind: 'failure', error: 'boom' }, NOW);
    const now = Math.max(retryAtMs as number, 102_000);
    expect(invoked(p.plan(fetched, false, now))).toEqual([0]);
    expect(p.settle({ kind: 'success' }, now)).toMatchObject({ verdict: 'ok', commitOffset: 1 });
    expect(expired(p.plan(fetched, false, now, 1))).toEqual({ offsets: [1], nextOffset: 2, attempts: 0 });
    expect(invoked(p.plan(fetched, false, now, 2))).toEqual([2]);
  });
});
