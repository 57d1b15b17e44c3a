/**
 * The pipeline benchmark's two phases under `sls offline start`: the throughput run (fetch invoked
 * for every page, a few in flight) and the paced run (small fetches at a steady offered rate), each
 * waited on until publish, transform and sink have taken all of its users.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { type createLambdaClient, invokeFunction } from '../../../layers/adapters/lambda';
import { buildUsersUrl } from '../../../layers/adapters/randomuser';
import type { FetchReport } from '../../../layers/pipeline/fetch-users';
import type { Clients } from './clients';
import { PAGE_SIZE } from './data';
import { pacedCalls, type Options } from './options';
import { progress } from './progress';
import { committedOffsets, endOffsets, lag, type Offsets } from './readers';
import { fmtInt, fmtMs, forEachConcurrent } from './stats';

type Lambda = ReturnType<typeof createLambdaClient>;

export interface FetchCall {
  page: number;
  startedAt: number;
  endedAt: number;
  report: FetchReport;
}

export interface PipelineRun {
  label: string;
  users: number;
  startedAt: number;
  fetches: FetchCall[];
  ids: string[];
  rawStart: Offsets;
  cleanStart: Offsets;
  rawEnd: Offsets;
  cleanEnd: Offsets;
  /** When every stage had caught up, as polled. */
  drainedAt: number;
}

/** The throughput run's API requests, one per page. */
export function throughputPages(options: Options, runId: string): { seed: string; page: number; results: number }[] {
  return Array.from({ length: Math.ceil(options.users / PAGE_SIZE) }, (_, i) => ({ seed: `bench-${runId}`, page: i + 1, results: PAGE_SIZE }));
}

/** The warm-up's API requests: whole pages, none when --warmup-users is 0. */
export function warmupPages(options: Options, runId: string): { seed: string; page: number; results: number }[] {
  return Array.from({ length: Math.ceil(options.warmupUsers / PAGE_SIZE) }, (_, i) => ({ seed: `bench-${runId}-warmup`, page: i + 1, results: PAGE_SIZE }));
}

/** The paced run's API requests, one per call. */
export function pacedPages(options: Options, runId: string): { seed: string; page: number; results: number }[] {
  const { perCall, calls } = pacedCalls(options);
  return Array.from({ length: calls }, (_, i) => ({ seed: `bench-${runId}-paced`, page: i + 1, results: perCall }));
}

/** Asks the local server once for each page (the URLs fetch will use), so it has them in memory. */
export async function warmApi(apiUrl: string, requests: { seed: string; page: number; results: number }[]): Promise<void> {
  progress(`building the ${fmtInt(requests.length)} API responses the run will ask for…`);
  await forEachConcurrent(requests, 4, async (request) => {
    const response = await fetch(buildUsersUrl(apiUrl, request));
    if (!response.ok) throw new Error(`warming the local randomuser server: HTTP ${response.status} for ${JSON.stringify(request)}`);
    await response.arrayBuffer();
  });
}

async function fetchPage(lambda: Lambda, stage: string, seed: string, page: number, results: number): Promise<FetchCall> {
  const startedAt = Date.now();
  const report = await invokeFunction<FetchReport>(lambda, `tributary-${stage}-fetch`, { seed, page, results });
  if (report.valid !== results || report.persisted !== results) throw new Error(`fetch ${seed} page ${page}: ${JSON.stringify(report)}`);
  return { page, startedAt, endedAt: Date.now(), report };
}

async function idsOfBatches(pool: Pool, batchIds: readonly string[]): Promise<string[]> {
  const result = await pool.query<{ user_id: string }>('SELECT user_id FROM raw_users WHERE batch_id = ANY($1::text[])', [batchIds]);
  return result.rows.map((r) => r.user_id);
}

async function pendingOutbox(pool: Pool, batchIds: readonly string[]): Promise<number> {
  const result = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM outbox o JOIN raw_users r USING (user_id) WHERE r.batch_id = ANY($1::text[]) AND o.published_at IS NULL',
    [batchIds],
  );
  return Number(result.rows[0]?.n ?? 0);
}

/** Polls until `done` answers true, printing `describe` every 5 s; throws after the timeout. */
async function until(what: string, timeoutMs: number, done: () => Promise<boolean>, describe?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastSaid = Date.now();
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${Math.round(timeoutMs / 1000)} s${describe ? ` (${await describe()})` : ''}`);
    if (describe && Date.now() - lastSaid >= 5000) {
      lastSaid = Date.now();
      progress(`  ${what}: ${await describe()}`);
    }
    await sleep(250);
  }
}

/** Waits for publish, transform and sink to have taken every record of the batches, in that order. */
async function drain(clients: Clients, batchIds: readonly string[], label: string): Promise<{ rawEnd: Offsets; cleanEnd: Offsets; drainedAt: number }> {
  const { admin, config, pool } = clients;
  await until(
    `${label}: publish`,
    600_000,
    async () => (await pendingOutbox(pool, batchIds)) === 0,
    async () => `${fmtInt(await pendingOutbox(pool, batchIds))} outbox rows unpublished`,
  );
  const rawEnd = await endOffsets(admin, config.topics.raw);
  const transformLag = async (): Promise<number> => lag(rawEnd, await committedOffsets(admin, clients.sandbox.groups.transform, config.topics.raw));
  await until(
    `${label}: transform`,
    600_000,
    async () => (await transformLag()) === 0,
    async () => `${fmtInt(await transformLag())} users.raw records to go`,
  );
  const cleanEnd = await endOffsets(admin, config.topics.clean);
  const sinkLag = async (): Promise<number> => lag(cleanEnd, await committedOffsets(admin, clients.sandbox.groups.sink, config.topics.clean));
  await until(
    `${label}: sink`,
    600_000,
    async () => (await sinkLag()) === 0,
    async () => `${fmtInt(await sinkLag())} users.clean records to go`,
  );
  return { rawEnd, cleanEnd, drainedAt: Date.now() };
}

/** Puts the warm-up's users through every stage and waits until the sink has taken them; nothing of it is measured. */
export async function warmupRun(clients: Clients, lambda: Lambda, options: Options, runId: string): Promise<void> {
  const requests = warmupPages(options, runId);
  if (requests.length === 0) return;
  progress(`warm-up: ${fmtInt(requests.length * PAGE_SIZE)} users through every stage, not measured`);
  const batchIds: string[] = [];
  await forEachConcurrent(requests, options.fetchConcurrency, async ({ seed, page, results }) => {
    batchIds.push((await fetchPage(lambda, clients.config.lambda.stage, seed, page, results)).report.batchId);
  });
  await drain(clients, batchIds, 'warm-up');
}

export async function throughputRun(clients: Clients, lambda: Lambda, options: Options, runId: string): Promise<PipelineRun> {
  const { admin, config } = clients;
  const requests = throughputPages(options, runId);
  const seed = `bench-${runId}`;
  const batchIds = requests.map(({ page }) => `seed:${seed}:page:${page}:n:${PAGE_SIZE}`);
  const rawStart = await endOffsets(admin, config.topics.raw);
  const cleanStart = await endOffsets(admin, config.topics.clean);
  progress(
    `throughput: ${fmtInt(requests.length * PAGE_SIZE)} users, fetch results=${PAGE_SIZE} × ${requests.length} pages, ${options.fetchConcurrency} in flight, seed ${seed}`,
  );
  const startedAt = Date.now();
  const fetches: FetchCall[] = [];
  await forEachConcurrent(requests, options.fetchConcurrency, async ({ page }) => {
    fetches.push(await fetchPage(lambda, config.lambda.stage, seed, page, PAGE_SIZE));
  });
  progress(`throughput: fetch+persist done in ${fmtMs(Date.now() - startedAt)}`);
  const ids = await idsOfBatches(clients.pool, batchIds);
  const drained = await drain(clients, batchIds, 'throughput');
  progress(`throughput: every stage drained after ${fmtMs(drained.drainedAt - startedAt)}`);
  return { label: 'throughput', users: ids.length, startedAt, fetches, ids, rawStart, cleanStart, ...drained };
}

export async function pacedRun(clients: Clients, lambda: Lambda, options: Options, runId: string): Promise<PipelineRun> {
  const { admin, config } = clients;
  const rawStart = await endOffsets(admin, config.topics.raw);
  const cleanStart = await endOffsets(admin, config.topics.clean);
  progress(
    `paced: fetch results=${pacedCalls(options).perCall} every ${options.pacedIntervalMs} ms for ${options.pacedSeconds} s (${fmtInt(options.pacedRate)} users/s offered)`,
  );
  const startedAt = Date.now();
  const calls: Promise<FetchCall>[] = [];
  for (const [i, { seed, page, results }] of pacedPages(options, runId).entries()) {
    const due = startedAt + i * options.pacedIntervalMs;
    if (due > Date.now()) await sleep(due - Date.now());
    calls.push(fetchPage(lambda, config.lambda.stage, seed, page, results));
  }
  const fetches = await Promise.all(calls);
  const batchIds = fetches.map((f) => f.report.batchId);
  const ids = await idsOfBatches(clients.pool, batchIds);
  const drained = await drain(clients, batchIds, 'paced');
  return { label: 'paced', users: ids.length, startedAt, fetches, ids, rawStart, cleanStart, ...drained };
}
