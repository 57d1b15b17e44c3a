/**
 * What the stack's supervisor reads of its processes in /proc: a pid's start time (so a reused pid
 * is never taken for ours), process groups and their memory, a process' executable and working
 * directory, zombies. The benchmark reads its CPU and memory figures through the same parsers.
 * Also how a service is started with a timer slack of its own (/proc/self/timerslack_ns).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The shell line that sets its own timer slack (/proc/self/timerslack_ns, Linux ≥ 4.6) and execs
 * its arguments: the program, and every thread it starts, inherit the slack. Silent where the file
 * cannot be written (the program then runs with the default, 50 µs).
 */
export function timerSlackScript(slackNs: number): string {
  return `{ echo ${slackNs} > /proc/self/timerslack_ns; } 2>/dev/null; exec "$0" "$@"`;
}

/** `command args` run through timerSlackScript. */
export function withTimerSlack(slackNs: number, command: string, args: string[]): { command: string; args: string[] } {
  return { command: '/bin/sh', args: ['-c', timerSlackScript(slackNs), command, ...args] };
}

/**
 * The fields of /proc/<pid>/stat (or a thread's, /proc/<pid>/task/<tid>/stat) after the command,
 * which may hold spaces and parentheses: index 0 is the state, 11 and 12 utime and stime. Undefined
 * when the process is gone.
 */
export function statFields(file: string): string[] | undefined {
  try {
    const stat = readFileSync(file, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** A `Vm…: N kB` field of /proc/<pid>/status in bytes; 0 when the process is gone. */
export function statusField(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
export function procStart(pid: number): string | undefined {
  return statFields(`/proc/${pid}/stat`)?.[19];
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
    // A process that ended meanwhile has no fields.
    const stat = statFields(`/proc/${entry}/stat`);
    if (stat && test(Number(entry), stat)) found.push(Number(entry));
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
  let bytes = 0;
  for (const pid of groupMembers(pgid)) bytes += statusField(pid, 'VmRSS');
  return Math.round(bytes / 1024 ** 2);
}

export function isZombie(pid: number): boolean {
  return statFields(`/proc/${pid}/stat`)?.[0] === 'Z';
}
