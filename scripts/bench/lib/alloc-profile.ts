/**
 * What the functions' process allocates per user, stage by stage: the sampling heap profile
 * `--alloc-prof` takes of the sls process over the throughput phase (scripts/bench/alloc-sampler.ts),
 * freed objects included, each sample given to a part of the pipeline by its call stack exactly as
 * the CPU profile's samples are (cpu-profile.ts). Allocation is what the collector's share of the
 * CPU follows, and unlike CPU it does not move with the machine's load.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type ProfileNode, partsByNode } from './cpu-profile';
import { table } from './stats';

interface HeapProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapProfileNode[];
}

export interface AllocationShare {
  part: string;
  /** Bytes allocated per user in the phase (sampled, scaled by V8 to the bytes they stand for). */
  bytesPerUser: number;
  share: number;
}

export interface AllocationProfile {
  file: string;
  bytesPerUser: number;
  parts: AllocationShare[];
  /** The functions that allocated most themselves (not their callees): `name url:line`. */
  top: { frame: string; bytesPerUser: number; share: number }[];
}

export function allocationFile(dir: string, pid: number): string {
  return path.join(dir, `alloc-${pid}.heapprofile`);
}

/** Waits for the sampler to write its profile after the second signal. */
export async function waitForAllocationFile(file: string, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}

function shortFrame(frame: HeapProfileNode['callFrame']): string {
  const where = frame.url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, '')
    .replace(/.*\.esbuild\/\.build\//, '');
  return `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
}

export function allocationProfile(file: string, users: number, topCount = 12): AllocationProfile {
  const head = (JSON.parse(readFileSync(file, 'utf8')) as { head: HeapProfileNode }).head;
  // Flattened into the CPU profile's node shape, so one classification serves both.
  const nodes: (ProfileNode & { selfSize: number; frame: string })[] = [];
  const stack: HeapProfileNode[] = [head];
  while (stack.length > 0) {
    const node = stack.pop() as HeapProfileNode;
    nodes.push({
      id: node.id,
      callFrame: node.callFrame,
      children: node.children.map((c) => c.id),
      selfSize: node.selfSize,
      frame: shortFrame(node.callFrame),
    });
    stack.push(...node.children);
  }
  const parts = partsByNode(nodes);
  const byPart = new Map<string, number>();
  const byFrame = new Map<string, number>();
  let total = 0;
  for (const node of nodes) {
    if (node.selfSize === 0) continue;
    total += node.selfSize;
    const part = parts.get(node.id) ?? 'other';
    byPart.set(part, (byPart.get(part) ?? 0) + node.selfSize);
    byFrame.set(node.frame, (byFrame.get(node.frame) ?? 0) + node.selfSize);
  }
  const perUser = (bytes: number): number => (users > 0 ? bytes / users : 0);
  const share = (bytes: number): number => (total > 0 ? bytes / total : 0);
  return {
    file,
    bytesPerUser: perUser(total),
    parts: [...byPart].sort((a, b) => b[1] - a[1]).map(([part, bytes]) => ({ part, bytesPerUser: perUser(bytes), share: share(bytes) })),
    top: [...byFrame]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topCount)
      .map(([frame, bytes]) => ({ frame, bytesPerUser: perUser(bytes), share: share(bytes) })),
  };
}

/** The JSON summary's `allocations` (docs/performance.md): KiB per user, overall, by part and by function. */
export function allocationSummary(profile: AllocationProfile): {
  kibPerUser: number;
  byStage: { part: string; kibPerUser: number; share: number }[];
  top: { frame: string; kibPerUser: number; share: number }[];
} {
  const kib = (bytes: number): number => bytes / 1024;
  return {
    kibPerUser: kib(profile.bytesPerUser),
    byStage: profile.parts.map((p) => ({ part: p.part, kibPerUser: kib(p.bytesPerUser), share: p.share })),
    top: profile.top.map((t) => ({ frame: t.frame, kibPerUser: kib(t.bytesPerUser), share: t.share })),
  };
}

export function allocationLines(profile: AllocationProfile, slsName: string, survivorsOnly = false): string[] {
  const summary = allocationSummary(profile);
  const row = (name: string, kibPerUser: number, share: number): string[] => [name, `${(share * 100).toFixed(1)} %`, kibPerUser.toFixed(1)];
  return [
    survivorsOnly
      ? `${slsName}, ${summary.kibPerUser.toFixed(1)} KiB per user outlived a young-generation collection, by part (sampling heap profile of the throughput phase, --alloc-survivors):`
      : `${slsName}, ${summary.kibPerUser.toFixed(1)} KiB allocated per user, by part (sampling heap profile of the throughput phase, freed objects included):`,
    table([['part', 'share', 'KiB per user'], ...summary.byStage.map((p) => row(p.part, p.kibPerUser, p.share))]),
    'the functions that allocated most themselves:',
    table([['function', 'share', 'KiB per user'], ...summary.top.map((t) => row(t.frame, t.kibPerUser, t.share))]),
  ];
}
