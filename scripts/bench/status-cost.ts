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
 *   npm run bench:status [-- --seconds 60 --users 1000 --every 5 --screenshots docs]
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

async function serveStatus(functionsLog: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [TSX, 'scripts/status/cli.ts', '--serve', '--port', '0', '--functions-log', functionsLog], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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

function report(phases: Phase[], names: string[]): string {
  const cores = (use: CpuUse, name: string): number => (use.sources.find((s) => s.name === name)?.seconds ?? 0) / use.wall;
  const stack = (use: CpuUse): number => names.filter((n) => n !== 'browser').reduce((sum, n) => sum + cores(use, n), 0);
  const pct = (n: number): string => `${(n * 100).toFixed(1)} %`;
  const lines = [`| phase | ${names.join(' | ')} | stack without the browser | machine |`, `|---|${names.map(() => '---:|').join('')}---:|---:|`];
  for (const { name, use } of phases) {
    lines.push(`| ${name} | ${names.map((n) => pct(cores(use, n))).join(' | ')} | ${pct(stack(use))} | ${pct(use.machine / use.wall)} |`);
  }
  const byName = new Map(phases.map((p) => [p.name, p.use]));
  const delta = (open: string, closed: string): string => {
    const a = byName.get(open);
    const b = byName.get(closed);
    return a && b ? pct(stack(a) - stack(b)) : '?';
  };
  lines.push(
    '',
    `CPU as a share of one core. The open page adds ${delta('idle, page open', 'idle, page closed')} (idle) and ${delta('load, page open', 'load, page closed')} (under load) to the stack without the browser; the browser itself is its column.`,
    `The status server with no page open adds ${delta('idle, page closed', 'idle, no status server')} (idle).`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const seconds = Number(option('--seconds', '60'));
  const users = Number(option('--users', '1000'));
  const every = Number(option('--every', '5'));
  const shots = path.resolve(ROOT, option('--screenshots', 'docs'));
  const ctx = createContext(say);
  await up(ctx);
  await waitForFreePorts([topology.ports.offlineLambda, topology.ports.offlineHttp], 600_000, say);
  const randomUser = await startRandomUserServer({ port: 0 });
  const service = privateServiceDir(ROOT, 'status-cost');
  const functionsLog = ctx.logFile('functions-status-bench');
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
  const phases: Phase[] = [];
  const sources = async (): Promise<CpuSource[]> => [
    ...(await status(ctx)).flatMap((s) => (s.pid === null ? [] : [{ name: s.name, pid: s.pid }])),
    { name: 'functions (sls)', pid: offline.child.pid! },
    ...(statusServer ? [{ name: 'status server', pid: statusServer.child.pid! }] : []),
    ...(browser && browserPid(browser.profile) ? [{ name: 'browser', pid: browserPid(browser.profile)! }] : []),
  ];
  const measure = async (name: string): Promise<void> => {
    say(`${name}: ${seconds} s`);
    const watched = await sources();
    const before = cpuSnapshot(watched);
    const began = Date.now();
    await sleep(seconds * 1000);
    phases.push({ name, use: cpuUse(before, cpuSnapshot(watched), Date.now() - began) });
  };
  const load = async (): Promise<void> => {
    for (let i = 0; loading; i++) {
      const began = Date.now();
      await invokeFunction(lambda, functionName('fetch', ctx.config.lambda.stage), { seed: `status-bench-${process.pid}-${i}`, results: users });
      await sleep(Math.max(0, every * 1000 - (Date.now() - began)));
    }
  };
  try {
    await measure('idle, no status server');
    statusServer = await serveStatus(functionsLog);
    // Past the first reading and the dead-letter consumer's start.
    await sleep(10_000);
    await measure('idle, page closed');
    browser = await launchChromium(say);
    const page = await browser.context.newPage();
    await page.goto(statusServer.url);
    await sleep(5000);
    await measure('idle, page open');
    await page.screenshot({ path: path.join(shots, 'status-idle.png'), fullPage: true });
    await page.close();
    loading = true;
    const loader = load();
    // The server samples fast for 30 s after the page's last request; the load settles meanwhile.
    await sleep(35_000);
    await measure('load, page closed');
    const loaded = await browser.context.newPage();
    await loaded.goto(statusServer.url);
    await sleep(5000);
    await measure('load, page open');
    await loaded.screenshot({ path: path.join(shots, 'status-load.png'), fullPage: true });
    loading = false;
    await loader;
  } finally {
    loading = false;
    await browser?.close();
    statusServer?.child.kill('SIGINT');
    await offline.stop('SIGINT');
    await randomUser.close();
    service.remove();
  }
  const names = [...new Set(phases.flatMap((p) => p.use.sources.map((s) => s.name)))];
  process.stdout.write(`${report(phases, names)}\n\nload: a fetch of ${users} users every ${every} s; each phase ${seconds} s; screenshots in ${shots}\n`);
}

main().catch((err: unknown) => {
  say(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
