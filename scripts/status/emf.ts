/**
 * The functions' per-stage metrics as the status page reads them offline: the EMF lines Powertools
 * Metrics prints (layers/pipeline/metrics.ts) are summed per stage. The same lines become CloudWatch
 * metrics on AWS, so the page shows the figures CloudWatch would.
 */

/** One stage's metrics summed over the EMF lines read since the status server started. */
export interface StageTotals {
  invocations: number;
  failures: number;
  recordsIn: number;
  recordsOut: number;
  deadLettered: number;
  /** BatchDuration, in ms. */
  lastDurationMs: number;
  maxDurationMs: number;
  totalDurationMs: number;
}

export interface EmfReading {
  stage: string;
  /** The EMF timestamp, ms since the epoch. */
  at: number;
  values: Record<string, number>;
}

interface EmfDocument {
  _aws?: { Timestamp?: number; CloudWatchMetrics?: { Metrics?: { Name?: string }[] }[] };
  stage?: unknown;
  [metric: string]: unknown;
}

/** A metric printed twice in one invocation is an array of values; the page wants their sum. */
function total(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value.reduce((sum: number, v: number) => sum + v, 0);
  return undefined;
}

/** An EMF line with a `stage` dimension, or undefined for any other line of the log. */
export function parseEmfLine(line: string): EmfReading | undefined {
  // Most lines are the functions' logs: skipped before any JSON is parsed.
  if (!line.includes('"_aws"')) return undefined;
  let doc: EmfDocument;
  try {
    doc = JSON.parse(line) as EmfDocument;
  } catch {
    return undefined;
  }
  const definitions = doc._aws?.CloudWatchMetrics;
  if (typeof doc.stage !== 'string' || !Array.isArray(definitions)) return undefined;
  const values: Record<string, number> = {};
  for (const metric of definitions.flatMap((d) => d.Metrics ?? [])) {
    const value = metric.Name === undefined ? undefined : total(doc[metric.Name]);
    if (metric.Name !== undefined && value !== undefined) values[metric.Name] = value;
  }
  return { stage: doc.stage, at: doc._aws?.Timestamp ?? Date.now(), values };
}

export function emptyTotals(): StageTotals {
  return { invocations: 0, failures: 0, recordsIn: 0, recordsOut: 0, deadLettered: 0, lastDurationMs: 0, maxDurationMs: 0, totalDurationMs: 0 };
}

/** Adds one invocation's reading to its stage's totals. */
export function addReading(totals: Map<string, StageTotals>, reading: EmfReading): void {
  const t = totals.get(reading.stage) ?? emptyTotals();
  const v = reading.values;
  t.invocations += 1;
  t.failures += v.Failures ?? 0;
  t.recordsIn += v.RecordsIn ?? 0;
  t.recordsOut += v.RecordsOut ?? 0;
  t.deadLettered += v.DeadLettered ?? 0;
  if (v.BatchDuration !== undefined) {
    t.lastDurationMs = v.BatchDuration;
    t.maxDurationMs = Math.max(t.maxDurationMs, v.BatchDuration);
    t.totalDurationMs += v.BatchDuration;
  }
  totals.set(reading.stage, t);
}
