/**
 * `npm run bench`: every benchmark of the project, one after the other on the same machine, then
 * one report with each benchmark's results and the targets. The native stack is brought up first.
 *
 *   npm run bench [-- --only pipeline|offline-kafka] [-- <options passed to the pipeline benchmark>]
 *
 * Each benchmark runs as its own process (its progress shown as it goes, on stderr); what it prints
 * on stdout is its result, collected into the one report printed at the end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext } from '../stack/context';
import { up } from '../stack/stack';
import { costTargetLines } from './lib/cost-targets';
import type { PipelineBenchSummary } from './lib/report';
import type { Measurements } from './lib/summary';

interface Bench {
  name: string;
  command: string;
  script: string;
  args: string[];
}

interface Outcome {
  bench: Bench;
  code: number | null;
  stdout: string;
  ms: number;
}

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function run(bench: Bench): Promise<Outcome> {
  const started = performance.now();
  process.stderr.write(`\n=== ${bench.name}: ${bench.command} ===\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, bench.script, ...bench.args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString('utf8')));
    const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('exit', (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ bench, code, stdout: stdout.trimEnd(), ms: performance.now() - started });
    });
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
  const pipelineArgs = onlyAt >= 0 ? argv.filter((_, i) => i !== onlyAt && i !== onlyAt + 1) : argv;
  // A --json given is where the pipeline writes its figures and stays; else a file read for the report.
  const jsonAt = pipelineArgs.indexOf('--json');
  const ownSummary = jsonAt < 0 ? undefined : pipelineArgs[jsonAt + 1];
  if (jsonAt >= 0 && !ownSummary) throw new Error('--json needs a file to write the figures to');
  const summaryFile = ownSummary ?? path.join(os.tmpdir(), `tributary-bench-${process.pid}.json`);
  // The functions' CPU by stage comes from a V8 profile of their process, kept only for the report
  // (its cost is within the run-to-run spread: docs/performance.md); a --cpu-prof given keeps it.
  const profileDir = pipelineArgs.includes('--cpu-prof') ? undefined : mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-profile-'));
  const benches: Bench[] = [
    { name: 'offline Kafka event source', command: 'npm run bench:offline-kafka', script: 'scripts/bench/offline-kafka.ts', args: [] },
    {
      name: 'pipeline',
      command: 'npm run bench:pipeline',
      script: 'scripts/bench/pipeline.ts',
      args: [...(ownSummary ? [] : ['--json', summaryFile]), ...(profileDir ? ['--cpu-prof', profileDir] : []), ...pipelineArgs],
    },
  ].filter((b) => !only || b.script.includes(only));
  if (benches.length === 0) throw new Error(`--only ${only}: no such benchmark (pipeline, offline-kafka)`);

  // Both benchmarks run against the native stack: what is down comes up first (a no-op when all is up).
  process.stderr.write('=== the native stack: npm run stack:up ===\n');
  await up(createContext((message) => void process.stderr.write(`[stack] ${message}\n`)));

  const outcomes: Outcome[] = [];
  for (const bench of benches) outcomes.push(await run(bench));

  const lines: string[] = [];
  lines.push('');
  lines.push('================================================================================');
  lines.push(`Tributary benchmarks — ${new Date().toISOString()}`);
  lines.push(
    `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, load average now ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  lines.push('Every figure is from this one run on this machine; ratios compare measurements taken side by side.');
  for (const o of outcomes) {
    lines.push('');
    lines.push(`── ${o.bench.name} (${o.bench.command}; ${(o.ms / 1000).toFixed(0)} s)${o.code === 0 ? '' : ` — FAILED, exit code ${o.code}`}`);
    lines.push(o.stdout || '(no result printed)');
  }
  let summary: (PipelineBenchSummary & Measurements) | undefined;
  try {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as PipelineBenchSummary & Measurements;
  } catch {
    summary = undefined;
  }
  if (!ownSummary) rmSync(summaryFile, { force: true });
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (summary) {
    const mark = (ok: boolean | undefined): string => (ok === undefined ? 'not measured' : ok ? 'met' : 'NOT met');
    lines.push('');
    lines.push('── pipeline targets (issue 4)');
    lines.push(
      `  end to end ÷ slowest raw limit (${summary.slowestRawLimit?.name ?? 'n/a'}): ${summary.ratioVsRaw?.toFixed(2) ?? 'n/a'} (target ≥ 0.5) ${mark(summary.targets.vsRaw)}`,
    );
    lines.push(`  end to end ÷ seeds' approach: ${summary.ratioVsSeeds?.toFixed(1) ?? 'n/a'}× (target ≥ 100×) ${mark(summary.targets.vsSeeds)}`);
    lines.push(
      `  p99 publish→Cassandra at ~1k users/s: ${summary.pacedP99Ms === undefined ? 'n/a' : `${Math.round(summary.pacedP99Ms)} ms`} (target ≤ 1000 ms) ${mark(summary.targets.p99)}`,
    );
    lines.push('');
    lines.push("── the pipeline's cost per user (issue 14)");
    lines.push(...costTargetLines(summary));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (outcomes.some((o) => o.code !== 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
