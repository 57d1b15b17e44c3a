/**
 * npm start: the native stack up (only what is down), then the functions under
 * `sls offline start`, with a live line of per-stage counts. Ctrl-C stops the functions cleanly
 * (in-flight batches finish and commit); the stack keeps running (`npm run stack:down` stops it).
 *
 * The randomuser source is the live API unless it cannot be reached from this machine, in which case
 * the local randomuser-compatible server (scripts/randomuser) stands in, and the line says so.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../layers/config';
import { createContext } from './stack/context';
import { up } from './stack/stack';
import { startRandomUserServer } from './randomuser/server';
import { complete, countsSince, createCounter, formatCounts } from './pipeline/counts';
import { startOffline } from './pipeline/offline';

const say = (m: string): void => void process.stderr.write(`[tributary] ${m}\n`);

async function reachable(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}${url.includes('?') ? '&' : '?'}results=1`, { signal: AbortSignal.timeout(4000) });
    return response.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const ctx = createContext((m) => say(`stack: ${m}`));
  await up(ctx);
  const counter = createCounter(config, ctx.root);
  // Counted from before the functions start: the stack may already hold earlier runs' users (or the
  // tests'). A service that just came up may not answer every read at once: a few tries.
  let baseline = await counter.read();
  for (let attempt = 1; attempt < 5 && !complete(baseline); attempt++) {
    await sleep(2000);
    baseline = await counter.read();
  }
  if (!complete(baseline)) say(`some counts could not be read at the start (shown as ?): ${formatCounts(baseline)}`);
  else if (Object.values(baseline).some((n) => n !== 0)) say(`already in the stack: ${formatCounts(baseline)}; the line below counts from now`);

  const env: Record<string, string> = {};
  let localServer: Awaited<ReturnType<typeof startRandomUserServer>> | undefined;
  if (await reachable(config.randomUser.baseUrl)) {
    say(`randomuser source: ${config.randomUser.baseUrl}`);
  } else {
    localServer = await startRandomUserServer({ port: 0 });
    env.RANDOMUSER_URL = `${localServer.url}/api/1.4/`;
    say(`randomuser source: ${config.randomUser.baseUrl} is not reachable from here; using the local randomuser-compatible server at ${env.RANDOMUSER_URL}`);
  }

  const logFile = path.join(ctx.home, 'logs', 'functions.log');
  say(`starting the functions under sls offline start (log: ${logFile})`);
  const offline = await startOffline({ root: ctx.root, env, logFile });
  say('functions ready: fetch runs on its schedule; invoke it now with `npm run invoke -- fetch`. Ctrl-C stops.');

  const tty = process.stdout.isTTY;
  let last = '';
  const tick = setInterval(() => {
    counter.read().then(
      (counts) => {
        const line = formatCounts(countsSince(baseline, counts));
        if (tty) process.stdout.write(`\r\x1b[2K${line}`);
        else if (line !== last) process.stdout.write(`${line}\n`);
        last = line;
      },
      (err: unknown) => say(`counts unavailable: ${(err as Error).message}`),
    );
  }, tty ? 1000 : 5000);

  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(tick);
    if (tty) process.stdout.write('\n');
    say('stopping the functions (in-flight batches finish and commit)…');
    const code = await offline.stop('SIGINT');
    await counter.close();
    await localServer?.close();
    say(`stopped (sls exit ${code}). The stack keeps running: npm run stack:down stops it.`);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  offline.child.once('exit', (code) => {
    if (!stopping) {
      say(`sls offline exited unexpectedly (code ${code}); see ${logFile}`);
      process.exit(1);
    }
  });
}

main().catch((err: unknown) => {
  say(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
