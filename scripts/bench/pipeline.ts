/**
 * The pipeline benchmark (issue 4, "Performance"): in one run on the native stack,
 *
 *  1. the raw limits — Cassandra upserts with cassandra-driver alone (the sink's table, prepared
 *     statement and executeConcurrent), PostgreSQL COPY of the raw users alone, Kafka produce alone
 *     (kafkajs, the Avro users.raw values, acks=all);
 *  2. after 10k untimed users through every stage (--warmup-users: each function's module loaded,
 *     its hot paths compiled), 100k users from the local randomuser server through every stage under `sls offline start`
 *     (fetch invoked with results=5000 × 20 pages through the Lambda API, a seed of its own), with
 *     per-stage and end-to-end throughput, publish→Cassandra latency and the sls process's memory;
 *  3. a paced phase at ~1k users/s offered load (fetch 200 users every 200 ms) for p99 latency;
 *  4. Cassandra's raw limit once more, on the node the pipeline has warmed (the best run counts);
 *  5. the seeds' approach (one API call and one awaited JSON send per user) on a sample;
 *
 * then the ratios against the targets. The run has a sandbox of its own on the shared stack (a
 * database, a keyspace, topics and consumer groups: lib/sandbox.ts), dropped at the end.
 *
 *   npm run bench:pipeline [-- --users 100000 --warmup-users 10000 --fetch-concurrency 2 --paced-seconds 30 --paced-interval-ms 200 --seeds-sample 300 --api-latency-ms 100]
 *                          [-- --cpu-prof <dir> --alloc-prof <dir> [--alloc-survivors] --json <file> --node-flags="<flags for the sls process>" --skip-raw --skip-seeds]
 *
 * Timestamps, not polling, give the figures: fetch invocation start/end in this process; the
 * users.raw record timestamp (CreateTime: when publish produced it) and the users.clean one (when
 * transform produced it), read back by key; the Cassandra write time of each row (the driver's
 * client-side timestamp of the sink's INSERT) and its updated_at. The sls process and its handlers
 * share this machine's clock. Progress goes to stderr, the report to stdout.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKafka } from '../../layers/adapters/kafka';
import { createLambdaClient } from '../../layers/adapters/lambda';
import { loadConfig, topology } from '../../layers/config';
import { startRandomUserServer, type RandomUserServer } from '../randomuser/server';
import { analyse } from './lib/analysis';
import { openClients } from './lib/clients';
import { cpuSnapshot, cpuUse, type CpuSource } from './lib/cpu';
import { monotonicMicros, stageProfile } from './lib/cpu-profile';
import { privateServiceDir, startBenchOffline, waitForFreePorts, type BenchOffline } from './lib/offline';
import { configuredInProcess, readOptions } from './lib/options';
import { pacedPages, pacedRun, throughputPages, throughputRun, warmApi, warmupPages, warmupRun } from './lib/pipeline-runs';
import { progress } from './lib/progress';
import { cassandraLimitAgain, measureRawLimits } from './lib/raw-limits-phase';
import { report } from './lib/report';
import { cleanUp, cleanUpEarlierRuns, forgetRun, recordRun, RUNS_DIR } from './lib/run-records';
import { createSandbox, pointServerlessYmlAt, sandboxFor } from './lib/sandbox';
import { sampleScale, scaleLines } from './lib/scale';
import { seedsApproach, type SeedsRun } from './lib/seeds';
import { ensureStack, stackCpuSources } from './lib/stack-probe';
import { measurements, stageLines } from './lib/summary';
import { threadGroupSeconds, threadTimes } from './lib/threads';
import { allocationFile, allocationLines, allocationProfile, allocationSummary, type AllocationProfile, waitForAllocationFile } from './lib/alloc-profile';
import { fmtInt } from './lib/stats';

const ROOT = path.resolve(__dirname, '..', '..');
const SLS_PROCESS = 'sls offline (all five functions, serverless-offline, offline-kafka)';
const ALLOC_SAMPLER = path.join(__dirname, 'alloc-sampler.ts');

/** The allocation profile the sampler wrote after the throughput phase; a missing one is named, not fatal. */
async function readAllocations(file: string, users: number): Promise<AllocationProfile | undefined> {
  if (await waitForAllocationFile(file)) return allocationProfile(file, users);
  progress(`--alloc-prof: no profile at ${file} (see the sls log for alloc-sampler's error)`);
  return undefined;
}
const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function main(): Promise<void> {
  const options = readOptions();
  const config = loadConfig();
  const runId = randomUUID().slice(0, 8);
  const loadAtStart = loadAverage();
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
  const clients = await openClients(config, sandbox, kafka, stackAdmin);
  const written = { topics: [] as string[] };
  let server: RandomUserServer | undefined;
  let offline: BenchOffline | undefined;
  const service = privateServiceDir(ROOT, `pipeline-${runId}`, options.serverlessYml);
  const allocDir = options.allocProf ? path.resolve(options.allocProf) : undefined;
  if (allocDir) mkdirSync(allocDir, { recursive: true });
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
    const rawBefore = options.skipRaw ? undefined : await measureRawLimits(clients, options, runId, written);

    // The API's own work runs on its servers, not on the pipeline's machine: the local stand-in
    // answers from memory, every page the run will ask for built before the clock starts.
    server = await startRandomUserServer({ port: 0, latencyMs: options.apiLatencyMs, cacheResponses: true });
    await warmApi(server.apiUrl, [...warmupPages(options, runId), ...throughputPages(options, runId), ...pacedPages(options, runId)]);
    // Right before starting: another engineer's sls offline may have taken the ports while the API warmed.
    await waitForFreePorts([topology.ports.offlineLambda, topology.ports.offlineHttp], 900_000, progress);
    const logFile = path.join(ROOT, '.stack', 'logs', `bench-pipeline-${runId}.log`);
    progress(`starting sls offline start (${options.inProcess ? '--useInProcess' : 'worker threads'}); log ${path.relative(ROOT, logFile)}`);
    offline = await startBenchOffline({
      root: ROOT,
      serviceDir: service.dir,
      logFile,
      env: {
        RANDOMUSER_URL: server.apiUrl,
        FETCH_SCHEDULE_ENABLED: 'false',
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        ...(allocDir ? { TRIBUTARY_ALLOC_PROF: allocDir } : {}),
        ...(options.allocSurvivors ? { TRIBUTARY_ALLOC_SURVIVORS: '1' } : {}),
      },
      extraArgs: options.inProcess && !configuredInProcess(path.join(service.dir, 'serverless.yml')) ? ['--useInProcess'] : [],
      nodeArgs: [
        ...options.nodeFlags,
        ...(options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(options.cpuProf)] : []),
        ...(allocDir ? ['--require', ALLOC_SAMPLER] : []),
      ],
    });
    await offline.waitForLine(/offline-kafka: transform ← \S+ consuming as group/, 120_000);
    await offline.waitForLine(/offline-kafka: sink ← \S+ consuming as group/, 120_000);
    const lambda = createLambdaClient({ ...config.lambda, endpoint: `http://127.0.0.1:${topology.ports.offlineLambda}` });
    await warmupRun(clients, lambda, options, runId);

    // CPU of every process on the path, over the throughput phase.
    const cpuSources: CpuSource[] = [
      { name: SLS_PROCESS, pid: offline.pid },
      ...stackCpuSources(config),
      { name: 'this benchmark (the local randomuser server, progress polling)', self: true },
    ];
    const scale = await sampleScale(clients.admin, sandbox.groups.sink, clients.config.topics.clean, offline.pid);
    const cpuBefore = cpuSnapshot(cpuSources);
    const threadsBefore = threadTimes(offline.pid);
    const throughputFromUs = monotonicMicros();
    // The sampler (alloc-sampler.ts) starts on the first signal and writes its profile on the second.
    if (allocDir) process.kill(offline.pid, 'SIGUSR2');
    const throughput = await throughputRun(clients, lambda, options, runId);
    if (allocDir) process.kill(offline.pid, 'SIGUSR2');
    const cpu = cpuUse(cpuBefore, cpuSnapshot(cpuSources), throughput.drainedAt - throughput.startedAt);
    const slsThreads = threadGroupSeconds(offline.pid, threadsBefore, threadTimes(offline.pid));
    const throughputToUs = monotonicMicros();
    const per100k = await scale.stop();
    const paced = options.pacedSeconds > 0 ? await pacedRun(clients, lambda, options, runId) : undefined;
    const slsPid = offline.pid;
    const allocations = allocDir ? await readAllocations(allocationFile(allocDir, slsPid), options.users) : undefined;
    const memory = await offline.stop();
    offline = undefined;
    // The profile is written as the process exits; its samples of the throughput phase split the functions' CPU.
    const stages = options.cpuProf ? stageProfile(path.resolve(options.cpuProf), slsPid, throughputFromUs, throughputToUs) : undefined;
    const loadAfterPipeline = loadAverage();
    const raw = rawBefore ? await cassandraLimitAgain(clients, options, runId, rawBefore) : undefined;

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
    const figures = measurements(throughputAnalysis, pacedAnalysis, raw, cpu, SLS_PROCESS, 'cassandra', stages, slsThreads, memory, per100k);
    const allocationText = allocations ? ['', ...allocationLines(allocations, SLS_PROCESS, options.allocSurvivors)] : [];
    process.stdout.write(`${text}\n\n${[...stageLines(figures, SLS_PROCESS), ...allocationText, '', ...scaleLines(per100k)].join('\n')}\n`);
    const allocationFigures = allocations ? { allocations: { ...allocationSummary(allocations), survivorsOnly: options.allocSurvivors } } : {};
    if (options.json) writeFileSync(options.json, JSON.stringify({ ...summary, ...figures, ...allocationFigures }, null, 2));
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
