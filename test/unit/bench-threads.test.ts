import { type ChildProcess, spawn } from 'node:child_process';
import type { StageProfile } from '../../scripts/bench/lib/cpu-profile';
import { GC_PART } from '../../scripts/bench/lib/cpu-profile';
import { stageSplit } from '../../scripts/bench/lib/summary';
import { THREAD_GROUPS, threadGroupSeconds, threadTimes } from '../../scripts/bench/lib/threads';

// A Node process like the functions' one: a worker thread busy in JavaScript, the main thread
// allocating enough that V8's helper threads scavenge and mark alongside it.
const SCRIPT = `
const { Worker } = require('node:worker_threads');
require('node:fs').readFile(__filename, () => {}); // starts libuv's pool, as the sls process does early
setTimeout(() => {
  // The worker stays alive after its answer: a thread that ended is gone from /proc before it is read.
  const worker = new Worker('let x = 0; for (let i = 0; i < 3e8; i++) x += Math.sqrt(i); require("node:worker_threads").parentPort.postMessage(x); setInterval(() => {}, 60000);', { eval: true });
  const keep = [];
  for (let i = 0; i < 3e6; i++) { keep.push({ a: String(i).repeat(8), b: [i, i + 1] }); if (keep.length > 200000) keep.length = 0; }
  worker.once('message', () => process.stdout.write('done\\n'));
  setInterval(() => {}, 60000);
}, 200);
`;

describe("the benchmark's split of a process by thread", () => {
  let child: ChildProcess | undefined;
  afterEach(async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  });

  it("tells the main thread, V8's helpers and a worker thread apart from /proc", async () => {
    child = spawn(process.execPath, ['-e', SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = child.pid as number;
    const stdout = child.stdout;
    await new Promise((resolve) => setTimeout(resolve, 150));
    const before = threadTimes(pid);
    await new Promise((resolve) => stdout?.once('data', resolve));
    const groups = threadGroupSeconds(pid, before, threadTimes(pid));
    expect(groups.get('main')).toBeGreaterThan(0.2);
    expect(groups.get('workers')).toBeGreaterThan(0.2);
    expect(groups.get('v8')).toBeGreaterThan(0);
    expect(groups.get('other') ?? 0).toBeLessThan(0.05);
  });

  it('gives each JavaScript thread its profile shares of its own CPU, the rest as parts of their own', () => {
    const stages: StageProfile = {
      files: [],
      main: {
        busySamples: 100,
        parts: [
          { part: 'sink', samples: 60, share: 0.6 },
          { part: GC_PART, samples: 40, share: 0.4 },
        ],
      },
      workers: { busySamples: 10, parts: [{ part: 'event source', samples: 10, share: 1 }] },
    };
    const seconds = new Map([
      ['main', 10],
      ['v8', 4],
      ['workers', 1],
      ['libuv', 0],
    ] as const);
    const perUser = (s: number): number => s / 100; // 100 users, seconds → ms per user × 1000 / 1000
    const split = stageSplit(stages, seconds, perUser, 0.16) ?? [];
    const ms = Object.fromEntries(split.map((p) => [p.part, Number(p.ms.toFixed(4))]));
    expect(ms).toEqual({ sink: 0.06, [GC_PART]: 0.04, [THREAD_GROUPS.v8]: 0.04, 'event source': 0.01, [THREAD_GROUPS.other]: 0.01 });
    expect(split.reduce((sum, p) => sum + p.share, 0)).toBeCloseTo(1, 9);
  });
});
