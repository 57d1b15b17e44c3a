import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createContext } from '../../scripts/stack/context';
import { services } from '../../scripts/stack/services';
import { stop } from '../../scripts/stack/supervisor';
import { secureContext } from './secure/stack';
import { startedByTestsFile } from './stack-files';

/** Stops only what the setup started (the plain and the secure stack); a stack that was already up keeps running. */
export default async function teardown(): Promise<void> {
  await stopStarted(createContext((m) => process.stderr.write(`[stack] ${m}\n`)));
  await stopStarted(secureContext());
}

async function stopStarted(ctx: ReturnType<typeof createContext>): Promise<void> {
  const file = startedByTestsFile(ctx.home);
  if (!existsSync(file)) return;
  const record = JSON.parse(readFileSync(file, 'utf8')) as { owner: number; started: string[] } | string[];
  // What another run started is that run's to stop (a record without an owner predates this rule).
  if (!Array.isArray(record) && record.owner !== process.pid) return;
  const started = Array.isArray(record) ? record : record.started;
  for (const service of [...services].reverse()) if (started.includes(service.name)) await stop(service, ctx);
  rmSync(file, { force: true });
}
