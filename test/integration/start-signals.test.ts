/**
 * `npm start` stopped the ways a user or a supervisor stops it: SIGINT and SIGTERM to npm's own pid
 * (what `kill`, systemd or a CI runner send) and SIGINT to its whole process group (a terminal's
 * Ctrl-C). Each time a fetch is held in flight between its persist chunks when the signal comes;
 * the run must let it finish (all of its users kept), print its shutdown line, exit 0, and leave
 * nothing running: no process of the tree it started, ports 3000 and 3002 free for the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { topology } from '../../layers/config';
import { createCassandra } from '../../layers/adapters/cassandra';
import { createPool } from '../../layers/adapters/postgres';
import { USERS_PER_PERSIST_CALL, type FetchReport } from '../../layers/pipeline/fetch-users';
import { portAnswers } from '../../scripts/pipeline/offline';
import { generateUsers } from '../../scripts/randomuser/generator';
import type { RandomUserServer } from '../../scripts/randomuser/server';
import { config, deleteFromCassandra, invoke, root, startRandomUser, userIdsOfBatch } from '../support/pipeline-harness';

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  /** Start time in clock ticks since boot: tells a pid reused later from the process seen here. */
  start: string;
  cmd: string;
}

/** Every process on the machine, from /proc (stat's comm may hold spaces: fields are read after its ')'). */
function processes(): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // a zombie runs nothing; its parent reaps it
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]), start: fields[19]!, cmd });
    } catch {
      // exited while being read
    }
  }
  return found;
}

/** The process and all its descendants, by parent pid. */
function tree(rootPid: number): Proc[] {
  const all = processes();
  const members = all.filter((p) => p.pid === rootPid);
  for (let i = 0; i < members.length; i++) members.push(...all.filter((p) => p.ppid === members[i]!.pid));
  return members;
}

/** Those of `seen` still running (same pid, same start time), and anything else left in the group. */
function leftOf(seen: Proc[], pgid: number): Proc[] {
  const now = processes();
  return now.filter((p) => p.pgid === pgid || seen.some((s) => s.pid === p.pid && s.start === p.start));
}

const run = randomUUID().slice(0, 8);
const pool = createPool(config.postgres);
const cassandra = createCassandra(config.cassandra);
const touched: string[] = [];
let server: RandomUserServer;
let npm: ChildProcess | undefined;

beforeAll(async () => {
  server = await startRandomUser();
});

afterEach(() => {
  // A failed case must not leave its tree holding the ports for the next one; the group can outlive npm.
  try {
    if (npm?.pid) process.kill(-npm.pid, 'SIGKILL');
  } catch {
    // nothing left in the group: the case passed
  }
  npm = undefined;
});

afterAll(async () => {
  await server?.close();
  await pool.query('DELETE FROM outbox WHERE user_id = ANY($1::uuid[])', [touched]);
  await pool.query('DELETE FROM raw_users WHERE user_id = ANY($1::uuid[])', [touched]);
  await deleteFromCassandra(cassandra, touched);
  await Promise.allSettled([pool.end(), cassandra.shutdown()]);
});

const cases: Array<{ name: string; send: (pid: number) => void }> = [
  { name: 'SIGINT to npm’s pid', send: (pid) => process.kill(pid, 'SIGINT') },
  { name: 'SIGTERM to npm’s pid', send: (pid) => process.kill(pid, 'SIGTERM') },
  // A terminal's Ctrl-C: SIGINT to every process of the foreground group at once.
  { name: 'Ctrl-C (SIGINT to the process group)', send: (pid) => process.kill(-pid, 'SIGINT') },
];

describe('npm start stops cleanly', () => {
  it.each(cases)(
    'on $name: the fetch in flight finishes, exit 0, nothing left running, ports free',
    async ({ name, send }) => {
      for (const port of [topology.ports.offlineHttp, topology.ports.offlineLambda]) expect(await portAnswers(port)).toBe(false);

      // Its own session and process group (pgid = npm's pid), as a shell gives a foreground job.
      npm = spawn('npm', ['start'], {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, RANDOMUSER_URL: server.apiUrl, FETCH_SCHEDULE_ENABLED: 'false', KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      });
      const pid = npm.pid!;
      let output = '';
      npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        npm!.once('exit', (code, signal) => resolve({ code, signal })),
      );

      const readyBy = Date.now() + 120_000;
      while (!output.includes('functions ready') && npm.exitCode === null && Date.now() < readyBy) await sleep(200);
      expect(output).toContain('functions ready');

      const seen = tree(pid);
      // npm's child is node running start.ts itself: no `sh -c` or tsx CLI in between to swallow the signal.
      expect(seen.filter((p) => p.ppid === pid).map((p) => p.cmd)).toEqual([expect.stringMatching(/node --import tsx scripts\/start\.ts$/)]);
      expect(seen.some((p) => /osls\/bin\/serverless\.js offline start/.test(p.cmd))).toBe(true);

      // Hold the fetch between its chunks: an uncommitted row for a user of the second chunk makes
      // that chunk's upsert wait on the key until this transaction ends (as the e2e Ctrl-C test does).
      const seed = `start-signals-${run}-${cases.findIndex((c) => c.name === name)}`;
      const results = USERS_PER_PERSIST_CALL + 500;
      const batchId = `seed:${seed}:page:1:n:${results}`;
      const blocked = generateUsers({ results, seed, page: 1, nats: null, gender: null, now: new Date() })[
        USERS_PER_PERSIST_CALL + 250
      ]!.login.uuid.toLowerCase();
      const blocker = await pool.connect();
      let report: FetchReport;
      try {
        await blocker.query('BEGIN');
        await blocker.query(`INSERT INTO raw_users (user_id, payload, batch_id) VALUES ($1, '{}', 'start-signals-blocker')`, [blocked]);
        const fetching = invoke<FetchReport>('fetch', { seed, results });
        const deadline = Date.now() + 60_000;
        while ((await userIdsOfBatch(pool, batchId)).length < USERS_PER_PERSIST_CALL && Date.now() < deadline) await sleep(100);
        expect(await userIdsOfBatch(pool, batchId)).toHaveLength(USERS_PER_PERSIST_CALL);

        send(pid);
        // The stop has begun while the fetch is held; then its second chunk may go on.
        await sleep(2000);
        expect(npm.exitCode).toBeNull();
        await blocker.query('ROLLBACK');
        report = await fetching;
      } finally {
        await blocker.query('ROLLBACK').catch(() => undefined);
        blocker.release();
      }
      const ids = await userIdsOfBatch(pool, batchId);
      touched.push(...ids);
      expect(report.persisted).toBe(results);
      expect(ids).toHaveLength(results);

      expect(await exited).toEqual({ code: 0, signal: null });
      expect(output).toContain('stopping the functions (in-flight batches finish and commit)');
      expect(output).toContain('stopped (sls exit 0)');

      // npm exits once node has; the esbuild services below sls end on their stdin's end right after.
      let left = leftOf(seen, pid);
      for (let i = 0; i < 25 && left.length > 0; i++) {
        await sleep(200);
        left = leftOf(seen, pid);
      }
      expect(left.map((p) => `${p.pid} ${p.cmd}`)).toEqual([]);
      for (const port of [topology.ports.offlineHttp, topology.ports.offlineLambda]) expect(await portAnswers(port)).toBe(false);
    },
    240_000,
  );
});
