import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createContext } from '../../scripts/stack/context';
import { services } from '../../scripts/stack/services';
import { stop } from '../../scripts/stack/supervisor';
import { startedByTestsFile } from './stack-files';

/** Stops only what the setup started; a stack that was already up keeps running. */
export default async function teardown(): Promise<void> {
  const ctx = createContext((m) => process.stderr.write(`[stack] ${m}\n`));
  const file = startedByTestsFile(ctx.home);
  if (!existsSync(file)) return;
  const started = JSON.parse(readFileSync(file, 'utf8')) as string[];
  for (const service of [...services].reverse()) if (started.includes(service.name)) await stop(service, ctx);
  rmSync(file, { force: true });
}
