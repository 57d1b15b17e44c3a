/**
 * The allocation sampler the pipeline bench preloads into the functions' process
 * (scripts/bench/alloc-sampler.ts), in a real Node process: started and stopped by SIGUSR2, it
 * counts what was allocated in between, freed objects included; with TRIBUTARY_ALLOC_SURVIVORS=1
 * (`--alloc-survivors`) only what outlived a young-generation collection.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const SAMPLER = path.resolve(__dirname, '../../scripts/bench/alloc-sampler.ts');

// Short-lived objects (dead by the next scavenge) and kept ones, between the two signals.
const PROGRAM = `
const kept = [];
function shortLived() { let last; for (let i = 0; i < 400000; i++) last = { i, list: [i, i] }; return last; }
function keptForGood() { for (let i = 0; i < 100000; i++) kept.push({ i, list: [i, i] }); }
process.kill(process.pid, 'SIGUSR2');
setTimeout(() => {
  for (let round = 0; round < 10; round++) shortLived();
  keptForGood();
  globalThis.gc({ type: 'minor' });
  process.kill(process.pid, 'SIGUSR2');
  setTimeout(() => process.exit(0), 1000);
}, 100);
`;

interface Node {
  callFrame: { functionName: string };
  selfSize: number;
  children: Node[];
}

function bytesBy(node: Node, into = new Map<string, number>()): Map<string, number> {
  into.set(node.callFrame.functionName, (into.get(node.callFrame.functionName) ?? 0) + node.selfSize);
  for (const child of node.children) bytesBy(child, into);
  return into;
}

async function profile(survivorsOnly: boolean): Promise<Map<string, number>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'alloc-sampler-'));
  try {
    await promisify(execFile)(process.execPath, ['--expose-gc', '--require', SAMPLER, '-e', PROGRAM], {
      env: { ...process.env, TRIBUTARY_ALLOC_PROF: dir, ...(survivorsOnly ? { TRIBUTARY_ALLOC_SURVIVORS: '1' } : {}) },
      timeout: 30_000,
    });
    const files = readdirSync(dir).filter((f) => f.endsWith('.heapprofile'));
    expect(files).toHaveLength(1);
    return bytesBy((JSON.parse(readFileSync(path.join(dir, files[0] as string), 'utf8')) as { head: Node }).head);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the bench allocation sampler', () => {
  it('counts what was allocated, freed objects included', async () => {
    const bytes = await profile(false);
    // Ten times as many short-lived objects as kept ones, all counted.
    expect(bytes.get('shortLived') ?? 0).toBeGreaterThan(5 * (bytes.get('keptForGood') ?? 0));
    expect(bytes.get('keptForGood') ?? 0).toBeGreaterThan(1024 * 1024);
  });

  it('with TRIBUTARY_ALLOC_SURVIVORS=1, counts only what outlived a young-generation collection', async () => {
    const bytes = await profile(true);
    expect(bytes.get('keptForGood') ?? 0).toBeGreaterThan(1024 * 1024);
    expect(bytes.get('shortLived') ?? 0).toBeLessThan((bytes.get('keptForGood') ?? 0) / 5);
  });
});
