/**
 * Starts the native stack once per test run (or reuses one already running) and remembers what it
 * started, so the teardown leaves the machine as it found it. Jest skips the teardown when the
 * setup fails, so a failed start-up stops what it had started before rethrowing.
 */
import { writeFileSync } from 'node:fs';
import type { Config } from '@jest/types';
import { createContext } from '../../scripts/stack/context';
import { services } from '../../scripts/stack/services';
import { up, type UpReport } from '../../scripts/stack/stack';
import { stop } from '../../scripts/stack/supervisor';
import { runIncludesSecureTests, secureContext } from './secure/stack';
import { startedByTestsFile } from './stack-files';

export default async function setup(globalConfig: Config.GlobalConfig): Promise<void> {
  await bringUp(createContext((m) => process.stderr.write(`[stack] ${m}\n`)));
  // The secure stack (issue 15) beside the plain one, when the run has its tests.
  if (runIncludesSecureTests(globalConfig.testPathPatterns.patterns, globalConfig.rootDir)) await bringUp(secureContext());
}

async function bringUp(ctx: ReturnType<typeof createContext>): Promise<void> {
  const report: UpReport = { started: [], alreadyRunning: [], provisioned: false };
  try {
    await up(ctx, undefined, report);
  } catch (err) {
    for (const service of [...services].reverse()) if (report.started.includes(service.name)) await stop(service, ctx);
    throw err;
  }
  // The owner's pid: another jest run's teardown (tests run side by side on one machine) leaves them alone.
  writeFileSync(startedByTestsFile(ctx.home), JSON.stringify({ owner: process.pid, started: report.started }));
}
