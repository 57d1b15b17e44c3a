/**
 * Where the functions' process spends its CPU, stage by stage: the V8 CPU profiles `--cpu-prof`
 * writes for the sls process (one per thread, at exit), their samples restricted to a phase and
 * each given to a part of the pipeline by its call stack.
 *
 * A sample goes to a stage when any frame of its stack is in that function's bundle (esbuild puts
 * the handler, the layers and their libraries — pg, kafkajs, cassandra-driver, Powertools — into
 * .esbuild/.build/functions/<stage>.js), so a stage's share holds everything its handler runs.
 * Loading a handler's module (serverless-offline's UserFunction: require, compile, source map) is
 * a part of its own. Otherwise the innermost frame of a known package names it (the Kafka event source and its
 * kafkajs consumer; serverless-offline; the sls CLI); V8's own "(garbage collector)" and
 * "(program)" samples stay apart; "(idle)" is no CPU and left out. The profiler samples the
 * JavaScript threads only, one profile each: a part's CPU ms per user is its fraction of its
 * thread's busy samples times that thread's CPU from /proc (lib/threads.ts), and V8's helper
 * threads are a part of their own (summary.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock (CLOCK_MONOTONIC, as process.hrtime in any process here). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface StageShare {
  part: string;
  samples: number;
  /** Fraction of the phase's busy samples. */
  share: number;
}

export interface ThreadProfile {
  busySamples: number;
  parts: StageShare[];
}

export interface StageProfile {
  /** The profiles read (one per JavaScript thread of the process). */
  files: string[];
  /** The main thread's samples, and those of the process' worker threads together. */
  main: ThreadProfile;
  workers: ThreadProfile;
}

const STAGE_BUNDLE = /\.esbuild\/\.build\/functions\/(\w+)\.js/;
const KNOWN: readonly [RegExp, string][] = [
  [/plugins\/offline-kafka\/|node_modules\/kafkajs\//, 'event source (offline-kafka and its kafkajs consumer)'],
  [/plugins\/offline-runtime\//, 'offline-runtime plugin'],
  [/node_modules\/(serverless-offline|@hapi)\//, 'serverless-offline (invocation, Lambda API)'],
  [/node_modules\/(osls|serverless|serverless-esbuild)\//, 'sls CLI, serverless-esbuild'],
];
export const GC_PART = 'V8 garbage collector, main thread (outside any stack)';
const V8_PARTS = new Map([
  ['(garbage collector)', GC_PART],
  ['(program)', 'V8 and native, outside JavaScript ("(program)")'],
]);
const IDLE = '(idle)';
/** serverless-offline's UserFunction loading a handler's module (require: compile, source map), before the stage runs. */
const LOADING = 'loading handler modules (serverless-offline, first invocation of each instance)';
const OTHER = 'other (Node internals, unattributed)';

/** The part each profile node's samples go to, from its own frame and its callers' (CPU and heap profiles alike). */
export function partsByNode(nodes: readonly ProfileNode[]): Map<number, string> {
  const parent = new Map<number, number>();
  for (const node of nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parts = new Map<number, string>();
  const partOf = (id: number): string => {
    const known = parts.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id) as ProfileNode;
    const { functionName } = node.callFrame;
    // Loading a module wins over all; then the outermost stage frame; else the innermost known package.
    let stage: string | undefined;
    let inner: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = (byId.get(at) as ProfileNode).callFrame;
      if (frame.functionName === '_loadUserApp') {
        stage = LOADING;
        break;
      }
      const match = STAGE_BUNDLE.exec(frame.url);
      if (match) stage ??= `${match[1]} (its handler, layers and bundled libraries)`;
      inner ??= KNOWN.find(([pattern]) => pattern.test(frame.url))?.[1];
    }
    const part = functionName === IDLE ? IDLE : (V8_PARTS.get(functionName) ?? stage ?? inner ?? OTHER);
    parts.set(id, part);
    return part;
  };
  for (const node of nodes) partOf(node.id);
  return parts;
}

/** Node names a profile CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile; thread 0 is the main thread. */
const profileThread = (file: string): string | undefined => file.split('.')[4];

/**
 * The busy samples of every profile of process `pid` in `dir` taken between `fromUs` and `toUs`
 * (monotonic µs), by part, largest first: the main thread's and the worker threads'.
 */
export function stageProfile(dir: string, pid: number, fromUs: number, toUs: number): StageProfile {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.split('.')[3] === String(pid));
  const main = new Map<string, number>();
  const workers = new Map<string, number>();
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const counts = profileThread(file) === '0' ? main : workers;
    const parts = partsByNode(profile.nodes);
    let at = profile.startTime;
    for (const [i, nodeId] of profile.samples.entries()) {
      at += profile.timeDeltas[i] ?? 0;
      if (at < fromUs || at > toUs) continue;
      const part = parts.get(nodeId) ?? OTHER;
      if (part !== IDLE) counts.set(part, (counts.get(part) ?? 0) + 1);
    }
  }
  return { files, main: threadProfile(main), workers: threadProfile(workers) };
}

function threadProfile(counts: Map<string, number>): ThreadProfile {
  const busySamples = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const parts = [...counts.entries()]
    .map(([part, samples]) => ({ part, samples, share: busySamples > 0 ? samples / busySamples : 0 }))
    .sort((a, b) => b.samples - a.samples);
  return { busySamples, parts };
}

/** Monotonic microseconds, the clock the profiles' timestamps use. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
