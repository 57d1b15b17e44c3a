/**
 * Where a secret must never be: the process table (every process's command line, as `ps` shows
 * it), the environment of the processes that run the functions and the stack, and a log file.
 * Each finding names where and which secret file, never the value.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../../layers/config';
import { SECRET_NAMES } from '../../../scripts/stack/secure/material';
import { secureCredentials } from './stack';

export interface KnownSecret {
  name: string;
  value: string;
}

/** Every password the secure stack generated. */
export async function knownSecrets(config: Config): Promise<KnownSecret[]> {
  return Promise.all(SECRET_NAMES.map(async (name) => ({ name, value: (await secureCredentials(config, name)).password })));
}

function findings(where: string, text: string, secrets: readonly KnownSecret[]): string[] {
  return secrets.filter((s) => text.includes(s.value)).map((s) => `${where} holds the ${s.name} password`);
}

function readProc(pid: string, file: 'cmdline' | 'environ'): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function parentOf(pid: string): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '';
  } catch {
    return '';
  }
}

/** Every process's command line, and the environment of the given processes and their children. */
export function scanProcesses(secrets: readonly KnownSecret[], environmentOf: readonly number[]): string[] {
  const watched = new Set(environmentOf.map(String));
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    found.push(...findings(`process ${pid}'s command line`, readProc(pid, 'cmdline'), secrets));
    if (watched.has(pid) || watched.has(parentOf(pid))) found.push(...findings(`process ${pid}'s environment`, readProc(pid, 'environ'), secrets));
  }
  return found;
}

export function scanFile(file: string, secrets: readonly KnownSecret[]): string[] {
  return existsSync(file) ? findings(path.basename(file), readFileSync(file, 'utf8'), secrets) : [`${file} does not exist`];
}

/** The pids of the secure stack's services, from its run records. */
export function stackPids(config: Config): number[] {
  const run = path.join(config.stack.home, 'run');
  return readdirSync(run)
    .filter((f) => f.endsWith('.json') && f !== 'started-by-tests.json')
    .map((f) => (JSON.parse(readFileSync(path.join(run, f), 'utf8')) as { pid?: number }).pid)
    .filter((pid): pid is number => typeof pid === 'number');
}
