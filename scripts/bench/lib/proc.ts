/** Reading processes from Linux's /proc for the benchmark (the stat and status parsers are scripts/stack/proc.ts'). */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The direct children of a process (of every one of its threads). */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** The first words of a process's command line, program names without their directories. */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((a) => path.basename(a))
      .slice(0, 3)
      .join(' ');
  } catch {
    return '?';
  }
}

/** The pid listening on host:port (`ss -ltnp`), for a service running without this stack's record of it. */
export function listeningPid(host: string, port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
    // Java lists an IPv4 listener as [::ffff:host]; a wildcard listener (0.0.0.0, *, [::]) serves the host too.
    const local = (l: string): string => l.trim().split(/\s+/)[3] ?? '';
    const addresses = [`${host}:${port}`, `[::ffff:${host}]:${port}`, `0.0.0.0:${port}`, `*:${port}`, `[::]:${port}`];
    const line = out.split('\n').find((l) => addresses.includes(local(l)));
    const match = line ? /pid=(\d+)/.exec(line) : null;
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
