/**
 * Maven and apt for the native stack: found on the machine, or installed through apt when the
 * machine allows it (root + apt-get), so a fresh machine needs nothing installed by hand.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { StackError } from './service';

const run = promisify(execFile);

export function canApt(): boolean {
  return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

/** Runs apt-get with its output streamed to the progress callback; fails with the package named. */
export async function aptInstall(packages: string[], progress: (m: string) => void): Promise<void> {
  progress(`installing ${packages.join(' ')} with apt-get (one time)`);
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('apt-get', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      let tail = '';
      child.stdout.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-2000)));
      child.stderr.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-2000)));
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new StackError('toolchain', `apt-get ${args.join(' ')} failed (exit ${code}): ${tail.trim()}`)),
      );
    });
  }
}

export async function findMaven(progress: (m: string) => void): Promise<string> {
  try {
    await run('mvn', ['-v'], { timeout: 30_000 });
    return 'mvn';
  } catch {
    if (canApt()) {
      await aptInstall(['maven'], progress);
      return 'mvn';
    }
    throw new StackError('maven', 'Maven (mvn) is required to fetch the stack from Maven Central and was not found');
  }
}
