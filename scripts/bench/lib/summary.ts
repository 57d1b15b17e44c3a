/**
 * The pipeline benchmark's machine-readable figures (`--json <file>`; field names documented in
 * docs/performance.md, "The JSON summary") and the per-stage CPU table of the report.
 */
import type { CpuUse } from './cpu';
import type { StageProfile } from './cpu-profile';
import type { MemoryReport } from './offline';
import type { LimitRun } from './raw-limits';
import type { Analysis, LatencyWindow, RawLimits } from './report';
import type { ScaleStep } from './scale';
import { perSecond, table } from './stats';

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
    /** The functions' process split by part of the pipeline (from its --cpu-prof profile); absent without --cpu-prof. */
    byStage: { part: string; ms: number; share: number }[] | undefined;
    /** The profile's busy samples in the phase, the basis of byStage's shares. */
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
      byStage: stages && sls !== undefined ? stages.parts.map((p) => ({ part: p.part, ms: p.share * sls, share: p.share })) : undefined,
      stageSamples: stages?.busySamples,
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

/** The report's lines for the stage split, when the run was profiled. */
export function stageLines(m: Measurements, slsName: string): string[] {
  const stages = m.cpuMsPerUser.byStage;
  if (!stages) return ["(per stage: run with --cpu-prof <dir> for the functions' process split by stage)"];
  const sls = m.cpuMsPerUser.byProcess.find((p) => p.name === slsName)?.ms ?? Number.NaN;
  return [
    `${slsName}, ${sls.toFixed(3)} CPU ms per user, by part (V8 CPU profile of the throughput phase, ${m.cpuMsPerUser.stageSamples} busy samples; each part's share of them × the process' /proc CPU):`,
    table([['part', 'share', 'CPU ms per user'], ...stages.map((s) => [s.part, `${(s.share * 100).toFixed(1)} %`, s.ms.toFixed(3)])]),
  ];
}
