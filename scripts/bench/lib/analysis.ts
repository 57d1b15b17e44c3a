/**
 * A run read back after it ended: when each of its users passed users.raw and users.clean (record
 * timestamps) and was written to Cassandra (write time), giving per-stage spans, latencies, and
 * what is missing or duplicated.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clients } from './clients';
import type { PipelineRun } from './pipeline-runs';
import { progress } from './progress';
import { cassandraRowTimes, recordTimes } from './readers';
import type { Analysis, LatencyWindow, StageTimes } from './report';
import { fmtInt, percentile, sortedNumbers } from './stats';

function span(values: Iterable<number>): { first: number; last: number; count: number } {
  let first = Infinity;
  let last = -Infinity;
  let count = 0;
  for (const v of values) {
    first = Math.min(first, v);
    last = Math.max(last, v);
    count++;
  }
  return { first, last, count };
}

function quantiles(values: Iterable<number>): { p50: number; p99: number } {
  const sorted = sortedNumbers(values);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** Seconds per window of `latencyByWindow`: short enough to place a stall, long enough for a p99 of its own at 1k users/s. */
export const LATENCY_WINDOW_S = 5;

/** publish→Cassandra latencies by when the user was published (seconds since the run started), so a tail can be placed in time. */
export function latencyByWindow(samples: readonly { publishedAt: number; latency: number }[], startedAt: number): LatencyWindow[] {
  const windows = new Map<number, number[]>();
  for (const { publishedAt, latency } of samples) {
    const from = Math.max(0, Math.floor((publishedAt - startedAt) / 1000 / LATENCY_WINDOW_S) * LATENCY_WINDOW_S);
    const bucket = windows.get(from) ?? [];
    bucket.push(latency);
    windows.set(from, bucket);
  }
  return [...windows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([fromS, latencies]) => {
      const sorted = sortedNumbers(latencies);
      return { fromS, users: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
    });
}

export async function analyse(clients: Clients, run: PipelineRun): Promise<Analysis> {
  const keys = new Set(run.ids);
  progress(`${run.label}: reading back record timestamps and Cassandra write times…`);
  const raw = await recordTimes(clients.kafka, clients.admin, clients.config.topics.raw, run.rawStart, run.rawEnd, keys);
  const clean = await recordTimes(clients.kafka, clients.admin, clients.config.topics.clean, run.cleanStart, run.cleanEnd, keys);
  let rows = await cassandraRowTimes(clients.cassandra, run.ids);
  if (rows.writeTime.size < run.ids.length) {
    // Read again: a row the first read missed is either late or not there at all.
    const missing = run.ids.filter((id) => !rows.writeTime.has(id));
    progress(`${run.label}: ${fmtInt(missing.length)} users not found in Cassandra on the first read (e.g. ${missing.slice(0, 3).join(', ')}); reading again`);
    await sleep(2000);
    rows = await cassandraRowTimes(clients.cassandra, run.ids);
  }
  const fetchSpan = { first: Math.min(...run.fetches.map((f) => f.startedAt)), last: Math.max(...run.fetches.map((f) => f.endedAt)), count: run.users };
  const stages: StageTimes[] = [
    { label: 'fetch + persist (fetch invoked → returned)', ...fetchSpan },
    { label: 'publish (users.raw record timestamps)', ...span(raw.first.values()) },
    { label: 'transform (users.clean record timestamps)', ...span(clean.first.values()) },
    { label: 'sink (Cassandra write times)', ...span(rows.writeTime.values()) },
  ];
  const latencies: number[] = [];
  const timed: { publishedAt: number; latency: number }[] = [];
  const latenciesUpdated: number[] = [];
  const fetchLatencies: number[] = [];
  const publishToTransform: number[] = [];
  const transformToSink: number[] = [];
  const fetchStart = new Map<string, number>();
  for (const f of run.fetches) fetchStart.set(f.report.batchId, f.startedAt);
  for (const [id, written] of rows.writeTime) {
    const published = raw.first.get(id);
    if (published === undefined) continue;
    latencies.push(written - published);
    timed.push({ publishedAt: published, latency: written - published });
    const transformed = clean.first.get(id);
    if (transformed !== undefined) {
      publishToTransform.push(transformed - published);
      transformToSink.push(written - transformed);
    }
    const updated = rows.updatedAt.get(id);
    if (updated !== undefined) latenciesUpdated.push(updated - published);
  }
  // fetch → Cassandra: per fetch call, from its invocation to each of its rows' write time.
  const pageOf = await clients.pool.query<{ user_id: string; batch_id: string }>('SELECT user_id, batch_id FROM raw_users WHERE user_id = ANY($1::uuid[])', [
    run.ids,
  ]);
  for (const row of pageOf.rows) {
    const started = fetchStart.get(row.batch_id);
    const written = rows.writeTime.get(row.user_id);
    if (started !== undefined && written !== undefined) fetchLatencies.push(written - started);
  }
  const sorted = sortedNumbers(latencies);
  const sortedUpdated = sortedNumbers(latenciesUpdated);
  const sortedFetch = sortedNumbers(fetchLatencies);
  const lastWrite = span(rows.writeTime.values()).last;
  return {
    users: run.users,
    startedAt: run.startedAt,
    stages,
    endToEndMs: lastWrite - fetchSpan.first,
    latency: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN, count: sorted.length },
    latencyByWindow: latencyByWindow(timed, run.startedAt),
    latencyUpdatedAt: { p50: percentile(sortedUpdated, 50), p99: percentile(sortedUpdated, 99) },
    fetchToCassandra: { p50: percentile(sortedFetch, 50), p99: percentile(sortedFetch, 99) },
    segments: {
      publishToTransform: quantiles(publishToTransform),
      transformToSink: quantiles(transformToSink),
    },
    duplicates: { raw: raw.duplicates, clean: clean.duplicates },
    missing: run.users - rows.writeTime.size,
  };
}
