/**
 * Starts, watches and stops the stack's processes. Each service runs detached in its own process
 * group, logging to .stack/logs/<name>.log; .stack/run/<name>.json records the pid and the kernel's
 * start time of that pid, so `down` stops exactly the processes `up` started, never a reused pid.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { executable, groupMembers, isZombie, processes, procStart, workingDirectory } from './proc';
import { StackError, type Service, type StackContext } from './service';

interface ProcessRecord {
  pid: number;
  procStart: string;
  startedAt: string;
  command: string;
  /** The real path of the executable, to find workers that left the group (Service.workersLeaveGroup). */
  exe?: string;
}

export type ServiceState = 'running' | 'unhealthy' | 'down';

/**
 * What a service may write before anyone looks: Cassandra's commit log alone may take 512 MiB
 * (infra/native/cassandra/cassandra.yaml), PostgreSQL's WAL grows toward 1 GB between checkpoints
 * under a benchmark's load. The whole test suite writes ~250 MB of data and logs.
 */
const MIN_FREE_DISK_BYTES = 1024 ** 3;

function recordPath(ctx: StackContext, name: string): string {
  const dir = path.join(ctx.home, 'run');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.json`);
}

function readRecord(ctx: StackContext, name: string): ProcessRecord | undefined {
  const file = recordPath(ctx, name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProcessRecord;
  } catch {
    return undefined;
  }
}

/** The pid of the service's process if it is still the one we started. */
export function livePid(ctx: StackContext, name: string): number | undefined {
  const record = readRecord(ctx, name);
  if (!record) return undefined;
  const start = procStart(record.pid);
  if (start === undefined || start !== record.procStart) return undefined;
  // A zombie holds its pid but serves nothing.
  return isZombie(record.pid) ? undefined : record.pid;
}

function isWithin(dir: string | undefined, home: string): boolean {
  return dir !== undefined && (dir === home || dir.startsWith(`${home}${path.sep}`));
}

/**
 * What a killed service left behind must be gone before it starts again: its main process until
 * its parent reaps it, and its workers until they notice. PostgreSQL refuses to start while the
 * pid in postmaster.pid is a process at all ("lock file already exists": a zombie is one until
 * whichever process started the stack reaps it) or a worker still holds its shared memory — and
 * its workers leave the process group (setsid), so they are found by executable. Waits up to the
 * service's stop timeout, then kills what is left.
 */
async function awaitLeftovers(service: Service, ctx: StackContext): Promise<void> {
  const previous = readRecord(ctx, service.name);
  if (!previous) return;
  const home = realpathSync(ctx.home);
  // Ours only: a leader pid reused by another process, or a member older than our leader, is not.
  const leftovers = (): number[] => {
    const leader = procStart(previous.pid);
    if (leader !== undefined && leader !== previous.procStart) return [];
    const since = Number(previous.procStart);
    const group = groupMembers(previous.pid);
    // The same executable serves another stack (--secure, a second clone): a worker of ours also works in our home (PostgreSQL's in its data folder).
    const ours = (pid: number): boolean => executable(pid) === previous.exe && isWithin(workingDirectory(pid), home);
    const workers = service.workersLeaveGroup && previous.exe ? processes((pid, stat) => Number(stat[19]) >= since && ours(pid)) : [];
    return [...new Set([...group, ...workers])].filter((pid) => Number(procStart(pid) ?? -1) >= since);
  };
  if (leftovers().length === 0) return;
  // Said only when it takes a while: after a normal stop the leader is reaped within moments.
  const began = Date.now();
  const deadline = began + service.stopTimeoutMs;
  let announced = false;
  while (leftovers().length > 0 && Date.now() < deadline) {
    if (!announced && Date.now() - began > 2000) {
      ctx.progress(`${service.name}: waiting for the processes of its previous run (group ${previous.pid}) to end`);
      announced = true;
    }
    await sleep(200);
  }
  // A zombie cannot be killed, only reaped by its parent; one whose parent never reaps (a container
  // without an init) must not block the start for ever.
  const running = (): number[] => leftovers().filter((pid) => !isZombie(pid));
  for (const pid of running()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  const killDeadline = Date.now() + 10_000;
  while (running().length > 0 && Date.now() < killDeadline) await sleep(200);
  const left = running();
  if (left.length > 0)
    throw new StackError(service.name, `processes ${left.join(', ')} of its previous run (group ${previous.pid}) do not end`, ctx.logFile(service.name));
  const zombies = leftovers();
  if (zombies.length > 0) ctx.progress(`${service.name}: ${zombies.join(', ')} of its previous run ended but no parent has reaped them; starting anyway`);
}

export async function probeOnce(service: Service, ctx: StackContext): Promise<string | undefined> {
  try {
    await service.probe(ctx);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export async function state(service: Service, ctx: StackContext): Promise<ServiceState> {
  if (livePid(ctx, service.name) === undefined) return 'down';
  return (await probeOnce(service, ctx)) === undefined ? 'running' : 'unhealthy';
}

function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.once('listening', () => server.close(() => resolve(false)));
    server.listen(port, host);
  });
}

function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function start(service: Service, ctx: StackContext): Promise<void> {
  const log = ctx.logFile(service.name);
  const port = service.port(ctx);
  if (await portInUse(ctx.config.host, port)) {
    throw new StackError(
      service.name,
      `port ${port} is already taken by another process (not started by this stack); stop it or set the port's environment variable`,
      log,
    );
  }
  const free = statfsSync(ctx.home);
  if (free.bavail * free.bsize < MIN_FREE_DISK_BYTES) {
    throw new StackError(
      service.name,
      `out of disk: ${Math.round((free.bavail * free.bsize) / 1024 ** 2)} MB free under ${ctx.home}, at least 1 GB needed for the services' data and logs`,
      log,
    );
  }
  await awaitLeftovers(service, ctx);
  const launch = await service.prepare(ctx);
  const fd = openSync(log, 'a');
  writeFileSync(fd, `\n===== ${new Date().toISOString()} tributary stack: starting ${service.name}\n`);
  const child = spawn(launch.command, launch.args, {
    cwd: launch.cwd ?? ctx.home,
    env: { ...process.env, ...launch.env },
    detached: true,
    stdio: ['ignore', fd, fd],
    uid: launch.uid,
    gid: launch.gid,
  });
  closeSync(fd);
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('error', resolve);
    child.once('spawn', () => resolve(undefined));
  });
  if (spawnError || child.pid === undefined) {
    throw new StackError(service.name, `cannot start ${launch.command}: ${spawnError?.message ?? 'no pid'}`, log);
  }
  let exitCode: number | null | undefined;
  child.once('exit', (code, signal) => (exitCode = code ?? (signal ? 128 : null)));
  child.unref();
  const record: ProcessRecord = {
    pid: child.pid,
    procStart: procStart(child.pid) ?? '',
    startedAt: new Date().toISOString(),
    command: [launch.command, ...launch.args.filter((a) => !a.includes(':/'))].join(' ').slice(0, 500),
    exe: executable(child.pid),
  };
  writeFileSync(recordPath(ctx, service.name), JSON.stringify(record, null, 2));
  await waitReady(service, ctx, () => exitCode);
}

async function waitReady(service: Service, ctx: StackContext, exited: () => number | null | undefined): Promise<void> {
  const log = ctx.logFile(service.name);
  const deadline = Date.now() + service.readyTimeoutMs;
  let lastError = 'no answer yet';
  let announced = Date.now();
  for (;;) {
    const code = exited();
    if (code !== undefined) {
      throw new StackError(service.name, `exited during start-up (exit code ${code}). Last log lines:\n${logTail(log)}`, log);
    }
    const error = await probeOnce(service, ctx);
    if (error === undefined) return;
    lastError = error;
    if (Date.now() > deadline) {
      throw new StackError(
        service.name,
        `did not answer within ${service.readyTimeoutMs / 1000}s (last probe: ${lastError}). Last log lines:\n${logTail(log)}`,
        log,
      );
    }
    if (Date.now() - announced > 15_000) {
      ctx.progress(`${service.name}: still starting (${Math.round((deadline - Date.now()) / 1000)}s left before giving up)`);
      announced = Date.now();
    }
    await sleep(500);
  }
}

/** Waits for an already running (perhaps still starting) process to answer. */
export async function awaitRunning(service: Service, ctx: StackContext): Promise<void> {
  await waitReady(service, ctx, () => (livePid(ctx, service.name) === undefined ? null : undefined));
}

export async function stop(service: Service, ctx: StackContext): Promise<boolean> {
  const pid = livePid(ctx, service.name);
  const file = recordPath(ctx, service.name);
  if (pid === undefined) {
    rmSync(file, { force: true });
    return false;
  }
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  };
  signalGroup(service.stopSignal ?? 'SIGTERM');
  const deadline = Date.now() + service.stopTimeoutMs;
  while (livePid(ctx, service.name) !== undefined && Date.now() < deadline) await sleep(200);
  if (livePid(ctx, service.name) !== undefined) {
    ctx.progress(`${service.name}: did not stop within ${service.stopTimeoutMs / 1000}s, killing it`);
    signalGroup('SIGKILL');
    while (livePid(ctx, service.name) !== undefined) await sleep(100);
  }
  await awaitLeftovers(service, ctx);
  rmSync(file, { force: true });
  const portDeadline = Date.now() + 10_000;
  while ((await portInUse(ctx.config.host, service.port(ctx))) && Date.now() < portDeadline) await sleep(200);
  return true;
}
