/**
 * What each run wrote on the shared stack (its sandbox, its raw limits' topics), recorded before it
 * writes, so a run that dies (killed, the stack gone mid-run) is cleaned up by the next one.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import type { Config } from '../../../layers/config';
import { progress } from './progress';
import { dropSandbox, sandboxFor, type Sandbox } from './sandbox';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const RUNS_DIR = path.join(ROOT, '.stack', 'bench', 'runs');

export interface RunRecord {
  runId: string;
  /** Topics besides the sandbox's (the raw limits'). */
  topics: string[];
}

export function recordRun(record: RunRecord): void {
  mkdirSync(RUNS_DIR, { recursive: true });
  writeFileSync(path.join(RUNS_DIR, `${record.runId}.json`), JSON.stringify(record));
}

export function forgetRun(runId: string): void {
  rmSync(path.join(RUNS_DIR, `${runId}.json`), { force: true });
}

/** Drops a run's sandbox and topics; false (said on the progress line) when something was left. */
export async function cleanUp(config: Config, admin: Admin, sandbox: Sandbox, topics: readonly string[]): Promise<boolean> {
  progress(`cleaning up: database ${sandbox.database}, keyspace ${sandbox.keyspace}, topics ${[...Object.values(sandbox.topics), ...topics].join(', ')}`);
  try {
    await dropSandbox(config, admin, sandbox, topics);
    return true;
  } catch (error) {
    progress(`cleanup: ${(error as Error).message}`);
    return false;
  }
}

/** Runs that ended before cleaning up: their sandboxes and topics go now. */
export async function cleanUpEarlierRuns(config: Config, admin: Admin): Promise<void> {
  if (!existsSync(RUNS_DIR)) return;
  for (const file of readdirSync(RUNS_DIR).filter((f) => f.endsWith('.json'))) {
    const record = JSON.parse(readFileSync(path.join(RUNS_DIR, file), 'utf8')) as RunRecord;
    progress(`run ${record.runId} did not clean up after itself; doing it now`);
    if (await cleanUp(config, admin, sandboxFor(record.runId), record.topics)) forgetRun(record.runId);
  }
}
