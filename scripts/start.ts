/**
 * npm start: the native stack up (only what is down), then the functions under
 * `sls offline start`, with a live line of per-stage counts. Ctrl-C, or SIGINT or SIGTERM to npm's
 * pid, stops the functions cleanly (in-flight batches finish and commit) and exits 0; the stack
 * keeps running (`npm run stack:down` stops it).
 *
 * The start script is `exec node --import tsx scripts/start.ts`: npm forwards SIGINT and SIGTERM
 * only to its own child, the `sh -c` it runs the script in, and Debian's sh (dash) neither passes
 * them on nor exec's the command itself — SIGINT waited behind the child, SIGTERM killed sh alone
 * and left everything below running. With `exec` and no tsx CLI in between, npm's child is this
 * process, and it handles both signals.
 *
 * The randomuser source is the live API unless it cannot be reached from this machine, in which case
 * the local randomuser-compatible server (scripts/randomuser) stands in, and the line says so.
 *
 * `npm start -- --secure`: the same against the secure stack (127.0.0.2, TLS and credentials on
 * every service; docs/security.md), beside a plain one.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../layers/config';
import { createContext } from './stack/context';
import { up } from './stack/stack';
import { startRandomUserServer } from './randomuser/server';
import { complete, countsSince, createCounter, formatCounts } from './pipeline/counts';
import { startOffline } from './pipeline/offline';
import { functionsEnvironment } from './pipeline/stack-env';
import { startStatusServer } from './status/server';

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
  // Installed first, so that no signal takes the default action (node killed, npm exits 130, sls orphaned).
  const stopRequested = new AbortController();
  let functionsStarting = false;
  let shutdown: (() => Promise<void>) | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shutdown) return void shutdown();
    // Before sls is spawned nothing of ours runs: the stack's services are detached and meant to stay.
    if (!functionsStarting) {
      say(`${signal}: stopped before the functions started. The stack keeps running: npm run stack:down stops it.`);
      process.exit(0);
    }
    if (!stopRequested.signal.aborted) say(`${signal}: stopping the functions, which are still starting…`);
    stopRequested.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Read by layers/config, here and in the functions: the secure stack's host, home and settings.
  if (process.argv.includes('--secure')) process.env.TRIBUTARY_SECURE = 'true';
  const config = loadConfig();
  const ctx = createContext((m) => say(`stack: ${m}`));
  await up(ctx);
  // The counter's Kafka client logs (a broker down: a line per retry) go to a file; the live line shows ?.
  const countsLog = path.join(ctx.home, 'logs', 'counts.log');
  const counter = createCounter(config, (line) => appendFileSync(countsLog, line));
  // Counted from before the functions start: the stack may already hold earlier runs' users (or the
  // tests'). A service that just came up may not answer every read at once: a few tries.
  let baseline = await counter.read();
  for (let attempt = 1; attempt < 5 && !complete(baseline); attempt++) {
    await sleep(2000);
    baseline = await counter.read();
  }
  if (!complete(baseline)) say(`some counts could not be read at the start (shown as ?): ${formatCounts(baseline)}`);
  else if (Object.values(baseline).some((n) => n !== 0)) say(`already in the stack: ${formatCounts(baseline)}; the line below counts from now`);

  const env: Record<string, string> = functionsEnvironment(config);
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
  functionsStarting = true;
  const host = config.secure ? config.host : undefined;
  const offline = await startOffline({ root: ctx.root, env, logFile, signal: stopRequested.signal, host }).catch((err: unknown) => {
    if (!stopRequested.signal.aborted) throw err;
    say('stopped before the functions were ready. The stack keeps running: npm run stack:down stops it.');
    process.exit(0);
  });
  say('functions ready: fetch runs on its schedule; invoke it now with `npm run invoke -- fetch`. Ctrl-C stops.');
  // The status page (scripts/status, docs/status.md) starts beside the live line; failing to start it stops nothing else.
  const statusPage = startStatusServer({ config, ctx, functionsLog: logFile, port: config.statusPage.port }).then(
    (page) => {
      say(`status page: ${page.url} (or npm run status)`);
      return page;
    },
    (err: unknown) => void say(`status page not started: ${(err as Error).message}`),
  );

  const tty = process.stdout.isTTY;
  let last = '';
  const tick = setInterval(
    () => {
      counter.read().then(
        (counts) => {
          const line = formatCounts(countsSince(baseline, counts));
          if (tty) process.stdout.write(`\r\x1b[2K${line}`);
          else if (line !== last) process.stdout.write(`${line}\n`);
          last = line;
        },
        (err: unknown) => say(`counts unavailable: ${(err as Error).message}`),
      );
    },
    tty ? 1000 : 5000,
  );

  let stopping = false;
  shutdown = async (): Promise<void> => {
    // A second Ctrl-C (npm also forwards the terminal's SIGINT it got itself) changes nothing.
    if (stopping) return void say('already stopping: in-flight invocations finish first (up to 20 s)');
    stopping = true;
    clearInterval(tick);
    if (tty) process.stdout.write('\n');
    say('stopping the functions (in-flight batches finish and commit)…');
    // sls gets SIGINT whichever signal we got: its offline-kafka stop lets in-flight invocations finish.
    const code = await offline.stop('SIGINT');
    await Promise.allSettled([counter.close(), localServer?.close(), statusPage.then((page) => page?.close())]);
    // null: sls did not exit within 30 s and was killed, so its in-flight work may be cut.
    if (code !== 0) {
      say(`sls offline did not stop cleanly (exit ${code}); see ${logFile}`);
      process.exit(1);
    }
    say('stopped (sls exit 0). The stack keeps running: npm run stack:down stops it.');
    process.exit(0);
  };
  if (stopRequested.signal.aborted) void shutdown();
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
