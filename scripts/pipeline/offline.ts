/**
 * Runs `sls offline start` (serverless-offline with the project's Kafka event source plugin) as a
 * child process: ready when it says so and its Lambda API port answers; stopped with SIGINT so the
 * Kafka consumers finish their in-flight batch and commit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface OfflineOptions {
  root: string;
  /** Where sls runs (its serverless.yml); the project root by default. */
  cwd?: string;
  env: Record<string, string>;
  /** Node flags for the sls process (e.g. --cpu-prof, --require a probe). */
  nodeArgs?: string[];
  /** Arguments after `offline start` (e.g. --useInProcess). */
  extraArgs?: string[];
  logFile: string;
  lambdaPort?: number;
  readyTimeoutMs?: number;
  /** Each output line, for a caller that shows them. */
  onLine?: (line: string) => void;
  /** Aborted during start-up (npm start got SIGINT/SIGTERM): sls is stopped and startOffline rejects. */
  signal?: AbortSignal;
  /** The address serverless-offline listens on (the secure stack's functions: 127.0.0.2, beside the plain ones); 127.0.0.1 by default. */
  host?: string;
}

export interface OfflineProcess {
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Whether something accepts TCP connections on the loopback port (serverless-offline's, for one). */
export function portAnswers(port: number): Promise<boolean> {
  return portAnswersOn('127.0.0.1', port);
}

function portAnswersOn(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Node flags for the process all five functions run in (in-process), on the project's Node 22:
 * AsyncLocalStorage (the invocation store) without promise hooks, ~2 % of its CPU profile.
 * docker-compose.yml's functions service (node:22) sets the same through NODE_OPTIONS.
 */
export const NODE22_FUNCTIONS_FLAGS = ['--experimental-async-context-frame'];

/**
 * V8 flags for the same process, on the command line (NODE_OPTIONS refuses --single-threaded-gc,
 * and the young generation's size stays beside it; compose's functions service gives them in its
 * command). The collector on the JavaScript thread alone: its
 * parallel scavenges and concurrent marking kept V8's four helper threads at a quarter of the
 * process' CPU, on two cores every service shares; alone, the main thread does the same work for
 * less than half that (five alternating 100k pairs: 0.217-0.259 CPU ms per user against
 * 0.247-0.313, docs/performance.md).
 *
 * Semi-spaces of 32 MB (V8's default is 16 without pointer compression): a batch in flight lives
 * through a few young collections, each copying what is alive; twice the room halves the
 * collections: the process' CPU per user lower in each of five alternating 100k pairs (0.202-0.216
 * ms against 0.212-0.259), peak RSS the same (736-781 MiB against 729-915; docs/performance.md).
 * 64 MB ones cut no more and cost 80-180 MiB of peak RSS.
 */
export const FUNCTIONS_V8_FLAGS = ['--single-threaded-gc', '--max-semi-space-size=32'];

/** What of those the running Node accepts: 24 and later refuse the first (it is their default), 20 lacks it. */
export const FUNCTIONS_NODE_FLAGS = [...NODE22_FUNCTIONS_FLAGS.filter((flag) => process.allowedNodeEnvironmentFlags.has(flag)), ...FUNCTIONS_V8_FLAGS];

/** What osls printed after its "Error:" line (the message), a line each, indented; nothing if it printed none. */
function failureOf(lines: string[]): string {
  const at = lines.findLastIndex((line) => line.trim() === 'Error:');
  const message = at === -1 ? [] : lines.slice(at + 1);
  return message.map((line) => `\n  ${line.trim()}`).join('');
}

export async function startOffline(options: OfflineOptions): Promise<OfflineProcess> {
  const lambdaPort = options.lambdaPort ?? 3002;
  if (await portAnswersOn(options.host ?? '127.0.0.1', lambdaPort)) {
    throw new Error(`port ${lambdaPort} (serverless-offline's Lambda API) is already in use: is another \`sls offline start\` (npm start) running?`);
  }
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  // Node runs osls directly (what node_modules/.bin/sls points at), so Node flags can be given.
  const sls = path.join(options.root, 'node_modules/osls/bin/serverless.js');
  const child = spawn(
    process.execPath,
    [
      ...FUNCTIONS_NODE_FLAGS,
      ...(options.nodeArgs ?? []),
      sls,
      'offline',
      'start',
      ...(options.host ? ['--host', options.host] : []),
      ...(options.extraArgs ?? []),
    ],
    {
      cwd: options.cwd ?? options.root,
      env: { ...process.env, PATH: `${path.join(options.root, 'node_modules/.bin')}:${process.env.PATH ?? ''}`, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let ready = false;
  let exited: number | null | undefined;
  // The last lines printed, so a start-up failure can say what osls said (its "Error:" block).
  const lastLines: string[] = [];
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exited = code))));
  // 'close' comes after 'exit' once stdout and stderr are drained: output may still arrive in between.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // Per stream: a chunk may end mid-line, and stdout and stderr interleave.
  const lineReader = (): ((chunk: Buffer) => void) => {
    let pending = '';
    return (chunk) => {
      log.write(chunk);
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        // serverless-offline prints this once its Lambda API (what fetch, Airflow and tests invoke) listens.
        if (/Offline \[http for lambda\] listening/.test(line)) ready = true;
        if (!line.trim()) continue;
        if (lastLines.push(line) > 40) lastLines.shift();
        options.onLine?.(line);
      }
    };
  };
  child.stdout?.on('data', lineReader());
  child.stderr?.on('data', lineReader());
  const stop = async (signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> => {
    if (exited === undefined) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await exit;
    clearTimeout(timer);
    await closed;
    log.end();
    return code;
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
  while (!(ready && (await portAnswersOn(options.host ?? '127.0.0.1', lambdaPort)))) {
    // Checked first: a terminal's Ctrl-C also reaches sls itself, which may exit before it is ready.
    if (options.signal?.aborted) {
      await stop('SIGINT');
      throw new Error('sls offline start stopped during start-up', { cause: options.signal.reason });
    }
    if (exited !== undefined) {
      await closed;
      throw new Error(`sls offline start exited during start-up (code ${exited}); see ${options.logFile}${failureOf(lastLines)}`);
    }
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`sls offline start not ready within ${(options.readyTimeoutMs ?? 180_000) / 1000}s; see ${options.logFile}`);
    }
    await sleep(250);
  }
  return { child, stop };
}
