/**
 * `sls offline start` for the benchmark: scripts/pipeline/offline.ts's launcher with
 * `--require heap-probe.ts`, so every thread reports its heap, plus the process's resident memory
 * sampled from /proc while it runs and waits for given log lines.
 */
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { portAnswers, startOffline } from '../../pipeline/offline';
import { statusField } from '../../stack/proc';
import { childPids, commandOf } from './proc';

export interface OfflineOptions {
  root: string;
  /** Where sls runs (a privateServiceDir); the project root by default. */
  serviceDir?: string;
  env: Record<string, string>;
  logFile: string;
  extraArgs?: string[];
  /** Node flags for the sls process (e.g. --cpu-prof). */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

export interface ThreadHeap {
  threadId: number;
  functionKey: string;
  peakUsed: number;
  peakTotal: number;
}

export interface MemoryReport {
  pid: number;
  /** VmHWM of the sls node process: its peak resident set (main thread and every worker thread). */
  peakRss: number;
  /** The largest VmRSS seen in the samples, for comparison with VmHWM. */
  sampledPeakRss: number;
  /** Child processes of sls (esbuild's service) with their own peak RSS. */
  children: { pid: number; command: string; peakRss: number }[];
  threads: ThreadHeap[];
}

export interface BenchOffline {
  child: ChildProcess;
  pid: number;
  /** Resolves with the time (ms since epoch) a log line matching the pattern was printed. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<number>;
  /** Stops sls (SIGINT, as Ctrl-C) and returns what its memory peaked at. */
  stop(): Promise<MemoryReport>;
}

/** What `sls offline start` reads from the service directory: files copied (osls wants a real serverless.yml), folders linked. */
const SERVICE_FILES = ['serverless.yml', 'package.json', 'tsconfig.json'];
const SERVICE_FOLDERS = ['functions', 'layers', 'plugins', 'infra', 'node_modules'];

/**
 * A service directory of the benchmark's own: a copy of the project's serverless.yml (taken at start)
 * and symlinks to its code and node_modules, so code and configuration are the project's, but serverless-esbuild's
 * .esbuild/.build is private. Another `sls` in the work tree (a test's `sls package` or
 * `sls invoke local`) cleans the shared .esbuild when it ends, which would pull the bundles out from
 * under a running `sls offline start`.
 */
export function privateServiceDir(root: string, name: string, serverlessYml?: string): { dir: string; remove(): void } {
  const dir = path.join(root, '.stack', 'bench', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of SERVICE_FILES) if (existsSync(path.join(root, file))) copyFileSync(path.join(root, file), path.join(dir, file));
  // A variant of serverless.yml, to measure a configuration change side by side with the current one.
  if (serverlessYml) copyFileSync(path.resolve(root, serverlessYml), path.join(dir, 'serverless.yml'));
  for (const folder of SERVICE_FOLDERS) if (existsSync(path.join(root, folder))) symlinkSync(path.join(root, folder), path.join(dir, folder));
  // rmSync does not follow symlinks: only the links and the private .esbuild go.
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
const PROBE = path.join(__dirname, '..', 'heap-probe.ts');

/** Waits until nobody listens on any of the ports (another engineer's sls offline has stopped). */
export async function waitForFreePorts(ports: readonly number[], timeoutMs: number, onWait: (message: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    const busy: number[] = [];
    for (const port of ports) if (await portAnswers(port)) busy.push(port);
    if (busy.length === 0) return;
    if (Date.now() > deadline) throw new Error(`ports ${busy.join(', ')} still in use after ${Math.round(timeoutMs / 1000)} s (another sls offline?)`);
    if (!said) onWait(`waiting for ports ${busy.join(', ')} to be free (another sls offline is running)…`);
    said = true;
    await sleep(2000);
  }
}

export async function startBenchOffline(options: OfflineOptions): Promise<BenchOffline> {
  const waiters: { pattern: RegExp; resolve: (at: number) => void }[] = [];
  // Lines already printed, so a wait for a line that came before the wait began still finds it.
  const history: { line: string; at: number }[] = [];
  const onLine = (line: string): void => {
    const now = Date.now();
    if (history.length < 20_000) history.push({ line, at: now });
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(now);
      }
    }
  };
  // Spawning, logging, readiness and a clean stop are the project's own launcher's.
  const offline = await startOffline({
    root: options.root,
    cwd: options.serviceDir,
    env: options.env,
    logFile: options.logFile,
    nodeArgs: [...(options.nodeArgs ?? []), '--require', PROBE],
    extraArgs: options.extraArgs,
    readyTimeoutMs: options.readyTimeoutMs,
    onLine,
  });
  const { child } = offline;
  const pid = child.pid as number;
  const heapDir = path.join(tmpdir(), `tributary-heap-${pid}`);
  const exit = new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));

  // Resident memory of the process and its children, sampled; VmHWM gives the kernel's own peak.
  let sampledPeakRss = 0;
  const childPeaks = new Map<number, { command: string; peakRss: number }>();
  const sampleChildren = (): void => {
    for (const c of childPids(pid)) {
      const entry = childPeaks.get(c) ?? { command: '', peakRss: 0 };
      // Read again until known: a child sampled between fork and exec has no command line yet.
      if (!entry.command || entry.command === '?') entry.command = commandOf(c);
      entry.peakRss = Math.max(entry.peakRss, statusField(c, 'VmHWM'));
      childPeaks.set(c, entry);
    }
  };
  const sampler = setInterval(() => {
    sampledPeakRss = Math.max(sampledPeakRss, statusField(pid, 'VmRSS'));
    sampleChildren();
  }, 250);

  const waitForLine = (pattern: RegExp, timeoutMs: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const earlier = history.find(({ line }) => pattern.test(line));
      if (earlier) return resolve(earlier.at);
      const timer = setTimeout(
        () => reject(new Error(`sls offline: no line matching ${pattern} within ${timeoutMs / 1000} s; see ${options.logFile}`)),
        timeoutMs,
      );
      waiters.push({
        pattern,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      });
      void exit.then((code) => reject(new Error(`sls offline exited (code ${code}) before ${pattern}; see ${options.logFile}`)));
    });

  const memory = (): MemoryReport => {
    const threads: ThreadHeap[] = [];
    if (existsSync(heapDir)) {
      for (const file of readdirSync(heapDir)) {
        try {
          threads.push(JSON.parse(readFileSync(path.join(heapDir, file), 'utf8')) as ThreadHeap);
        } catch {
          /* a file being written */
        }
      }
    }
    sampleChildren();
    return {
      pid,
      peakRss: Math.max(statusField(pid, 'VmHWM'), sampledPeakRss),
      sampledPeakRss,
      children: [...childPeaks.entries()].map(([childPid, c]) => ({ pid: childPid, ...c })),
      threads: threads.sort((a, b) => a.threadId - b.threadId),
    };
  };

  const stop = async (): Promise<MemoryReport> => {
    // Read while the process is alive: /proc forgets it once it exits.
    const report = memory();
    clearInterval(sampler);
    await offline.stop();
    rmSync(heapDir, { recursive: true, force: true });
    return report;
  };

  return { child, pid, waitForLine, stop };
}
