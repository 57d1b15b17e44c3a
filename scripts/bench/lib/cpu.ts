/**
 * Where the machine's CPU goes during a phase of the benchmark: CPU time (user + system) of each
 * process involved, read from /proc before and after. Throughput on a shared 2-core machine is
 * noisy; CPU seconds per 1000 users is what an optimisation changes, and it names the process
 * that pays for each user.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { statFields } from '../../stack/proc';
import { childPids } from './proc';

/** Clock ticks per second, the unit of /proc/<pid>/stat's times. */
export const TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcStat {
  /** utime + stime, and cutime + cstime (children that ended and were waited for), in ticks. */
  own: number;
  reaped: number;
}

/** A process' or a thread's times: /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat; undefined when it is gone. */
export function readStat(file: string): ProcStat | undefined {
  const fields = statFields(file);
  return fields && { own: Number(fields[11]) + Number(fields[12]), reaped: Number(fields[13]) + Number(fields[14]) };
}

/**
 * CPU seconds of a process and all its descendants (PostgreSQL's backends, sls's esbuild), counting
 * the children that already ended through the root's reaped time; undefined when it is gone.
 */
export function treeSeconds(root: number): number | undefined {
  const rootStat = readStat(`/proc/${root}/stat`);
  if (!rootStat) return undefined;
  let ticks = rootStat.reaped;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    ticks += (pid === root ? rootStat : readStat(`/proc/${pid}/stat`))?.own ?? 0;
    queue.push(...childPids(pid));
  }
  return ticks / TICKS;
}

/** Busy CPU seconds of the whole machine (every core), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS;
}

/** A process to account for: a pid (with its descendants), or this process itself. */
export type CpuSource = { name: string; pid: number } | { name: string; self: true };

export interface CpuSnapshot {
  machine: number;
  bySource: Map<string, number>;
}

export function cpuSnapshot(sources: readonly CpuSource[]): CpuSnapshot {
  const bySource = new Map<string, number>();
  for (const source of sources) {
    const own = process.cpuUsage();
    const seconds = 'self' in source ? (own.user + own.system) / 1e6 : treeSeconds(source.pid);
    if (seconds !== undefined) bySource.set(source.name, seconds);
  }
  return { machine: machineBusySeconds(), bySource };
}

export interface CpuUse {
  /** CPU seconds the machine was busy during the phase (all cores together). */
  machine: number;
  /** Each source's CPU seconds during the phase, largest first; sources gone meanwhile are left out. */
  sources: { name: string; seconds: number }[];
  /** Wall seconds of the phase, to express the seconds as cores. */
  wall: number;
}

export function cpuUse(before: CpuSnapshot, after: CpuSnapshot, wallMs: number): CpuUse {
  const sources: { name: string; seconds: number }[] = [];
  for (const [name, end] of after.bySource) {
    const start = before.bySource.get(name);
    if (start !== undefined) sources.push({ name, seconds: end - start });
  }
  return { machine: after.machine - before.machine, sources: sources.sort((a, b) => b.seconds - a.seconds), wall: wallMs / 1000 };
}
