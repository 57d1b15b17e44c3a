/**
 * What the stack's supervisor reads of its processes in /proc: a pid's start time (so a reused pid
 * is never taken for ours), process groups and their memory, a process' executable and working
 * directory, zombies.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
export function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return afterName[19];
  } catch {
    return undefined;
  }
}

/** Every process in a process group, zombies included (a service's workers share its group). */
export function groupMembers(pgid: number): number[] {
  return processes((_pid, stat) => Number(stat[2]) === pgid);
}

/** The pids whose /proc/<pid>/stat fields (after the name) pass the test. */
export function processes(test: (pid: number, stat: string[]) => boolean): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (test(Number(entry), stat.slice(stat.lastIndexOf(')') + 2).split(' '))) found.push(Number(entry));
    } catch {
      /* the process ended meanwhile */
    }
  }
  return found;
}

export function workingDirectory(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

export function executable(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** Resident memory of a service: every process in its process group (PostgreSQL forks workers). */
export function groupRssMb(pgid: number): number {
  let kb = 0;
  for (const pid of groupMembers(pgid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return Math.round(kb / 1024);
}

export function isZombie(pid: number): boolean {
  try {
    return /^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
