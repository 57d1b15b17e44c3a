/**
 * Starts the native stack once per test run (or reuses one already running) and remembers what it
 * started, so the teardown leaves the machine as it found it.
 */
import { writeFileSync } from 'node:fs';
import { createContext } from '../../scripts/stack/context';
import { up } from '../../scripts/stack/stack';
import { startedByTestsFile } from './stack-files';

export default async function setup(): Promise<void> {
  const ctx = createContext((m) => process.stderr.write(`[stack] ${m}\n`));
  const report = await up(ctx);
  writeFileSync(startedByTestsFile(ctx.home), JSON.stringify(report.started));
}
