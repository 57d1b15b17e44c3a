/**
 * The pipeline benchmark's machine-readable figures (`--json <file>`; field names documented in
 * docs/performance.md, "The JSON summary") and the per-stage CPU table of the report.
 */
import type { CpuUse } from './cpu';
import { GC_PART, type StageProfile } from './cpu-profile';
import type { MemoryReport } from './offline';
import type { LimitRun } from './raw-limits';
import type { Analysis, LatencyWindow, RawLimits } from './report';
import type { ScaleStep } from './scale';
import { perSecond, table } from './stats';
import { THREAD_GROUPS, type ThreadGroup } from './threads';

const MIB = 1024 * 1024;

export interface Quantiles {
  p50: number;
  p99: number;
}

export interface RunFigures {
  users: number;
  missing: number;
  duplicatesRaw: number;
  duplicatesClean: number;
  publishToCassandraMs: Quantiles & { max: number };
  /** The same latency by when the user was published: one entry per LATENCY_WINDOW_S (5) seconds of the run. */
  byWindow: LatencyWindow[];
}

export interface Measurements {
  /** CPU ms per user over the throughput phase, from /proc (user + system, process and descendants). */
  cpuMsPerUser: {
    machine: number;
    byProcess: { name: string; ms: number }[];
    /** The functions' process by thread group (lib/threads.ts): the main thread, V8's helper threads, …, largest first. */
    slsThreads: { thread: string; ms: number }[];
    /**
     * The functions' process split by part of the pipeline, `share` of the process: each JavaScript
     * thread's profile (--cpu-prof) over its own CPU, V8's helper threads a part; absent without --cpu-prof.
     */
    byStage: { part: string; ms: number; share: number }[] | undefined;
    /** The profiles' busy samples in the phase (every JavaScript thread), the basis of byStage. */
    stageSamples: number | undefined;
  };
  /** Cassandra: its raw limit's machine CPU per write (best run) against its process' share of a user in the pipeline. */
  cassandra: { rawPerSecond: number; rawCpuMsPerWrite: number; pipelineCpuMsPerUser: number | undefined; ratio: number | undefined } | undefined;
  throughput: RunFigures;
  paced: RunFigures | undefined;
  /** Peak resident memory in MiB: the sls process (VmHWM) and its child processes. */
  peakRssMiB: { sls: number; children: { command: string; mib: number }[] };
  /** The throughput phase per 100k users reaching Cassandra: rate, the sls process' CPU per user and RSS (lib/scale.ts). */
  per100k: ScaleStep[];
}

const runFigures = (run: Analysis): RunFigures => ({
  users: run.users,
  missing: run.missing,
  duplicatesRaw: run.duplicates.raw,
  duplicatesClean: run.duplicates.clean,
  publishToCassandraMs: { p50: run.latency.p50, p99: run.latency.p99, max: run.latency.max },
  byWindow: run.latencyByWindow,
});

const fastest = (runs: readonly LimitRun[]): LimitRun | undefined => [...runs].sort((a, b) => perSecond(b.items, b.ms) - perSecond(a.items, a.ms))[0];

export function measurements(
  throughput: Analysis,
  paced: Analysis | undefined,
  raw: RawLimits | undefined,
  cpu: CpuUse,
  slsName: string,
  cassandraName: string,
  stages: StageProfile | undefined,
  threads: ReadonlyMap<ThreadGroup, number>,
  memory: MemoryReport,
  per100k: ScaleStep[],
): Measurements {
  const perUser = (seconds: number): number => (seconds / throughput.users) * 1000;
  const byProcess = cpu.sources.map((s) => ({ name: s.name, ms: perUser(s.seconds) }));
  const sls = byProcess.find((p) => p.name === slsName)?.ms;
  const cassandraShare = byProcess.find((p) => p.name === cassandraName)?.ms;
  const best = raw ? fastest(raw.cassandra) : undefined;
  const rawCpuMsPerWrite = best ? (best.machineCpu / best.items) * 1000 : Number.NaN;
  return {
    cpuMsPerUser: {
      machine: perUser(cpu.machine),
      byProcess,
      slsThreads: [...threads.entries()].map(([group, seconds]) => ({ thread: THREAD_GROUPS[group], ms: perUser(seconds) })).sort((a, b) => b.ms - a.ms),
      byStage: stages && sls !== undefined ? stageSplit(stages, threads, perUser, sls) : undefined,
      stageSamples: stages ? stages.main.busySamples + stages.workers.busySamples : undefined,
    },
    cassandra: best
      ? {
          rawPerSecond: perSecond(best.items, best.ms),
          rawCpuMsPerWrite,
          pipelineCpuMsPerUser: cassandraShare,
          ratio: cassandraShare === undefined ? undefined : cassandraShare / rawCpuMsPerWrite,
        }
      : undefined,
    throughput: runFigures(throughput),
    paced: paced ? runFigures(paced) : undefined,
    peakRssMiB: { sls: memory.peakRss / MIB, children: memory.children.map((c) => ({ command: c.command, mib: c.peakRss / MIB })) },
    per100k,
  };
}

/**
 * The process' CPU per user by part: the main thread's profile shares of the main thread's CPU,
 * the worker threads' of theirs, and the threads no profile samples as parts of their own (what
 * the process counted beyond its live threads, a thread that ended, goes with "other threads").
 */
export function stageSplit(
  stages: StageProfile,
  threads: ReadonlyMap<ThreadGroup, number>,
  perUser: (s: number) => number,
  sls: number,
): Measurements['cpuMsPerUser']['byStage'] {
  const ms = (group: ThreadGroup): number => perUser(threads.get(group) ?? 0);
  const byPart = new Map<string, number>();
  const add = (part: string, value: number): void => {
    if (value > 0) byPart.set(part, (byPart.get(part) ?? 0) + value);
  };
  for (const p of stages.main.parts) add(p.part, p.share * ms('main'));
  if (stages.workers.busySamples > 0) for (const p of stages.workers.parts) add(p.part, p.share * ms('workers'));
  else add(THREAD_GROUPS.workers, ms('workers'));
  add(THREAD_GROUPS.v8, ms('v8'));
  add(THREAD_GROUPS.libuv, ms('libuv'));
  add(THREAD_GROUPS.profiler, ms('profiler'));
  add(THREAD_GROUPS.other, sls - ms('main') - ms('workers') - ms('v8') - ms('libuv') - ms('profiler'));
  return [...byPart.entries()].map(([part, value]) => ({ part, ms: value, share: value / sls })).sort((a, b) => b.ms - a.ms);
}

/** The report's lines for the stage split, when the run was profiled. */
export function stageLines(m: Measurements, slsName: string): string[] {
  const stages = m.cpuMsPerUser.byStage;
  const sls = m.cpuMsPerUser.byProcess.find((p) => p.name === slsName)?.ms ?? Number.NaN;
  const threads = [
    `${slsName}, ${sls.toFixed(3)} CPU ms per user, by thread (/proc/<pid>/task):`,
    table([['thread', 'CPU ms per user'], ...m.cpuMsPerUser.slsThreads.map((t) => [t.thread, t.ms.toFixed(3)])]),
  ];
  if (!stages) return [...threads, "(per stage: run with --cpu-prof <dir> for the functions' process split by stage)"];
  const collector = stages.filter((s) => s.part === GC_PART || s.part === THREAD_GROUPS.v8).reduce((sum, s) => sum + s.ms, 0);
  return [
    ...threads,
    '',
    `${slsName}, ${sls.toFixed(3)} CPU ms per user, by part (V8 CPU profiles of the throughput phase, ${m.cpuMsPerUser.stageSamples} busy samples; each JavaScript thread's shares × its /proc CPU):`,
    table([['part', 'share', 'CPU ms per user'], ...stages.map((s) => [s.part, `${(s.share * 100).toFixed(1)} %`, s.ms.toFixed(3)])]),
    `the collector, about (its main-thread pauses, and V8's helper threads, which also compile in the background): ${collector.toFixed(3)} CPU ms per user, ${((collector / sls) * 100).toFixed(0)} % of the process`,
  ];
}
