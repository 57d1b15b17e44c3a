/**
 * Airflow drives the pipeline: `airflow dags test user_pipeline <date>` (the stack's Airflow
 * service, its venv and AIRFLOW_HOME) against `sls offline start` with the local randomuser
 * server and the real stack. The date's users land in Cassandra; running the date again adds
 * none; a failing function fails the task with the function's error.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCassandra } from '../../layers/adapters/cassandra';
import { createPool } from '../../layers/adapters/postgres';
import { topology } from '../../layers/config';
import type { FetchReport } from '../../layers/pipeline/fetch-users';
import { portAnswers, type OfflineProcess } from '../../scripts/pipeline/offline';
import type { RandomUserServer } from '../../scripts/randomuser/server';
import { createContext } from '../../scripts/stack/context';
import { airflow, airflowCli } from '../../scripts/stack/services/airflow';
import { up } from '../../scripts/stack/stack';
import { stop } from '../../scripts/stack/supervisor';
import { config, deleteFromCassandra, idsInCassandra, pendingOutbox, startFunctions, startRandomUser, userIdsOfBatch } from '../support/pipeline-harness';

const DAG = 'user_pipeline';
const DATE = '2026-01-01';
const BATCH = 'airflow:2026-01-01T00:00:00+00:00';
const FAILING_DATE = '2026-01-02';
const FAILING_BATCH = 'airflow:2026-01-02T00:00:00+00:00';
/** The DAG's default `results` param. */
const USERS_PER_RUN = 500;
const MINUTE = 60_000;

const ctx = createContext((m) => process.stderr.write(`[stack] ${m}\n`));
const pool = createPool(config.postgres);
const cassandra = createCassandra(config.cassandra);
let cli: { bin: string; env: Record<string, string> };
let startedAirflow = false;
let server: RandomUserServer | undefined;
let functions: OfflineProcess | undefined;

interface DagTestRun {
  code: number;
  output: string;
}

function dagTest(date: string, env: Record<string, string> = {}): Promise<DagTestRun> {
  return new Promise((resolve) => {
    execFile(
      cli.bin,
      ['dags', 'test', DAG, date],
      { env: { ...process.env, ...cli.env, ...env }, timeout: 10 * MINUTE, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

function tail(run: DagTestRun): string {
  return run.output.trimEnd().split('\n').slice(-40).join('\n');
}

/** The Airflow REST API as the UI uses it, logged in with the documented login. */
async function api<T>(pathAndQuery: string): Promise<T> {
  const base = airflow.endpoint(ctx);
  const login = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: config.airflow.user, password: config.airflow.password }),
  });
  if (!login.ok) throw new Error(`POST /auth/token answered HTTP ${login.status}: ${await login.text()}`);
  const { access_token: token } = (await login.json()) as { access_token: string };
  const res = await fetch(`${base}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${pathAndQuery} answered HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

interface DagRun {
  dag_run_id: string;
  state: string;
  logical_date: string;
}

async function runOf(date: string): Promise<DagRun> {
  const at = encodeURIComponent(`${date}T00:00:00Z`);
  const { dag_runs: runs } = await api<{ dag_runs: DagRun[] }>(`/api/v2/dags/${DAG}/dagRuns?logical_date_gte=${at}&logical_date_lte=${at}`);
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

async function taskStates(run: DagRun): Promise<Record<string, { state: string; tries: number }>> {
  const { task_instances: tis } = await api<{ task_instances: { task_id: string; state: string; try_number: number }[] }>(
    `/api/v2/dags/${DAG}/dagRuns/${encodeURIComponent(run.dag_run_id)}/taskInstances`,
  );
  return Object.fromEntries(tis.map((t) => [t.task_id, { state: t.state, tries: t.try_number }]));
}

async function fetchReportOf(run: DagRun): Promise<FetchReport> {
  const entry = await api<{ value: string }>(`/api/v2/dags/${DAG}/dagRuns/${encodeURIComponent(run.dag_run_id)}/taskInstances/fetch/xcomEntries/return_value`);
  return JSON.parse(entry.value) as FetchReport;
}

async function updatedAtInCassandra(ids: string[]): Promise<Map<string, number>> {
  const rows = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 100) {
    const result = await cassandra.execute('SELECT id, updated_at FROM created_users WHERE id IN ?', [ids.slice(i, i + 100)], { prepare: true });
    for (const row of result.rows) rows.set(String(row.get('id')), (row.get('updated_at') as Date).getTime());
  }
  return rows;
}

/** Removes what a batch left in PostgreSQL and Cassandra, so each run of the test starts from none. */
async function forgetBatch(batchId: string): Promise<void> {
  const ids = await userIdsOfBatch(pool, batchId);
  await pool.query('DELETE FROM outbox WHERE user_id = ANY($1::uuid[])', [ids]);
  await pool.query('DELETE FROM raw_users WHERE batch_id = $1', [batchId]);
  await pool.query('DELETE FROM rejected_users WHERE batch_id = $1', [batchId]);
  await deleteFromCassandra(cassandra, ids);
}

/**
 * serverless-offline listens on fixed ports that another test run or benchmark may hold: wait for
 * them to be free and start; if another one took them meanwhile, wait again.
 */
async function startFunctionsWhenPortsFree(randomUserApiUrl: string, timeoutMs: number): Promise<OfflineProcess> {
  const deadline = Date.now() + timeoutMs;
  const ports = [topology.ports.offlineHttp, topology.ports.offlineLambda];
  for (;;) {
    while ((await Promise.all(ports.map(portAnswers))).some(Boolean)) {
      if (Date.now() > deadline) throw new Error(`ports ${ports.join('/')} stayed taken for ${timeoutMs / 1000}s: another sls offline is running`);
      await sleep(5000);
    }
    try {
      return await startFunctions(randomUserApiUrl, 'functions-airflow');
    } catch (err) {
      if (!(await Promise.all(ports.map(portAnswers))).some(Boolean) || Date.now() > deadline) throw err;
    }
  }
}

beforeAll(async () => {
  // Starts Airflow when it is down (the first time also installs its venv and migrates its database).
  const report = await up(ctx, [airflow]);
  startedAirflow = report.started.includes('airflow');
  cli = await airflowCli(ctx);
  await Promise.all([forgetBatch(BATCH), forgetBatch(FAILING_BATCH)]);
  server = await startRandomUser();
  functions = await startFunctionsWhenPortsFree(server.apiUrl, 15 * MINUTE);
}, 30 * MINUTE);

afterAll(async () => {
  await functions?.stop();
  await server?.close();
  await Promise.allSettled([forgetBatch(BATCH), forgetBatch(FAILING_BATCH)]);
  await Promise.allSettled([pool.end(), cassandra.shutdown()]);
  if (startedAirflow) await stop(airflow, ctx);
}, 5 * MINUTE);

describe('Airflow DAG user_pipeline', () => {
  let ids: string[] = [];

  it(
    `puts ${DATE}'s users into Cassandra: fetch, drain publish, data-quality check`,
    async () => {
      const run = await dagTest(DATE);
      if (run.code !== 0) throw new Error(`airflow dags test exited ${run.code}:\n${tail(run)}`);

      ids = await userIdsOfBatch(pool, BATCH);
      expect(ids).toHaveLength(USERS_PER_RUN);
      const found = await idsInCassandra(cassandra, ids);
      expect(found).toHaveLength(ids.length);
      expect(new Set(found)).toEqual(new Set(ids));
      expect(await pendingOutbox(pool, ids)).toBe(0);

      // The run is in Airflow's database, as the UI lists it.
      const dagRun = await runOf(DATE);
      expect(dagRun.state).toBe('success');
      expect(await taskStates(dagRun)).toEqual({
        fetch: { state: 'success', tries: 1 },
        drain_publish: { state: 'success', tries: 1 },
        check_users_in_cassandra: { state: 'success', tries: 1 },
      });
      expect(await fetchReportOf(dagRun)).toMatchObject({
        batchId: BATCH,
        seed: '2026-01-01T00-00-00',
        page: 1,
        fetched: USERS_PER_RUN,
        valid: USERS_PER_RUN,
        persisted: USERS_PER_RUN,
        queued: USERS_PER_RUN,
      });
    },
    10 * MINUTE,
  );

  it(
    `adds nothing when ${DATE} runs again`,
    async () => {
      expect(ids).toHaveLength(USERS_PER_RUN);
      const before = await updatedAtInCassandra(ids);
      expect(before.size).toBe(USERS_PER_RUN);

      const run = await dagTest(DATE);
      if (run.code !== 0) throw new Error(`airflow dags test exited ${run.code}:\n${tail(run)}`);

      // Same seed and page: the same users, upserted in place; nothing new queued, published or sunk.
      expect(new Set(await userIdsOfBatch(pool, BATCH))).toEqual(new Set(ids));
      expect(await fetchReportOf(await runOf(DATE))).toMatchObject({ batchId: BATCH, fetched: USERS_PER_RUN, persisted: USERS_PER_RUN, queued: 0 });
      expect(await pendingOutbox(pool, ids)).toBe(0);
      expect(await updatedAtInCassandra(ids)).toEqual(before);
    },
    10 * MINUTE,
  );

  it(
    'fails the fetch task with the function error when the randomuser API fails',
    async () => {
      server!.setFaults({ statusOverride: { status: 500 } });
      let run: DagTestRun;
      try {
        // One retry, one second apart: the retry is exercised without the default 30 s delay.
        run = await dagTest(FAILING_DATE, { USER_PIPELINE_RETRIES: '1', USER_PIPELINE_RETRY_DELAY_SECONDS: '1' });
      } finally {
        server!.resetFaults();
      }

      expect(run.code).not.toBe(0);
      expect(run.output).toContain('DagRun failed');
      // The operator raises on the Lambda FunctionError; the function's own message is in the task log.
      expect(run.output).toContain('Lambda function execution resulted in error');
      expect(run.output).toMatch(/RandomUserError: randomuser \S+seed=2026-01-02T00-00-00\S*: HTTP 500/);

      const dagRun = await runOf(FAILING_DATE);
      expect(dagRun.state).toBe('failed');
      expect(await taskStates(dagRun)).toEqual({
        fetch: { state: 'failed', tries: 2 },
        drain_publish: { state: 'upstream_failed', tries: 0 },
        check_users_in_cassandra: { state: 'upstream_failed', tries: 0 },
      });
      expect(await userIdsOfBatch(pool, FAILING_BATCH)).toEqual([]);
    },
    10 * MINUTE,
  );
});
