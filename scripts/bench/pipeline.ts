/**
 * The pipeline benchmark (issue 4, "Performance"): in one run on the native stack,
 *
 *  1. the raw limits — Cassandra upserts with cassandra-driver alone (the sink's table, prepared
 *     statement and executeConcurrent), PostgreSQL COPY of the raw users alone, Kafka produce alone
 *     (kafkajs, the Avro users.raw values, acks=all);
 *  2. 100k users from the local randomuser server through every stage under `sls offline start`
 *     (fetch invoked with results=5000 × 20 pages through the Lambda API, a seed of its own), with
 *     per-stage and end-to-end throughput, publish→Cassandra latency and the sls process's memory;
 *  3. a paced phase at ~1k users/s offered load (fetch 200 users every 200 ms) for p99 latency;
 *  4. the seeds' approach (one API call and one awaited JSON send per user) on a sample;
 *
 * then the ratios against the targets. The run has a sandbox of its own on the shared stack (a
 * database, a keyspace, topics and consumer groups: lib/sandbox.ts), dropped at the end.
 *
 *   npm run bench:pipeline [-- --users 100000 --fetch-concurrency 2 --paced-seconds 30 --paced-interval-ms 200 --seeds-sample 300 --api-latency-ms 100]
 *
 * Timestamps, not polling, give the figures: fetch invocation start/end in this process; the
 * users.raw record timestamp (CreateTime: when publish produced it) and the users.clean one (when
 * transform produced it), read back by key; the Cassandra write time of each row (the driver's
 * client-side timestamp of the sink's INSERT) and its updated_at. The sls process and its handlers
 * share this machine's clock. Progress goes to stderr, the report to stdout.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'cassandra-driver';
import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { AvroCodec } from '../../layers/adapters/avro-codec';
import { createCassandra } from '../../layers/adapters/cassandra';
import { createKafka } from '../../layers/adapters/kafka';
import { createLambdaClient, invokeFunction } from '../../layers/adapters/lambda';
import { createPool } from '../../layers/adapters/postgres';
import { buildUsersUrl } from '../../layers/adapters/randomuser';
import { createAvroCodec } from '../../layers/adapters/schema-registry';
import { loadConfig, topology, type Config } from '../../layers/config';
import type { FetchReport } from '../../layers/pipeline/fetch-users';
import { startRandomUserServer, type RandomUserServer } from '../randomuser/server';
import { createContext } from '../stack/context';
import { coreServices } from '../stack/services';
import { up } from '../stack/stack';
import { livePid } from '../stack/supervisor';
import { benchUsers, PAGE_SIZE } from './lib/data';
import { cpuSnapshot, cpuUse, type CpuSource } from './lib/cpu';
import { monotonicMicros, stageProfile } from './lib/cpu-profile';
import { listeningPid } from './lib/proc';
import { privateServiceDir, startBenchOffline, waitForFreePorts, type BenchOffline } from './lib/offline';
import { cassandraLimit, kafkaProduceLimit, postgresCopyLimit, rawUserMessages, type LimitRun } from './lib/raw-limits';
import { cassandraRowTimes, committedOffsets, endOffsets, lag, recordTimes, type Offsets } from './lib/readers';
import { configuredInProcess, pacedCalls, readOptions, type Options } from './lib/options';
import { report, type Analysis, type RawLimits, type StageTimes } from './lib/report';
import { createSandbox, dropSandbox, pointServerlessYmlAt, sandboxConfig, sandboxFor, type Sandbox } from './lib/sandbox';
import { seedsApproach, type SeedsRun } from './lib/seeds';
import { measurements, stageLines } from './lib/summary';
import { fmtInt, fmtMs, forEachConcurrent, percentile, perSecond, sortedNumbers } from './lib/stats';

const ROOT = path.resolve(__dirname, '..', '..');
const SLS_PROCESS = 'sls offline (all five functions, serverless-offline, offline-kafka)';
const progress = (message: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** Whether every service the benchmark uses answers at its configured endpoint (whoever started it). */
async function stackAnswers(config: Config): Promise<string[]> {
  const failing: string[] = [];
  const probe = async (name: string, check: () => Promise<unknown>): Promise<void> => {
    try {
      await check();
    } catch {
      failing.push(name);
    }
  };
  await Promise.all([
    probe('postgres', async () => {
      const pool = createPool(config.postgres, { max: 1 });
      try {
        await pool.query('SELECT 1 FROM raw_users LIMIT 1');
      } finally {
        await pool.end();
      }
    }),
    probe('kafka', async () => {
      const admin = createKafka(config.kafka, { clientId: 'tributary-bench-probe', retries: 0 }).admin();
      await admin.connect();
      try {
        await admin.listTopics();
      } finally {
        await admin.disconnect();
      }
    }),
    probe('schema-registry', async () => {
      const response = await fetch(`${config.schemaRegistry.url}/subjects`, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    }),
    probe('cassandra', async () => {
      const client = createCassandra(config.cassandra);
      try {
        await client.connect();
      } finally {
        await client.shutdown();
      }
    }),
  ]);
  return failing;
}

/**
 * Every service answering, else the stack brought up (npm run stack:up): `up` starts what is down
 * and waits for a service whose process is alive but not answering yet (one restarting).
 */
async function ensureStack(config: Config): Promise<void> {
  const failing = await stackAnswers(config);
  if (failing.length === 0) return;
  progress(`${failing.join(', ')} not answering: bringing the stack up (npm run stack:up)…`);
  await up(createContext(progress, config));
}

interface Clients {
  /** The stack's endpoints with the sandbox's database, keyspace and topics. */
  config: Config;
  sandbox: Sandbox;
  pool: Pool;
  kafka: Kafka;
  admin: Admin;
  cassandra: Client;
  codec: AvroCodec;
}

/** What the run wrote besides its sandbox (the raw limits' topics), removed at the end whatever happened. */
interface Written {
  topics: string[];
}

/**
 * Each stack service as a CPU source: the process this stack recorded, else the one listening on
 * the service's port (a service restarted without its record would drop out of the CPU table).
 */
function stackCpuSources(config: Config): CpuSource[] {
  const stackContext = createContext(progress, config);
  return coreServices.flatMap((service): CpuSource[] => {
    const host = /(\d+\.\d+\.\d+\.\d+):\d+/.exec(service.endpoint(stackContext))?.[1] ?? '127.0.0.1';
    const pid = livePid(stackContext, service.name) ?? listeningPid(host, service.port(stackContext));
    return pid === undefined ? [] : [{ name: service.name, pid }];
  });
}

// ---------------------------------------------------------------------------------------------
// raw limits

async function measureRawLimits(clients: Clients, options: Options, runId: string, written: Written): Promise<RawLimits> {
  progress(`raw limits: generating ${fmtInt(options.users)} users…`);
  const users = benchUsers(`bench-raw-${runId}`, options.users);

  progress('raw limits: PostgreSQL COPY…');
  const postgres = [await postgresCopyLimit(clients.pool, users)];

  const topic = `bench.pipeline.${runId}.raw`;
  written.topics.push(topic);
  const rawTopic = topology.kafka.topics.raw;
  await clients.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: rawTopic.partitions }] });
  progress('raw limits: Kafka produce…');
  const messages = await rawUserMessages(clients.codec, `${clients.config.topics.raw}-value`, users);
  const kafka: LimitRun[] = [];
  for (const [batchSize, inFlight] of [
    [2000, 1],
    [2000, 4],
  ] as const)
    kafka.push(await kafkaProduceLimit(clients.kafka, messages, { topic, batchSize, inFlight }));

  const sample = users.slice(0, Math.min(users.length, options.cassandraSample));
  progress(`raw limits: Cassandra upserts of ${fmtInt(sample.length)} users at ${options.cassandraConcurrency.join(', ')} in flight…`);
  const cassandra = await cassandraLimit(clients.cassandra, sample, options.cassandraConcurrency, (message) => progress(`  ${message}`));
  for (const r of [...postgres, ...kafka, ...cassandra]) progress(`  ${r.label}: ${fmtInt(perSecond(r.items, r.ms))} /s`);
  return { cassandra, postgres, kafka };
}

// ---------------------------------------------------------------------------------------------
// the pipeline under sls offline start

interface FetchCall {
  page: number;
  startedAt: number;
  endedAt: number;
  report: FetchReport;
}

interface PipelineRun {
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

/** Asks the local server once for each page (the URLs fetch will use), so it has them in memory. */
async function warmApi(apiUrl: string, requests: { seed: string; page: number; results: number }[]): Promise<void> {
  progress(`building the ${fmtInt(requests.length)} API responses the run will ask for…`);
  await forEachConcurrent(requests, 4, async (request) => {
    const response = await fetch(buildUsersUrl(apiUrl, request));
    if (!response.ok) throw new Error(`warming the local randomuser server: HTTP ${response.status} for ${JSON.stringify(request)}`);
    await response.arrayBuffer();
  });
}

async function fetchPage(lambda: ReturnType<typeof createLambdaClient>, stage: string, seed: string, page: number, results: number): Promise<FetchCall> {
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

async function throughputRun(clients: Clients, lambda: ReturnType<typeof createLambdaClient>, options: Options, runId: string): Promise<PipelineRun> {
  const { admin, config } = clients;
  const seed = `bench-${runId}`;
  const pages = Array.from({ length: Math.ceil(options.users / PAGE_SIZE) }, (_, i) => i + 1);
  const batchIds = pages.map((page) => `seed:${seed}:page:${page}:n:${PAGE_SIZE}`);
  const rawStart = await endOffsets(admin, config.topics.raw);
  const cleanStart = await endOffsets(admin, config.topics.clean);
  progress(
    `throughput: ${fmtInt(pages.length * PAGE_SIZE)} users, fetch results=${PAGE_SIZE} × ${pages.length} pages, ${options.fetchConcurrency} in flight, seed ${seed}`,
  );
  const startedAt = Date.now();
  const fetches: FetchCall[] = [];
  await forEachConcurrent(pages, options.fetchConcurrency, async (page) => {
    fetches.push(await fetchPage(lambda, config.lambda.stage, seed, page, PAGE_SIZE));
  });
  progress(`throughput: fetch+persist done in ${fmtMs(Date.now() - startedAt)}`);
  const ids = await idsOfBatches(clients.pool, batchIds);
  const drained = await drain(clients, batchIds, 'throughput');
  progress(`throughput: every stage drained after ${fmtMs(drained.drainedAt - startedAt)}`);
  return { label: 'throughput', users: ids.length, startedAt, fetches, ids, rawStart, cleanStart, ...drained };
}

async function pacedRun(clients: Clients, lambda: ReturnType<typeof createLambdaClient>, options: Options, runId: string): Promise<PipelineRun> {
  const { admin, config } = clients;
  const seed = `bench-${runId}-paced`;
  const rawStart = await endOffsets(admin, config.topics.raw);
  const cleanStart = await endOffsets(admin, config.topics.clean);
  const { perCall, calls: callCount } = pacedCalls(options);
  progress(`paced: fetch results=${perCall} every ${options.pacedIntervalMs} ms for ${options.pacedSeconds} s (${fmtInt(options.pacedRate)} users/s offered)`);
  const startedAt = Date.now();
  const calls: Promise<FetchCall>[] = [];
  for (let i = 0; i < callCount; i++) {
    const due = startedAt + i * options.pacedIntervalMs;
    if (due > Date.now()) await sleep(due - Date.now());
    calls.push(fetchPage(lambda, config.lambda.stage, seed, i + 1, perCall));
  }
  const fetches = await Promise.all(calls);
  const batchIds = fetches.map((f) => f.report.batchId);
  const ids = await idsOfBatches(clients.pool, batchIds);
  const drained = await drain(clients, batchIds, 'paced');
  return { label: 'paced', users: ids.length, startedAt, fetches, ids, rawStart, cleanStart, ...drained };
}

// ---------------------------------------------------------------------------------------------
// analysis

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

async function analyse(clients: Clients, run: PipelineRun): Promise<Analysis> {
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

// ---------------------------------------------------------------------------------------------
// cleanup

const RUNS_DIR = path.join(ROOT, '.stack', 'bench', 'runs');

/** What a run is about to write, recorded first so a run that dies is cleaned up by the next one. */
interface RunRecord {
  runId: string;
  /** Topics besides the sandbox's (the raw limits'). */
  topics: string[];
}

function recordRun(record: RunRecord): void {
  mkdirSync(RUNS_DIR, { recursive: true });
  writeFileSync(path.join(RUNS_DIR, `${record.runId}.json`), JSON.stringify(record));
}

function forgetRun(runId: string): void {
  rmSync(path.join(RUNS_DIR, `${runId}.json`), { force: true });
}

/** Runs that ended before cleaning up (killed, the stack gone mid-run): their sandboxes and topics go now. */
async function cleanUpEarlierRuns(config: Config, admin: Admin): Promise<void> {
  if (!existsSync(RUNS_DIR)) return;
  for (const file of readdirSync(RUNS_DIR).filter((f) => f.endsWith('.json'))) {
    const record = JSON.parse(readFileSync(path.join(RUNS_DIR, file), 'utf8')) as RunRecord;
    progress(`run ${record.runId} did not clean up after itself; doing it now`);
    if (await cleanUp(config, admin, sandboxFor(record.runId), record.topics)) forgetRun(record.runId);
  }
}

async function cleanUp(config: Config, admin: Admin, sandbox: Sandbox, topics: readonly string[]): Promise<boolean> {
  progress(`cleaning up: database ${sandbox.database}, keyspace ${sandbox.keyspace}, topics ${[...Object.values(sandbox.topics), ...topics].join(', ')}`);
  try {
    await dropSandbox(config, admin, sandbox, topics);
    return true;
  } catch (error) {
    progress(`cleanup: ${(error as Error).message}`);
    return false;
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const config = loadConfig();
  const runId = randomUUID().slice(0, 8);
  const loadAtStart = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  await ensureStack(config);

  const kafka = createKafka(config.kafka, { clientId: 'tributary-bench' });
  const stackAdmin = kafka.admin();
  await stackAdmin.connect();
  await cleanUpEarlierRuns(config, stackAdmin);
  const sandbox = sandboxFor(runId);
  const topics = [`bench.pipeline.${runId}.raw`, `bench.pipeline.${runId}.seeds`];
  recordRun({ runId, topics });
  progress(`sandbox: database ${sandbox.database}, keyspace ${sandbox.keyspace}, topics ${Object.values(sandbox.topics).join(', ')}`);
  try {
    await createSandbox(config, kafka, sandbox);
  } catch (error) {
    if (await cleanUp(config, stackAdmin, sandbox, [])) forgetRun(runId);
    await stackAdmin.disconnect().catch(() => undefined);
    throw new Error(`creating the benchmark's sandbox: ${(error as Error).message}`, { cause: error });
  }
  const benchConfig = sandboxConfig(config, sandbox);
  const clients: Clients = {
    config: benchConfig,
    sandbox,
    pool: createPool(benchConfig.postgres, { max: 4 }),
    kafka,
    admin: stackAdmin,
    cassandra: createCassandra(benchConfig.cassandra),
    codec: createAvroCodec(config.schemaRegistry),
  };
  // An idle connection's end (PostgreSQL restarted under the run) is the run's failure, not an unhandled crash that skips the cleanup.
  clients.pool.on('error', (error) => progress(`PostgreSQL pool: ${error.message}`));
  await clients.cassandra.connect();
  const written: Written = { topics: [] };
  const pages = Math.ceil(options.users / PAGE_SIZE);
  let server: RandomUserServer | undefined;
  let offline: BenchOffline | undefined;
  const service = privateServiceDir(ROOT, `pipeline-${runId}`, options.serverlessYml);
  pointServerlessYmlAt(path.join(service.dir, 'serverless.yml'), sandbox);
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    progress('interrupted: stopping sls offline and cleaning up…');
    void offline?.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const raw = options.skipRaw ? undefined : await measureRawLimits(clients, options, runId, written);

    // The API's own work runs on its servers, not on the pipeline's machine: the local stand-in
    // answers from memory, every page the run will ask for built before the clock starts.
    server = await startRandomUserServer({ port: 0, latencyMs: options.apiLatencyMs, cacheResponses: true });
    await warmApi(server.apiUrl, [
      ...Array.from({ length: pages }, (_, i) => ({ seed: `bench-${runId}`, page: i + 1, results: PAGE_SIZE })),
      ...Array.from({ length: pacedCalls(options).calls }, (_, i) => ({ seed: `bench-${runId}-paced`, page: i + 1, results: pacedCalls(options).perCall })),
    ]);
    // Right before starting: another engineer's sls offline may have taken the ports while the API warmed.
    await waitForFreePorts([topology.ports.offlineLambda, topology.ports.offlineHttp], 900_000, progress);
    const logFile = path.join(ROOT, '.stack', 'logs', `bench-pipeline-${runId}.log`);
    progress(`starting sls offline start (${options.inProcess ? '--useInProcess' : 'worker threads'}); log ${path.relative(ROOT, logFile)}`);
    offline = await startBenchOffline({
      root: ROOT,
      serviceDir: service.dir,
      logFile,
      env: { RANDOMUSER_URL: server.apiUrl, FETCH_SCHEDULE_ENABLED: 'false', KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      extraArgs: options.inProcess && !configuredInProcess(path.join(service.dir, 'serverless.yml')) ? ['--useInProcess'] : [],
      nodeArgs: options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(options.cpuProf)] : [],
    });
    await offline.waitForLine(/offline-kafka: transform ← \S+ consuming as group/, 120_000);
    await offline.waitForLine(/offline-kafka: sink ← \S+ consuming as group/, 120_000);
    const lambda = createLambdaClient({ ...config.lambda, endpoint: `http://127.0.0.1:${topology.ports.offlineLambda}` });

    // CPU of every process on the path, over the throughput phase.
    const cpuSources: CpuSource[] = [
      { name: SLS_PROCESS, pid: offline.pid },
      ...stackCpuSources(config),
      { name: 'this benchmark (the local randomuser server, progress polling)', self: true },
    ];
    const cpuBefore = cpuSnapshot(cpuSources);
    const throughputFromUs = monotonicMicros();
    const throughput = await throughputRun(clients, lambda, options, runId);
    const cpu = cpuUse(cpuBefore, cpuSnapshot(cpuSources), throughput.drainedAt - throughput.startedAt);
    const throughputToUs = monotonicMicros();
    const paced = options.pacedSeconds > 0 ? await pacedRun(clients, lambda, options, runId) : undefined;
    const slsPid = offline.pid;
    const memory = await offline.stop();
    offline = undefined;
    // The profile is written as the process exits; its samples of the throughput phase split the functions' CPU.
    const stages = options.cpuProf ? stageProfile(path.resolve(options.cpuProf), slsPid, throughputFromUs, throughputToUs) : undefined;
    const loadAfterPipeline = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');

    const throughputAnalysis = await analyse(clients, throughput);
    const pacedAnalysis = paced ? await analyse(clients, paced) : undefined;

    let seeds: SeedsRun | undefined;
    let seedsNoLatency: SeedsRun | undefined;
    if (!options.skipSeeds && options.seedsSample > 0) {
      const topic = `bench.pipeline.${runId}.seeds`;
      written.topics.push(topic);
      try {
        await clients.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
        progress(`seeds' approach: ${fmtInt(options.seedsSample)} users, one call and one send each…`);
        seeds = await seedsApproach(clients.kafka, server.apiUrl, topic, options.seedsSample);
        if (options.apiLatencyMs > 0) {
          // The same sample with no added round trip: what the seeds' loop costs on localhost alone.
          server.setFaults({ latencyMs: 0 });
          seedsNoLatency = await seedsApproach(clients.kafka, server.apiUrl, topic, options.seedsSample);
        }
      } catch (error) {
        progress(`seeds' approach failed, reported without it: ${(error as Error).message}`);
      }
    }
    const { text, summary } = report(
      options,
      raw,
      throughputAnalysis,
      pacedAnalysis,
      seeds,
      seedsNoLatency,
      memory,
      cpu,
      `${loadAtStart} at start, ${loadAfterPipeline} after the pipeline`,
    );
    const figures = measurements(throughputAnalysis, pacedAnalysis, raw, cpu, SLS_PROCESS, 'cassandra', stages, memory);
    process.stdout.write(`${text}\n\n${stageLines(figures, SLS_PROCESS).join('\n')}\n`);
    if (options.json) writeFileSync(options.json, JSON.stringify({ ...summary, ...figures }, null, 2));
  } finally {
    await offline?.stop().catch(() => undefined);
    await server?.close().catch(() => undefined);
    service.remove();
    // Closed first: dropping the database ends every connection to it, and an idle pooled one would throw.
    await Promise.allSettled([clients.cassandra.shutdown(), clients.pool.end()]);
    if (options.keep)
      progress(
        `--keep: left database ${sandbox.database}, keyspace ${sandbox.keyspace} and topics ${[...Object.values(sandbox.topics), ...written.topics].join(', ')} in place (run ${runId}); the next run removes them`,
      );
    else if (await cleanUp(config, clients.admin, sandbox, written.topics)) forgetRun(runId);
    else progress(`cleanup incomplete: the next run finishes it (${path.relative(ROOT, RUNS_DIR)}/${runId}.json)`);
    await clients.admin.disconnect().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
