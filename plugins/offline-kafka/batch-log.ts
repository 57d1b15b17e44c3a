/** The one log line per invoked batch: what was sent, how long it took, and what happens next. */
import type { EventSourceMapping } from './event-definition';
import type { Outcome, PlannedBatch, Settlement } from './partition-poller';

export interface LogLine {
  level: 'notice' | 'warning';
  text: string;
}

export function countRecords(n: number): string {
  return n === 1 ? '1 record' : `${n} records`;
}

export function batchLine<T>(
  head: string,
  mapping: Pick<EventSourceMapping, 'maximumRetryAttempts' | 'onFailure'>,
  batch: PlannedBatch<T>,
  outcome: Outcome,
  settlement: Settlement<T>,
  durationMs: number,
  nowMs: number,
): LogLine {
  const line = `${head} offsets ${batch.firstOffset}-${batch.lastOffset} (${countRecords(batch.records.length)}) ${durationMs} ms`;
  if (outcome.kind === 'success') return { level: 'notice', text: `${line}: ok` };
  const attempt = `attempt ${settlement.attempts} of ${mapping.maximumRetryAttempts < 0 ? '∞' : mapping.maximumRetryAttempts + 1}`;
  const retryIn = settlement.retryAtMs === undefined ? '' : `, retrying in ${Math.max(0, settlement.retryAtMs - nowMs)} ms`;
  switch (settlement.verdict) {
    case 'partial':
      return {
        level: 'warning',
        text:
          `${line}: partial failure from offset ${outcome.kind === 'partial' ? outcome.firstFailedOffset : '?'} (${outcome.error}, ${attempt})` +
          `${settlement.commitOffset === undefined ? '' : `, committed to ${settlement.commitOffset}`}${retryIn}`,
      };
    case 'bisect':
      return { level: 'warning', text: `${line}: failed: ${outcome.error}; bisecting the batch${retryIn}` };
    case 'discarded':
      return {
        level: 'warning',
        text:
          `${line}: failed: ${outcome.error} (${attempt}); giving up on ${countRecords(settlement.discarded.length)}` +
          `${mapping.onFailure ? ` → ${mapping.onFailure.uri}` : ''}, committed to ${settlement.commitOffset}`,
      };
    default:
      return { level: 'warning', text: `${line}: failed: ${outcome.error} (${attempt})${retryIn}` };
  }
}
