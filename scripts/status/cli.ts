/**
 * npm run status [-- --json]: the status page's figures in a terminal. Asks the status server of a
 * running `npm start` (its counts since it started, rates, history); with none, reads the sources
 * once itself (totals as read; counts since start are then 0 and rates unknown).
 *
 * npm run status -- --serve [--port N] [--functions-log FILE] [--mappings-file FILE]: the status page on its own, for
 * functions started some other way (the benchmark's); stops on SIGINT or SIGTERM.
 */
import { loadConfig } from '../../layers/config';
import { createContext } from '../stack/context';
import { formatSnapshot } from './format';
import { StatusSampler } from './sampler';
import { defaultMappingsFile, startStatusServer } from './server';
import type { StatusSnapshot } from './snapshot';

async function fromServer(url: string): Promise<StatusSnapshot | undefined> {
  try {
    const response = await fetch(`${url}/api/status`, { signal: AbortSignal.timeout(5000) });
    return response.ok ? ((await response.json()) as StatusSnapshot) : undefined;
  } catch {
    return undefined;
  }
}

async function readOnce(): Promise<StatusSnapshot> {
  const ctx = createContext(() => undefined);
  const sampler = new StatusSampler({
    config: ctx.config,
    ctx,
    functionsLog: ctx.logFile('functions'),
    mappingsFile: defaultMappingsFile(ctx),
    kafkaLog: ctx.logFile('status'),
  });
  try {
    await sampler.sample(true);
    // The dead-letter consumer has joined by now; a second reading has what it read.
    await sampler.sample();
    return sampler.snapshot();
  } finally {
    await sampler.stop();
  }
}

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

async function serve(argv: string[]): Promise<void> {
  const ctx = createContext(() => undefined);
  const port = Number(option(argv, '--port') ?? ctx.config.statusPage.port);
  const server = await startStatusServer({
    config: ctx.config,
    ctx,
    functionsLog: option(argv, '--functions-log') ?? ctx.logFile('functions'),
    mappingsFile: option(argv, '--mappings-file'),
    port,
  });
  process.stdout.write(`${server.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--serve')) return serve(argv);
  const url = `http://127.0.0.1:${loadConfig().statusPage.port}`;
  let snapshot = await fromServer(url);
  if (!snapshot) {
    process.stderr.write(`[status] no status server answers at ${url} (npm start runs one): reading the sources once\n`);
    snapshot = await readOnce();
  } else {
    process.stderr.write(`[status] from ${url}\n`);
  }
  process.stdout.write(argv.includes('--json') ? `${JSON.stringify(snapshot, null, 2)}\n` : formatSnapshot(snapshot));
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`[status] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
