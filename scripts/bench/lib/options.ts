/** The pipeline benchmark's command-line options and their defaults (usage in pipeline.ts). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { PAGE_SIZE } from './data';

const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface Options {
  users: number;
  /**
   * Users put through every stage before the clock starts (0: none), as Cassandra gets untimed
   * writes before its raw limit: each function's first invocation loads its module and V8 compiles
   * the hot paths then, a cost paid once per process that a timed phase would spread over its users.
   */
  warmupUsers: number;
  fetchConcurrency: number;
  pacedSeconds: number;
  pacedRate: number;
  /** How often the paced phase calls fetch: rate × interval users each time. */
  pacedIntervalMs: number;
  /**
   * Round trip the local randomuser server adds to every request, for the pipeline and the seeds
   * alike: a stand-in for the live API across the internet (not reachable from here to measure).
   */
  apiLatencyMs: number;
  seedsSample: number;
  cassandraConcurrency: number[];
  cassandraSample: number;
  inProcess: boolean;
  skipRaw: boolean;
  skipSeeds: boolean;
  /** Leave what the run wrote in place (for looking into a run); off by default. */
  keep: boolean;
  /** Another serverless.yml to run the functions with (a variant to compare); the project's by default. */
  serverlessYml: string | undefined;
  /** Directory for a V8 CPU profile of the sls process (--cpu-prof); none by default. */
  cpuProf: string | undefined;
  /** Directory for a sampling heap profile of the sls process over the throughput phase (--alloc-prof); none by default. */
  allocProf: string | undefined;
  /** With --alloc-prof: only what outlived a young-generation collection (--alloc-survivors), what the collector copies. */
  allocSurvivors: boolean;
  /** Node flags for the sls process after the project's own (FUNCTIONS_NODE_FLAGS), so a V8 flag given here wins: a flag's trade-off measured side by side. */
  nodeFlags: string[];
  json: string | undefined;
}

/** Whether the serverless.yml the functions run with sets custom.serverless-offline.useInProcess. */
export function configuredInProcess(file: string): boolean {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { custom?: { 'serverless-offline'?: { useInProcess?: unknown } } };
  return doc.custom?.['serverless-offline']?.useInProcess === true;
}

export function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '100000' },
      'warmup-users': { type: 'string', default: '10000' },
      'fetch-concurrency': { type: 'string', default: '2' },
      'paced-seconds': { type: 'string', default: '30' },
      'paced-rate': { type: 'string', default: '1000' },
      'paced-interval-ms': { type: 'string', default: '200' },
      'api-latency-ms': { type: 'string', default: '100' },
      'seeds-sample': { type: 'string', default: '300' },
      'cassandra-concurrency': { type: 'string', default: '64,256' },
      'cassandra-sample': { type: 'string', default: '20000' },
      'in-process': { type: 'boolean', default: false },
      'skip-raw': { type: 'boolean', default: false },
      'skip-seeds': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'serverless-yml': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'alloc-prof': { type: 'string' },
      'alloc-survivors': { type: 'boolean', default: false },
      'node-flags': { type: 'string', default: '' },
      json: { type: 'string' },
    },
  });
  const int = (name: string, raw: string, min: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
    return n;
  };
  if (values['alloc-survivors'] && !values['alloc-prof']) throw new Error('--alloc-survivors needs --alloc-prof <dir>');
  return {
    users: int('users', values.users, PAGE_SIZE),
    warmupUsers: int('warmup-users', values['warmup-users'], 0),
    fetchConcurrency: int('fetch-concurrency', values['fetch-concurrency'], 1),
    pacedSeconds: int('paced-seconds', values['paced-seconds'], 0),
    pacedRate: int('paced-rate', values['paced-rate'], 1),
    pacedIntervalMs: int('paced-interval-ms', values['paced-interval-ms'], 10),
    apiLatencyMs: int('api-latency-ms', values['api-latency-ms'], 0),
    seedsSample: int('seeds-sample', values['seeds-sample'], 0),
    cassandraConcurrency: values['cassandra-concurrency'].split(',').map((v) => int('cassandra-concurrency', v.trim(), 1)),
    cassandraSample: int('cassandra-sample', values['cassandra-sample'], 1000),
    inProcess: values['in-process'] || configuredInProcess(values['serverless-yml'] ?? path.join(ROOT, 'serverless.yml')),
    skipRaw: values['skip-raw'],
    skipSeeds: values['skip-seeds'],
    keep: values.keep,
    serverlessYml: values['serverless-yml'],
    cpuProf: values['cpu-prof'],
    allocProf: values['alloc-prof'],
    allocSurvivors: values['alloc-survivors'],
    nodeFlags: values['node-flags'].split(/\s+/).filter(Boolean),
    json: values.json,
  };
}

/** A steady offered load: the rate spread over calls every pacedIntervalMs, not one burst a second. */
export function pacedCalls(options: Options): { perCall: number; calls: number } {
  return {
    perCall: Math.max(1, Math.round((options.pacedRate * options.pacedIntervalMs) / 1000)),
    calls: Math.round((options.pacedSeconds * 1000) / options.pacedIntervalMs),
  };
}
