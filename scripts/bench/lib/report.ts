/** The pipeline benchmark's report: stages, raw limits, the seeds' approach, latency, memory, CPU, and the targets. */
import os from 'node:os';
import { LATENCY_WINDOW_S } from './analysis';
import { PAGE_SIZE } from './data';
import type { CpuUse } from './cpu';
import type { MemoryReport } from './offline';
import { pacedCalls, type Options } from './options';
import type { LimitRun } from './raw-limits';
import type { SeedsRun } from './seeds';
import { fmtInt, fmtMiB, fmtMs, fmtRatio, perSecond, table } from './stats';

export const TARGET_VS_RAW = 0.5;
export const TARGET_VS_SEEDS = 100;
export const TARGET_P99_MS = 1000;

export interface RawLimits {
  cassandra: LimitRun[];
  postgres: LimitRun[];
  kafka: LimitRun[];
}

export const best = (runs: readonly LimitRun[]): number => Math.max(...runs.map((r) => perSecond(r.items, r.ms)));

export interface StageTimes {
  label: string;
  /** First and last moment (ms since epoch) the stage emitted one of the run's users. */
  first: number;
  last: number;
  count: number;
}

/** publish→Cassandra latency of the users published in one window of a run (`fromS` seconds after it started). */
export interface LatencyWindow {
  fromS: number;
  users: number;
  p50: number;
  p99: number;
  max: number;
}

export interface Analysis {
  users: number;
  startedAt: number;
  stages: StageTimes[];
  /** ms from the first fetch invocation to the last row written to Cassandra. */
  endToEndMs: number;
  latency: { p50: number; p99: number; max: number; count: number };
  /** The same latency by when the user was published, LATENCY_WINDOW_S seconds a window. */
  latencyByWindow: LatencyWindow[];
  latencyUpdatedAt: { p50: number; p99: number };
  fetchToCassandra: { p50: number; p99: number };
  /** The latency's two legs: users.raw → users.clean record timestamps, and users.clean → Cassandra write time. */
  segments: { publishToTransform: { p50: number; p99: number }; transformToSink: { p50: number; p99: number } };
  duplicates: { raw: number; clean: number };
  missing: number;
}

interface FunctionMemory {
  functionKey: string;
  instances: number;
  peakUsed: number;
  peakTotal: number;
  sumPeakTotal: number;
}

function functionMemory(memory: MemoryReport): FunctionMemory[] {
  const byKey = new Map<string, FunctionMemory>();
  for (const t of memory.threads) {
    const entry = byKey.get(t.functionKey) ?? { functionKey: t.functionKey, instances: 0, peakUsed: 0, peakTotal: 0, sumPeakTotal: 0 };
    entry.instances++;
    entry.peakUsed = Math.max(entry.peakUsed, t.peakUsed);
    entry.peakTotal = Math.max(entry.peakTotal, t.peakTotal);
    entry.sumPeakTotal += t.peakTotal;
    byKey.set(t.functionKey, entry);
  }
  const order = ['main', 'fetch', 'persist', 'publish', 'transform', 'sink'];
  return [...byKey.values()].sort((a, b) => order.indexOf(a.functionKey) - order.indexOf(b.functionKey));
}

export interface PipelineBenchSummary {
  runtime: 'worker threads' | 'in-process';
  users: number;
  endToEndPerSecond: number;
  slowestRawLimit: { name: string; perSecond: number } | undefined;
  seedsPerSecond: number | undefined;
  ratioVsRaw: number | undefined;
  ratioVsSeeds: number | undefined;
  pacedP99Ms: number | undefined;
  targets: { vsRaw: boolean | undefined; vsSeeds: boolean | undefined; p99: boolean | undefined };
}

export function report(
  options: Options,
  raw: RawLimits | undefined,
  throughput: Analysis,
  paced: Analysis | undefined,
  seeds: SeedsRun | undefined,
  seedsNoLatency: SeedsRun | undefined,
  memory: MemoryReport,
  cpu: CpuUse,
  load: string,
): { text: string; summary: PipelineBenchSummary } {
  const out: string[] = [];
  const runtime = options.inProcess ? 'in-process' : 'worker threads';
  const e2eRate = perSecond(throughput.users, throughput.endToEndMs);
  out.push(
    `pipeline bench: ${fmtInt(throughput.users)} users, fetch results=${PAGE_SIZE} × ${Math.ceil(throughput.users / PAGE_SIZE)} pages (${options.fetchConcurrency} in flight), sls offline start with ${runtime}; randomuser API round trip ${options.apiLatencyMs} ms (local server, for the pipeline and the seeds alike)`,
  );
  out.push(`machine: ${os.cpus().length} cores, ${fmtMiB(os.totalmem())} RAM, Node ${process.version}; load average ${load}`);
  if (options.nodeFlags.length > 0) out.push(`sls process' extra Node flags: ${options.nodeFlags.join(' ')}`);
  out.push('');
  out.push('per stage (the stage\'s own span: its first to its last user of the run; "done" is from the first fetch invocation)');
  out.push(
    table([
      ['stage', 'users', 'rate /s', 'active', 'done at'],
      ...throughput.stages.map((s) => [
        s.label,
        fmtInt(s.count),
        fmtInt(perSecond(s.count, s.last - s.first)),
        fmtMs(s.last - s.first),
        fmtMs(s.last - throughput.startedAt),
      ]),
      ['end to end (first fetch → last row in Cassandra)', fmtInt(throughput.users), fmtInt(e2eRate), '', fmtMs(throughput.endToEndMs)],
    ]),
  );
  out.push(
    `  publish→Cassandra latency under this burst: p50 ${fmtMs(throughput.latency.p50)}, p99 ${fmtMs(throughput.latency.p99)}; ` +
      `missing ${throughput.missing}, duplicate records users.raw ${throughput.duplicates.raw} / users.clean ${throughput.duplicates.clean}`,
  );

  let slowest: { name: string; perSecond: number } | undefined;
  if (raw) {
    out.push('');
    out.push('raw limits (each client alone, same data, same machine, same run)');
    const rows: string[][] = [['limit', 'items', 'time', 'rate /s', 'MB/s', 'CPU ms per item']];
    const add = (name: string, runs: readonly LimitRun[]): void => {
      for (const r of runs) {
        rows.push([
          `${name}: ${r.label}`,
          fmtInt(r.items),
          fmtMs(r.ms),
          fmtInt(perSecond(r.items, r.ms)),
          r.bytes ? (r.bytes / 1e6 / (r.ms / 1000)).toFixed(1) : '',
          ((r.machineCpu / r.items) * 1000).toFixed(3),
        ]);
      }
    };
    add('Cassandra', raw.cassandra);
    add('PostgreSQL', raw.postgres);
    add('Kafka', raw.kafka);
    out.push(table(rows));
    const limits = [
      { name: 'Cassandra writes', perSecond: best(raw.cassandra) },
      { name: 'PostgreSQL COPY', perSecond: best(raw.postgres) },
      { name: 'Kafka produce', perSecond: best(raw.kafka) },
    ].sort((a, b) => a.perSecond - b.perSecond);
    slowest = limits[0];
    out.push(`  slowest raw limit: ${slowest?.name} at ${fmtInt(slowest?.perSecond ?? Number.NaN)} /s (best of its runs)`);
    out.push('  CPU ms per item: what the whole machine (every process, both cores) spent per write, row or message in the timed part;');
    out.push("  the pipeline's own figure, per user, is in the CPU table below.");
  }

  let seedsRate: number | undefined;
  if (seeds) {
    seedsRate = perSecond(seeds.users, seeds.ms);
    out.push('');
    out.push(
      `seeds' approach (one API call with results=1 + one awaited JSON send per user, same ${options.apiLatencyMs} ms API round trip), ${fmtInt(seeds.users)}-user sample: ` +
        `${fmtInt(seedsRate)} users/s (API ${(seeds.apiMs / seeds.users).toFixed(2)} ms + send ${(seeds.sendMs / seeds.users).toFixed(2)} ms per user); ` +
        `${fmtInt(throughput.users)} users would take ${fmtMs((throughput.users / seedsRate) * 1000)}`,
    );
    if (seedsNoLatency) {
      const bare = perSecond(seedsNoLatency.users, seedsNoLatency.ms);
      out.push(`  with no added API round trip (localhost only): ${fmtInt(bare)} users/s — the pipeline is ${fmtRatio(e2eRate / bare)}× that`);
    }
  }

  if (paced) {
    out.push('');
    out.push(
      `paced: ${fmtInt(options.pacedRate)} users/s offered (${fmtInt(pacedCalls(options).perCall)} every ${options.pacedIntervalMs} ms) for ${options.pacedSeconds} s (${fmtInt(paced.users)} users, ${fmtInt(paced.latency.count)} latencies): ` +
        `publish→Cassandra p50 ${fmtMs(paced.latency.p50)}, p99 ${fmtMs(paced.latency.p99)}, max ${fmtMs(paced.latency.max)}`,
    );
    out.push(
      `  (same with the sink's updated_at instead of the write time: p50 ${fmtMs(paced.latencyUpdatedAt.p50)}, p99 ${fmtMs(paced.latencyUpdatedAt.p99)}; ` +
        `fetch invoked → Cassandra: p50 ${fmtMs(paced.fetchToCassandra.p50)}, p99 ${fmtMs(paced.fetchToCassandra.p99)}; missing ${paced.missing})`,
    );
    const { publishToTransform: toClean, transformToSink: toCassandra } = paced.segments;
    out.push(
      `  its legs: users.raw → users.clean (transform) p50 ${fmtMs(toClean.p50)}, p99 ${fmtMs(toClean.p99)}; ` +
        `users.clean → Cassandra (sink) p50 ${fmtMs(toCassandra.p50)}, p99 ${fmtMs(toCassandra.p99)}`,
    );
    out.push(
      `  p99 by when the user was published: ${paced.latencyByWindow.map((w) => `${w.fromS}–${w.fromS + LATENCY_WINDOW_S} s ${fmtMs(w.p99)}`).join(', ')}`,
    );
  }

  out.push('');
  out.push(
    `memory of the sls offline process (pid ${memory.pid}, whole run): peak RSS ${fmtMiB(memory.peakRss)} (VmHWM from /proc; every function runs inside it)`,
  );
  for (const c of memory.children) out.push(`  child process ${c.command} (pid ${c.pid}): peak RSS ${fmtMiB(c.peakRss)}`);
  const fns = functionMemory(memory);
  if (fns.length > 0) {
    out.push(
      options.inProcess
        ? '  V8 heap of the main thread (in-process: every handler shares it):'
        : '  V8 heap per function (each instance is a worker thread with its own heap; peaks sampled every 200 ms in the thread):',
    );
    out.push(
      table(
        [
          ['thread', 'instances', 'peak used (max)', 'peak total (max)', 'peak total (sum)'],
          ...fns.map((f) => [
            f.functionKey === 'main' ? 'main thread (sls, serverless-offline, offline-kafka consumers)' : f.functionKey,
            String(f.instances),
            fmtMiB(f.peakUsed),
            fmtMiB(f.peakTotal),
            fmtMiB(f.sumPeakTotal),
          ]),
        ],
        '    ',
      ),
    );
  }

  out.push('');
  out.push(
    `CPU during the throughput phase (${fmtMs(cpu.wall * 1000)}, ${os.cpus().length} cores): CPU seconds, and CPU ms per user — what each process pays for a user`,
  );
  const perUser = (seconds: number): string => ((seconds / throughput.users) * 1000).toFixed(3);
  out.push(
    table([
      ['process', 'CPU s', 'CPU ms per user', 'cores busy (avg)'],
      ...cpu.sources.map((c) => [c.name, c.seconds.toFixed(1), perUser(c.seconds), (c.seconds / cpu.wall).toFixed(2)]),
      ['the whole machine (every process)', cpu.machine.toFixed(1), perUser(cpu.machine), (cpu.machine / cpu.wall).toFixed(2)],
    ]),
  );

  const ratioVsRaw = slowest ? e2eRate / slowest.perSecond : undefined;
  const ratioVsSeeds = seedsRate ? e2eRate / seedsRate : undefined;
  const p99 = paced?.latency.p99;
  const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'not measured' : ok ? 'met' : 'NOT met');
  const targets = {
    vsRaw: ratioVsRaw === undefined ? undefined : ratioVsRaw >= TARGET_VS_RAW,
    vsSeeds: ratioVsSeeds === undefined ? undefined : ratioVsSeeds >= TARGET_VS_SEEDS,
    p99: p99 === undefined ? undefined : p99 <= TARGET_P99_MS,
  };
  out.push('');
  out.push('targets');
  out.push(
    table([
      [
        'end to end ÷ slowest raw limit',
        `${fmtInt(e2eRate)} ÷ ${fmtInt(slowest?.perSecond ?? Number.NaN)} = ${fmtRatio(ratioVsRaw ?? Number.NaN)}`,
        `target ≥ ${TARGET_VS_RAW}`,
        verdict(targets.vsRaw),
      ],
      [
        "end to end ÷ seeds' approach",
        `${fmtInt(e2eRate)} ÷ ${fmtInt(seedsRate ?? Number.NaN)} = ${fmtRatio(ratioVsSeeds ?? Number.NaN, 1)}×`,
        `target ≥ ${TARGET_VS_SEEDS}×`,
        verdict(targets.vsSeeds),
      ],
      [`p99 publish→Cassandra at ${fmtInt(options.pacedRate)} users/s`, fmtMs(p99 ?? Number.NaN), `target ≤ ${fmtMs(TARGET_P99_MS)}`, verdict(targets.p99)],
    ]),
  );
  return {
    text: out.join('\n'),
    summary: {
      runtime,
      users: throughput.users,
      endToEndPerSecond: e2eRate,
      slowestRawLimit: slowest,
      seedsPerSecond: seedsRate,
      ratioVsRaw,
      ratioVsSeeds,
      pacedP99Ms: p99,
      targets,
    },
  };
}
