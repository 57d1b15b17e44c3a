/**
 * What the event source mapping does for one partition, without any I/O: from the records fetched
 * past the committed position it decides the next step (invoke a batch, skip filtered records, wait
 * for the batching window or a retry backoff), and from an invocation's outcome what to commit,
 * what to retry, and what to give up on. Only one batch per partition is ever in flight, so order
 * within a partition is kept.
 *
 * Retry rules (AWS's, with the offline choices noted in README.md):
 * - a failed batch is retried whole, after an exponential backoff, until maximumRetryAttempts
 *   (-1: forever); then its records are discarded (to the on-failure destination) and committed;
 * - bisectBatchOnFunctionError splits a failed batch in two and runs the halves in order; halves
 *   start their own attempt count, so a poison record ends up alone before it is discarded;
 * - a partial failure (ReportBatchItemFailures) commits up to the first failed offset and retries
 *   from it to the end of the batch, counting as one failed attempt;
 * - a record older than maximumRecordAgeMs is never sent: a batch ends before it, and once it is
 *   first in line it is given up on (with the too-old records right after it), new or retried.
 */
import type { Backoff } from './plugin-settings';

/** Exponential: initialMs, doubling per attempt, capped at maxMs. */
export function backoffMs(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.initialMs * 2 ** Math.max(0, attempt - 1), backoff.maxMs);
}

/** How the poller reads the records it is given (kafkajs messages, in the plugin). */
export interface RecordView<T> {
  offset(record: T): number;
  /** Passes the filter patterns; a record that does not is skipped and committed. */
  matches(record: T): boolean;
  /** Its estimated share of the invocation payload. */
  bytes(record: T): number;
  /** The record's timestamp (ms), which its age is measured from. */
  timestampMs(record: T): number;
}

export interface PollerSettings {
  batchSize: number;
  maximumBatchingWindowMs: number;
  maximumRetryAttempts: number;
  bisectBatchOnFunctionError: boolean;
  retryBackoff: Backoff;
  /** MaximumRecordAgeInSeconds in ms; undefined: records never get too old. */
  maximumRecordAgeMs: number | undefined;
  /** Lambda's synchronous payload limit. */
  maxBatchBytes: number;
}

export interface PlannedBatch<T> {
  /** The offsets this batch settles: from the position to its last record (filtered ones included). */
  firstOffset: number;
  lastOffset: number;
  records: T[];
  /** Failed attempts before this one (0 on the first try). */
  attempt: number;
}

export type Step<T> =
  | { kind: 'idle' }
  | { kind: 'wait'; reason: 'window' | 'backoff'; untilMs: number }
  | { kind: 'skip'; nextOffset: number; skipped: number }
  /** Records past the maximum age, to give up on and commit; attempts: failed invocations they had. */
  | { kind: 'expire'; records: T[]; nextOffset: number; attempts: number }
  | { kind: 'invoke'; batch: PlannedBatch<T> };

export type Outcome = { kind: 'success' } | { kind: 'failure'; error: string } | { kind: 'partial'; firstFailedOffset: number; error: string };

export type Verdict = 'ok' | 'retry' | 'bisect' | 'partial' | 'discarded';

export interface Settlement<T> {
  verdict: Verdict;
  /** The next offset to read, to commit now; undefined when nothing new is settled. */
  commitOffset: number | undefined;
  /** Records given up on, for the on-failure destination; commitOffset covers them. */
  discarded: T[];
  /** Failed attempts so far for the records still pending. */
  attempts: number;
  /** When the next attempt may start (retry, partial, bisect). */
  retryAtMs: number | undefined;
}

interface OffsetRange {
  from: number;
  to: number;
}

interface RetryState {
  /** ranges[0] is being retried; the rest are bisected halves still to run, in order. */
  ranges: OffsetRange[];
  attempts: number;
  notBeforeMs: number;
}

export class PartitionPoller<T> {
  private retry: RetryState | undefined;
  private windowOpenedAtMs: number | undefined;
  private inFlight: PlannedBatch<T> | undefined;

  constructor(
    private readonly settings: PollerSettings,
    private readonly view: RecordView<T>,
  ) {}

  /**
   * @param fetched records in offset order; those from index `from` on are past the position
   * @param caughtUp nothing more is in the partition beyond `fetched` (the window only applies then)
   * @param to plan from fetched[from] to fetched[to - 1] only (the records ready to be read)
   */
  plan(fetched: readonly T[], caughtUp: boolean, nowMs: number, from = 0, to = fetched.length): Step<T> {
    if (this.inFlight) throw new Error('a batch is already in flight for this partition');
    if (from >= to) return { kind: 'idle' };
    const firstOffset = this.view.offset(fetched[from] as T);
    if (this.retry && this.retry.ranges[0]?.from !== firstOffset) this.reset();
    return this.retry ? this.planRetry(this.retry, fetched, from, to, nowMs) : this.planNext(fetched, from, to, caughtUp && to === fetched.length, nowMs);
  }

  settle(outcome: Outcome, nowMs: number): Settlement<T> {
    const batch = this.inFlight;
    if (!batch) throw new Error('no batch in flight for this partition');
    this.inFlight = undefined;
    this.windowOpenedAtMs = undefined;
    const retry: RetryState = this.retry ?? { ranges: [{ from: batch.firstOffset, to: batch.lastOffset }], attempts: 0, notBeforeMs: nowMs };
    this.retry = retry;
    const attempts = retry.attempts + 1;

    if (outcome.kind === 'success') return this.advance(retry, batch.lastOffset + 1, [], 'ok', 0, nowMs);

    if (outcome.kind === 'partial') {
      const failedFrom = outcome.firstFailedOffset;
      const remaining = batch.records.filter((r) => this.view.offset(r) >= failedFrom);
      const committedBefore = failedFrom > batch.firstOffset ? failedFrom : undefined;
      if (this.exhausted(attempts)) return this.advance(retry, batch.lastOffset + 1, remaining, 'discarded', attempts, nowMs);
      retry.ranges[0] = { from: failedFrom, to: batch.lastOffset };
      return this.schedule(retry, attempts, 'partial', committedBefore, nowMs);
    }

    if (this.settings.bisectBatchOnFunctionError && batch.records.length > 1) {
      const middle = Math.ceil(batch.records.length / 2);
      const lastOfFirstHalf = this.view.offset(batch.records[middle - 1] as T);
      retry.ranges.splice(0, 1, { from: batch.firstOffset, to: lastOfFirstHalf }, { from: lastOfFirstHalf + 1, to: batch.lastOffset });
      return this.schedule(retry, 0, 'bisect', undefined, nowMs);
    }
    if (this.exhausted(attempts)) return this.advance(retry, batch.lastOffset + 1, batch.records, 'discarded', attempts, nowMs);
    return this.schedule(retry, attempts, 'retry', undefined, nowMs);
  }

  /**
   * Forgets windows and retries: after a rebalance the position comes from the broker again. A
   * batch still in flight settles as usual; its commit then fails on the old group generation and
   * the records are delivered again.
   */
  reset(): void {
    this.retry = undefined;
    this.windowOpenedAtMs = undefined;
  }

  private planRetry(retry: RetryState, fetched: readonly T[], from: number, to: number, nowMs: number): Step<T> {
    if (nowMs < retry.notBeforeMs) return { kind: 'wait', reason: 'backoff', untilMs: retry.notBeforeMs };
    const { view } = this;
    const range = retry.ranges[0] as OffsetRange;
    const records: T[] = [];
    let lastOffset = range.from;
    for (let i = from; i < to && view.offset(fetched[i] as T) <= range.to; i++) {
      const record = fetched[i] as T;
      if (this.tooOld(record, nowMs)) {
        if (records.length > 0) {
          // Retry what comes before it; the rest of the range follows once that part is settled.
          retry.ranges.splice(1, 0, { from: view.offset(record), to: range.to });
          range.to = lastOffset;
          break;
        }
        const expire = this.expire(fetched, i, to, range.to, nowMs, retry.attempts);
        range.from = expire.nextOffset;
        if (range.from > range.to) this.finishRange(retry);
        return expire;
      }
      lastOffset = view.offset(record);
      if (view.matches(record)) records.push(record);
    }
    // A fetch may return less than the range (broker byte limits): retry what is here, the rest follows.
    range.to = lastOffset;
    if (records.length === 0) {
      this.finishRange(retry);
      return { kind: 'skip', nextOffset: range.to + 1, skipped: range.to + 1 - range.from };
    }
    return this.start({ firstOffset: range.from, lastOffset: range.to, records, attempt: retry.attempts });
  }

  private planNext(fetched: readonly T[], from: number, to: number, caughtUp: boolean, nowMs: number): Step<T> {
    const { batchSize, maxBatchBytes, maximumBatchingWindowMs } = this.settings;
    const { view } = this;
    const firstOffset = view.offset(fetched[from] as T);
    const records: T[] = [];
    let bytes = 0;
    let full = false;
    let lastOffset = firstOffset - 1;
    for (let i = from; i < to; i++) {
      const record = fetched[i] as T;
      if (this.tooOld(record, nowMs)) {
        // The batch ends before it; filtered records ahead of it are skipped first.
        if (records.length > 0) full = true;
        if (records.length > 0 || lastOffset >= firstOffset) break;
        this.windowOpenedAtMs = undefined;
        return this.expire(fetched, i, to, Number.POSITIVE_INFINITY, nowMs, 0);
      }
      if (view.matches(record)) {
        const size = view.bytes(record);
        if (records.length === batchSize || (records.length > 0 && bytes + size > maxBatchBytes)) {
          full = true;
          break;
        }
        records.push(record);
        bytes += size;
      }
      lastOffset = view.offset(record);
    }
    if (records.length === 0) {
      this.windowOpenedAtMs = undefined;
      return { kind: 'skip', nextOffset: lastOffset + 1, skipped: lastOffset + 1 - firstOffset };
    }
    full ||= records.length === batchSize;
    if (!full && caughtUp && maximumBatchingWindowMs > 0) {
      this.windowOpenedAtMs ??= nowMs;
      const untilMs = this.windowOpenedAtMs + maximumBatchingWindowMs;
      if (nowMs < untilMs) return { kind: 'wait', reason: 'window', untilMs };
    }
    return this.start({ firstOffset, lastOffset, records, attempt: 0 });
  }

  private tooOld(record: T, nowMs: number): boolean {
    const maxAge = this.settings.maximumRecordAgeMs;
    return maxAge !== undefined && this.view.matches(record) && nowMs - this.view.timestampMs(record) > maxAge;
  }

  /** The run of too-old records from index `from` (up to `lastOffset`, before index `to`), to give up on together. */
  private expire(fetched: readonly T[], from: number, to: number, lastOffset: number, nowMs: number, attempts: number): Extract<Step<T>, { kind: 'expire' }> {
    const records: T[] = [];
    for (let i = from; i < to && this.view.offset(fetched[i] as T) <= lastOffset && this.tooOld(fetched[i] as T, nowMs); i++) {
      records.push(fetched[i] as T);
    }
    return { kind: 'expire', records, nextOffset: this.view.offset(records.at(-1) as T) + 1, attempts };
  }

  private finishRange(retry: RetryState): void {
    retry.ranges.shift();
    if (retry.ranges.length === 0) this.retry = undefined;
  }

  private start(batch: PlannedBatch<T>): Step<T> {
    this.inFlight = batch;
    return { kind: 'invoke', batch };
  }

  /** The current range is settled (done or given up): move to the next bisected half, if any. */
  private advance(retry: RetryState, commitOffset: number, discarded: T[], verdict: Verdict, attempts: number, nowMs: number): Settlement<T> {
    this.finishRange(retry);
    retry.attempts = 0;
    retry.notBeforeMs = nowMs;
    return { verdict, commitOffset, discarded, attempts, retryAtMs: undefined };
  }

  private schedule(retry: RetryState, attempts: number, verdict: Verdict, commitOffset: number | undefined, nowMs: number): Settlement<T> {
    retry.attempts = attempts;
    retry.notBeforeMs = nowMs + backoffMs(this.settings.retryBackoff, Math.max(1, attempts));
    return { verdict, commitOffset, discarded: [], attempts, retryAtMs: retry.notBeforeMs };
  }

  private exhausted(attempts: number): boolean {
    const max = this.settings.maximumRetryAttempts;
    return max >= 0 && attempts > max;
  }
}
