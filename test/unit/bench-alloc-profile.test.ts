/**
 * The pipeline bench's allocation breakdown (scripts/bench/lib/alloc-profile.ts): a sampling heap
 * profile's bytes given to the stage whose bundle is on the stack, as the CPU profile's samples are.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allocationProfile, allocationSummary } from '../../scripts/bench/lib/alloc-profile';

let nextId = 1;
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Node[] };
const node = (functionName: string, url: string, selfSize: number, children: Node[] = []): Node => ({
  id: nextId++,
  callFrame: { functionName, url, lineNumber: 9 },
  selfSize,
  children,
});

describe('the bench allocation profile', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'alloc-profile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each allocation to its stage, per user and as a share, and names the functions that allocated most', () => {
    const sinkBundle = 'file:///x/.esbuild/.build/functions/sink.js';
    const head = node('(root)', '', 0, [
      node('handler', sinkBundle, 1000, [node('slice', 'node:buffer', 4000)]),
      node('eachBatch', 'file:///x/plugins/offline-kafka/event-poller.ts', 2000, [
        node('decode', 'file:///x/node_modules/kafkajs/src/protocol/decoder.js', 1500),
      ]),
      node('(anonymous)', '', 1500),
    ]);
    const file = path.join(dir, 'alloc-1.heapprofile');
    writeFileSync(file, JSON.stringify({ head, samples: [] }));
    const profile = allocationProfile(file, 10, 2);
    expect(profile.bytesPerUser).toBe(1000);
    expect(profile.parts.map((p) => [p.part.split(' ')[0], p.bytesPerUser, p.share])).toEqual([
      ['sink', 500, 0.5],
      ['event', 350, 0.35],
      ['other', 150, 0.15],
    ]);
    expect(profile.top.map((t) => [t.frame, t.bytesPerUser])).toEqual([
      ['slice node:buffer:10', 400],
      ['eachBatch /x/plugins/offline-kafka/event-poller.ts:10', 200],
    ]);
    expect(allocationSummary(profile).kibPerUser).toBeCloseTo(1000 / 1024);
  });
});
