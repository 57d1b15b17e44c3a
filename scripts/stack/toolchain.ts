/**
 * Java and Maven for the native stack: found on the machine, or installed through apt when the
 * machine allows it (root + apt-get), so a fresh machine needs nothing installed by hand.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { StackError, type JavaRuntime } from './service';

const run = promisify(execFile);
const MIN_JAVA = 17;

async function javaMajor(bin: string): Promise<number | undefined> {
  try {
    const { stderr, stdout } = await run(bin, ['-version'], { timeout: 20_000 });
    const match = /version "(\d+)(?:\.(\d+))?/.exec(stderr + stdout);
    if (!match) return undefined;
    const major = Number(match[1]);
    return major === 1 ? Number(match[2]) : major;
  } catch {
    return undefined;
  }
}

/** The real path of an executable (through PATH and symlinks), so JAVA_HOME-style paths derive from it. */
function onPath(command: string): string | undefined {
  const dirs = command.includes('/') ? [''] : (process.env.PATH ?? '').split(':');
  for (const dir of dirs) {
    const full = dir ? path.join(dir, command) : command;
    try {
      accessSync(full, constants.X_OK);
      return realpathSync(full);
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function canApt(): boolean {
  return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

/** Runs apt-get with its output streamed to the progress callback; fails with the package named. */
export async function aptInstall(packages: string[], progress: (m: string) => void): Promise<void> {
  progress(`installing ${packages.join(' ')} with apt-get (one time)`);
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...packages]]) {
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

export async function findJava(javaHome: string | undefined, progress: (m: string) => void): Promise<JavaRuntime> {
  const candidates = [
    ...(javaHome ? [path.join(javaHome, 'bin', 'java')] : []),
    'java',
    '/usr/lib/jvm/java-17-openjdk-amd64/bin/java',
    '/usr/lib/jvm/java-17-openjdk-arm64/bin/java',
  ];
  for (const candidate of candidates) {
    const bin = onPath(candidate);
    if (!bin) continue;
    const major = await javaMajor(bin);
    if (major !== undefined && major >= MIN_JAVA) return { bin, home: path.dirname(path.dirname(bin)), major };
  }
  if (canApt()) {
    await aptInstall(['openjdk-17-jdk-headless'], progress);
    const bin = '/usr/lib/jvm/java-17-openjdk-amd64/bin/java';
    const major = await javaMajor(bin);
    if (major !== undefined) return { bin, home: path.dirname(path.dirname(bin)), major };
  }
  throw new StackError('java', `Java ${MIN_JAVA}+ is required and none was found (JAVA_HOME, PATH) — install OpenJDK 17 or set JAVA_HOME`);
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
