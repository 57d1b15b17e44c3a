/**
 * `npm run bench:status`: what the status page costs. The functions run under sls offline against
 * the native stack; CPU seconds of each stack service, of sls, of the status server (its own
 * process, `npm run status -- --serve`) and of the browser are read from /proc over phases:
 *
 *   idle, no status server · idle, page closed · idle, page open ·
 *   load, page closed · load, page open   (load: a fetch of --users every --every seconds)
 *
 * and the difference the open page makes is printed, with screenshots of the open page idle and
 * under load (docs/status-idle.png, docs/status-load.png; --screenshots DIR to put them elsewhere).
 *
 * Each round runs the five phases; the report gives each figure's median over the rounds (the machine
 * may be shared: per-process CPU is what the page changes, the machine's total is context).
 *
 *   npm run bench:status [-- --rounds 2 --seconds 45 --users 1000 --every 5 --screenshots docs]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLambdaClient, invokeFunction } from '../../layers/adapters/lambda';
import { functionName, topology } from '../../layers/config';
import { startOffline } from '../pipeline/offline';
import { startRandomUserServer } from '../randomuser/server';
import { createContext } from '../stack/context';
import { status, up } from '../stack/stack';
import { type Browser, launchChromium } from '../status/chromium';
import { type CpuSource, type CpuUse, cpuSnapshot, cpuUse } from './lib/cpu';
import { privateServiceDir, waitForFreePorts } from './lib/offline';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const say = (m: string): void => void process.stderr.write(`[bench:status] ${m}\n`);

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

/** The browser's main process: the one whose command line names the profile and whose parent does not. */
function browserPid(profile: string): number | undefined {
  const named = (pid: string): boolean => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`--user-data-dir=${profile}`);
    } catch {
      return false;
    }
  };
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && named(p));
  const parentOf = (pid: string): string => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] ?? '';
  const main = pids.find((pid) => !pids.includes(parentOf(pid)));
  return main === undefined ? undefined : Number(main);
}

async function serveStatus(functionsLog: string, mappingsFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [TSX, 'scripts/status/cli.ts', '--serve', '--port', '0', '--functions-log', functionsLog, '--mappings-file', mappingsFile],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /http:\/\/\S+/.exec(chunk.toString());
      if (match) resolve(match[0]);
    });
    child.once('exit', (code) => reject(new Error(`the status server exited (code ${code})`)));
  });
  return { child, url };
}

interface Phase {
  name: string;
  use: CpuUse;
}

const PHASES = ['idle, no status server', 'idle, page closed', 'idle, page open', 'load, page closed', 'load, page open'];

function median(values: number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per phase and process, the median over the rounds of its CPU as a share of one core; a process not there throughout a phase is left out of it. */
function report(phases: Phase[]): string {
  const names = [...new Set(phases.flatMap((p) => p.use.sources.map((s) => s.name)))];
  const cores = (use: CpuUse, name: string): number | undefined => {
    const seconds = use.sources.find((s) => s.name === name)?.seconds;
    return seconds === undefined ? undefined : seconds / use.wall;
  };
  const stack = (use: CpuUse): number => names.filter((n) => n !== 'browser').reduce((sum, n) => sum + (cores(use, n) ?? 0), 0);
  const of = (phase: string, read: (use: CpuUse) => number | undefined): number | undefined =>
    median(phases.filter((p) => p.name === phase).flatMap((p) => read(p.use) ?? []));
  const pct = (n: number | undefined): string => (n === undefined ? '–' : `${(n * 100).toFixed(1)} %`);
  const lines = [`| phase | ${names.join(' | ')} | stack (all but the browser) | machine |`, `|---|${names.map(() => '---:|').join('')}---:|---:|`];
  for (const phase of PHASES) {
    const cells = names.map((n) => pct(of(phase, (use) => cores(use, n))));
    lines.push(`| ${phase} | ${cells.join(' | ')} | ${pct(of(phase, stack))} | ${pct(of(phase, (use) => use.machine / use.wall))} |`);
  }
  const delta = (a: string, b: string): string => {
    const x = of(a, stack);
    const y = of(b, stack);
    return x === undefined || y === undefined ? '?' : pct(x - y);
  };
  lines.push(
    '',
    `Medians of ${phases.length / PHASES.length} rounds, CPU as a share of one core. The stack without the browser: the open page adds ${delta('idle, page open', 'idle, page closed')} idle and ${delta('load, page open', 'load, page closed')} under load; the status server with no page open adds ${delta('idle, page closed', 'idle, no status server')} idle.`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const seconds = Number(option('--seconds', '45'));
  const rounds = Number(option('--rounds', '2'));
  const users = Number(option('--users', '1000'));
  const every = Number(option('--every', '5'));
  const shots = path.resolve(ROOT, option('--screenshots', 'docs'));
  const ctx = createContext(say);
  await up(ctx);
  await waitForFreePorts([topology.ports.offlineLambda, topology.ports.offlineHttp], 600_000, say);
  const randomUser = await startRandomUserServer({ port: 0 });
  const service = privateServiceDir(ROOT, 'status-cost');
  const functionsLog = ctx.logFile('functions-status-bench');
  const mappingsFile = path.join(service.dir, '.stack', 'run', 'offline-kafka', 'metrics.json');
  const offline = await startOffline({
    root: ROOT,
    cwd: service.dir,
    env: { RANDOMUSER_URL: `${randomUser.url}/api/1.4/`, FETCH_SCHEDULE_ENABLED: 'false' },
    logFile: functionsLog,
  });
  const lambda = createLambdaClient({ ...ctx.config.lambda, endpoint: `http://127.0.0.1:${topology.ports.offlineLambda}` });
  let statusServer: { child: ChildProcess; url: string } | undefined;
  let browser: Browser | undefined;
  let loading = false;
  let fetches = 0;
  const phases: Phase[] = [];
  const sources = async (): Promise<CpuSource[]> => [
    ...(await status(ctx)).flatMap((s) => (s.pid === null ? [] : [{ name: s.name, pid: s.pid }])),
    { name: 'functions (sls)', pid: offline.child.pid! },
    ...(statusServer ? [{ name: 'status server', pid: statusServer.child.pid! }] : []),
    ...(browser && browserPid(browser.profile) ? [{ name: 'browser', pid: browserPid(browser.profile)! }] : []),
  ];
  const measure = async (name: string, round: number): Promise<void> => {
    say(`round ${round}: ${name}, ${seconds} s`);
    const watched = await sources();
    const before = cpuSnapshot(watched);
    const began = Date.now();
    await sleep(seconds * 1000);
    const after = cpuSnapshot(watched);
    // A process replaced meanwhile (restarted by someone else) is not this phase's: its pid is gone.
    phases.push({ name, use: cpuUse(before, after, Date.now() - began) });
  };
  const fetchOnce = () =>
    invokeFunction(lambda, functionName('fetch', ctx.config.lambda.stage), { seed: `status-bench-${process.pid}-${fetches++}`, results: users });
  const load = async (): Promise<void> => {
    while (loading) {
      const began = Date.now();
      await fetchOnce();
      await sleep(Math.max(0, every * 1000 - (Date.now() - began)));
    }
  };
  try {
    // Warm: esbuild's bundles built, every function loaded once.
    await fetchOnce();
    await sleep(20_000);
    browser = await launchChromium(say);
    for (let round = 1; round <= rounds; round++) {
      await measure(PHASES[0]!, round);
      statusServer = await serveStatus(functionsLog, mappingsFile);
      // Past the first reading and the dead-letter consumer's start.
      await sleep(10_000);
      await measure(PHASES[1]!, round);
      const idle = await browser.context.newPage();
      await idle.goto(statusServer.url);
      await sleep(5000);
      await measure(PHASES[2]!, round);
      if (round === rounds) await idle.screenshot({ path: path.join(shots, 'status-idle.png'), fullPage: true });
      await idle.close();
      loading = true;
      const loader = load();
      // The server samples fast for 30 s after the page's last request; the load settles meanwhile.
      await sleep(35_000);
      await measure(PHASES[3]!, round);
      const loaded = await browser.context.newPage();
      await loaded.goto(statusServer.url);
      await sleep(5000);
      await measure(PHASES[4]!, round);
      if (round === rounds) await loaded.screenshot({ path: path.join(shots, 'status-load.png'), fullPage: true });
      await loaded.close();
      loading = false;
      await loader;
      statusServer.child.kill('SIGINT');
      statusServer = undefined;
      // The last fetches drain before the next idle phase.
      await sleep(20_000);
    }
  } finally {
    loading = false;
    await browser?.close();
    statusServer?.child.kill('SIGINT');
    await offline.stop('SIGINT');
    await randomUser.close();
    service.remove();
  }
  process.stdout.write(`${report(phases)}\n\nload: a fetch of ${users} users every ${every} s; each phase ${seconds} s; screenshots in ${shots}\n`);
}

main().catch((err: unknown) => {
  say(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
