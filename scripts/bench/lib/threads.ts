/**
 * The functions' process by thread: its CPU is not all JavaScript. V8's helper threads mark and
 * scavenge for the collector (and compile in the background), and the CPU profile samples only
 * the JavaScript threads, so the bench reads each thread's time from /proc/<pid>/task.
 *
 * Node names few of its threads. It starts them in a fixed order, which names the rest: the main
 * thread (tid = pid); "DelayedTaskScheduler", then V8's platform pool (`--v8-pool-size`, 4 by
 * default) and the signal thread, all "node", before libuv's pool ("libuv-worker", started on its
 * first use, long before a handler runs); `worker_threads` started after that are "node" again.
 * `--cpu-prof` adds a sampling thread per isolate, "v8:ProfEvntProc".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readStat, TICKS } from './cpu';

export const THREAD_GROUPS = {
  main: 'main thread (JavaScript: the functions, serverless-offline, the event source)',
  v8: "V8's helper threads (the collector's parallel and concurrent work, background compilation)",
  libuv: "libuv's thread pool",
  workers: 'worker threads (the event source transcoding thread)',
  profiler: "V8's CPU profiler (with --cpu-prof only: the measurement's own cost)",
  other: 'other threads',
} as const;
export type ThreadGroup = keyof typeof THREAD_GROUPS;

interface ThreadTime {
  tid: number;
  name: string;
  /** utime + stime, seconds. */
  seconds: number;
}

/** Every live thread of a process with its CPU seconds; empty when the process is gone. */
export function threadTimes(pid: number): ThreadTime[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tids.flatMap((tid) => {
    try {
      const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      return stat ? [{ tid: Number(tid), name, seconds: stat.own / TICKS }] : [];
    } catch {
      return []; // the thread ended between the listing and the read
    }
  });
}

/** Which group a thread is in, by Node's start order (above). */
function groupOf(thread: ThreadTime, pid: number, firstLibuvTid: number | undefined): ThreadGroup {
  if (thread.tid === pid) return 'main';
  if (thread.name === 'libuv-worker') return 'libuv';
  if (thread.name.startsWith('v8:Prof')) return 'profiler';
  if (thread.name !== 'node') return 'other';
  if (firstLibuvTid === undefined) return 'other';
  return thread.tid < firstLibuvTid ? 'v8' : 'workers';
}

/**
 * CPU seconds each group of threads spent between two readings. A thread that ended in between
 * is missing from the second: what the process' own total has beyond the groups is the caller's
 * to name (it is usually nothing).
 */
export function threadGroupSeconds(pid: number, before: readonly ThreadTime[], after: readonly ThreadTime[]): Map<ThreadGroup, number> {
  const libuv = after.filter((t) => t.name === 'libuv-worker').map((t) => t.tid);
  const firstLibuvTid = libuv.length > 0 ? Math.min(...libuv) : undefined;
  const start = new Map(before.map((t) => [t.tid, t.seconds]));
  const groups = new Map<ThreadGroup, number>();
  for (const thread of after) {
    const group = groupOf(thread, pid, firstLibuvTid);
    groups.set(group, (groups.get(group) ?? 0) + thread.seconds - (start.get(thread.tid) ?? 0));
  }
  return groups;
}
