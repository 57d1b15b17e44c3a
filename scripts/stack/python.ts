/**
 * Project-local Python virtual environments for the optional services (Airflow, Spark), installed
 * from PyPI with exact pins (a committed requirements/constraints file) and pip's download cache,
 * so a second install is fast and every install is the same.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { StackError, type StackContext } from './service';
import { aptInstall } from './toolchain';

const run = promisify(execFile);

export interface PythonEnv {
  /** The venv's folder. */
  home: string;
  python: string;
  /** An executable installed in the venv (e.g. "airflow"). */
  bin(name: string): string;
}

async function findPython(ctx: StackContext): Promise<string> {
  for (const candidate of ['python3.11', 'python3.12', 'python3']) {
    try {
      const { stdout } = await run(candidate, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'], { timeout: 20_000 });
      const [major, minor] = stdout.trim().split('.').map(Number);
      if (major === 3 && (minor ?? 0) >= 10) return candidate;
    } catch {
      /* try the next */
    }
  }
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    await aptInstall(['python3', 'python3-venv', 'python3-pip'], ctx.progress);
    return 'python3';
  }
  throw new StackError('python', 'Python 3.10+ with the venv module is required and was not found');
}

function pip(env: string, args: string[], what: string, progress: (m: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(env, 'bin', 'python'), ['-m', 'pip', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    let collected = 0;
    const onData = (d: Buffer): void => {
      const text = d.toString();
      tail = (tail + text).slice(-3000);
      for (const line of text.split('\n')) {
        if (line.startsWith('Collecting ')) {
          collected += 1;
          if (collected % 25 === 1) progress(`${what}: resolving packages from PyPI (${collected} so far)…`);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new StackError(what, `cannot run pip: ${err.message}`)));
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      const reason = /No space left on device/i.test(tail) ? 'out of disk' : 'pip install failed';
      reject(new StackError(what, `${reason} (exit ${code}):\n${tail.trim().split('\n').slice(-12).join('\n')}`));
    });
  });
}

/**
 * A venv under .stack/opt/<name>/venv with the requirements installed, pinned by the constraints
 * file. Re-installs only when either file changed (a stamp holds their hash).
 */
export async function ensurePythonEnv(ctx: StackContext, name: string, requirementsFile: string, constraintsFile?: string): Promise<PythonEnv> {
  const home = path.join(ctx.optDir(name), 'venv');
  const files = [requirementsFile, ...(constraintsFile ? [constraintsFile] : [])].map((f) => path.resolve(ctx.root, f));
  const hash = createHash('sha256');
  for (const f of files) hash.update(readFileSync(f));
  const stamp = path.join(home, '.tributary-installed');
  const wanted = hash.digest('hex');
  const env: PythonEnv = { home, python: path.join(home, 'bin', 'python'), bin: (n) => path.join(home, 'bin', n) };
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return env;

  if (!existsSync(env.python)) {
    const python = await findPython(ctx);
    ctx.progress(`${name}: creating a Python virtual environment in ${path.relative(ctx.root, home)}`);
    try {
      await run(python, ['-m', 'venv', home], { timeout: 120_000 });
    } catch (err) {
      throw new StackError(name, `python -m venv failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
    }
  }
  ctx.progress(`${name}: installing Python packages from PyPI (cached by pip after the first time)`);
  const args = ['install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', files[0]!];
  if (files[1]) args.push('-c', files[1]);
  await pip(home, args, name, ctx.progress);
  writeFileSync(stamp, wanted);
  return env;
}
