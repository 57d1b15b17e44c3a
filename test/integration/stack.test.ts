/**
 * The native stack's own behaviour: status, idempotent up, restart of a killed service alone with
 * its data intact, provisioning, and failures that name the service and the cause.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, topicSpecs } from '../../layers/config';
import { createCassandra } from '../../layers/adapters/cassandra';
import { createKafka } from '../../layers/adapters/kafka';
import { createPool } from '../../layers/adapters/postgres';
import { createContext } from '../../scripts/stack/context';
import { StackError } from '../../scripts/stack/service';
import { CASSANDRA_TIMER_SLACK_NS } from '../../scripts/stack/services/cassandra';
import { postgres } from '../../scripts/stack/services/postgres';
import { zookeeper } from '../../scripts/stack/services/zookeeper';
import { up } from '../../scripts/stack/stack';
import { livePid, start } from '../../scripts/stack/supervisor';
import { freePort } from '../support/ports';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const config = loadConfig();
const quiet = (): void => undefined;

interface StatusJson {
  home: string;
  services: { name: string; state: string; pid: number | null; endpoint: string; log: string }[];
}

async function statusJson(): Promise<StatusJson> {
  const { stdout } = await run(path.join(root, 'node_modules/.bin/tsx'), ['scripts/stack/cli.ts', 'status', '--json'], { cwd: root });
  return JSON.parse(stdout) as StatusJson;
}

function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '?';
  } catch {
    return 'gone';
  }
}

/** The pids whose parent is `pid` (field 4 of /proc/<pid>/stat). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('native stack', () => {
  it('status --json lists every service running with its endpoint', async () => {
    const status = await statusJson();
    // Optional services (Airflow, Spark) are listed only while they run; the core five always are.
    const core = status.services.filter((s) => ['cassandra', 'kafka', 'postgres', 'schema-registry', 'zookeeper'].includes(s.name));
    expect(core.map((s) => s.name).sort()).toEqual(['cassandra', 'kafka', 'postgres', 'schema-registry', 'zookeeper']);
    for (const s of core) {
      expect({ name: s.name, state: s.state }).toEqual({ name: s.name, state: 'running' });
      expect(s.pid).toBeGreaterThan(0);
    }
    const registry = status.services.find((s) => s.name === 'schema-registry');
    const subjects = await fetch(`${registry?.endpoint}/subjects`);
    expect(subjects.status).toBe(200);
    expect(Array.isArray(await subjects.json())).toBe(true);
  });

  it('runs every thread of Cassandra with its timer slack (CASSANDRA_TIMER_SLACK_NS)', async () => {
    const pid = (await statusJson()).services.find((s) => s.name === 'cassandra')?.pid ?? 0;
    // A thread's own file is /proc/<tid>/timerslack_ns; /proc/<pid>/task/<tid> has none.
    const slacks = readdirSync(`/proc/${pid}/task`).map((tid) => readFileSync(`/proc/${tid}/timerslack_ns`, 'utf8').trim());
    expect(slacks.length).toBeGreaterThan(20);
    expect([...new Set(slacks)]).toEqual([String(CASSANDRA_TIMER_SLACK_NS)]);
  });

  it('a second up is a no-op that starts nothing', async () => {
    const report = await up(createContext(quiet));
    expect(report.started).toEqual([]);
    expect(report.alreadyRunning.sort()).toEqual(['cassandra', 'kafka', 'postgres', 'schema-registry', 'zookeeper']);
  });

  it('provisioned the topics, keyspace and tables from infra/topology.json', async () => {
    const admin = createKafka(config.kafka).admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: topicSpecs.map((t) => t.name) });
      for (const spec of topicSpecs) {
        expect({ topic: spec.name, partitions: metadata.topics.find((t) => t.name === spec.name)?.partitions.length }).toEqual({
          topic: spec.name,
          partitions: spec.partitions,
        });
      }
    } finally {
      await admin.disconnect();
    }
    const cassandra = createCassandra(config.cassandra, { keyspace: null });
    try {
      const tables = await cassandra.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [config.cassandra.keyspace]);
      expect(tables.rows.map((r) => r.get('table_name') as string)).toContain('created_users');
    } finally {
      await cassandra.shutdown();
    }
  });

  it('restarts only a service killed with SIGKILL, with its data intact', async () => {
    const ctx = createContext(quiet);
    const pool = createPool(config.postgres, { max: 1 });
    await pool.query('CREATE TABLE IF NOT EXISTS stack_test_survivor (id int PRIMARY KEY, note text)');
    await pool.query("INSERT INTO stack_test_survivor VALUES (1, 'kept') ON CONFLICT (id) DO NOTHING");
    await pool.end();

    const before = (await statusJson()).services;
    const victim = livePid(ctx, 'postgres');
    expect(victim).toBeDefined();
    // On a loaded machine the killed postmaster's workers take a while to notice; one stopped
    // worker holds them there. PostgreSQL refuses to start beside them (postmaster.pid, shared memory).
    const worker = childrenOf(victim as number)[0];
    expect(worker).toBeDefined();
    process.kill(worker as number, 'SIGSTOP');
    process.kill(victim as number, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    expect((await statusJson()).services.find((s) => s.name === 'postgres')?.state).toBe('down');
    const resume = setTimeout(() => process.kill(worker as number, 'SIGCONT'), 3000);

    const messages: string[] = [];
    const report = await up(createContext((m) => messages.push(m))).finally(() => {
      clearTimeout(resume);
      if (existsSync(`/proc/${worker}`)) process.kill(worker as number, 'SIGCONT');
    });
    expect(report.started).toEqual(['postgres']);
    expect(messages.some((m) => /postgres: waiting for the processes of its previous run/.test(m))).toBe(true);
    // Gone, or a zombie waiting for its new parent to reap it: either way it holds nothing.
    expect(processState(worker as number)).toMatch(/^(gone|Z)$/);
    const after = (await statusJson()).services;
    for (const s of after.filter((x) => x.name !== 'postgres')) {
      expect({ name: s.name, pid: s.pid }).toEqual({ name: s.name, pid: before.find((b) => b.name === s.name)?.pid });
    }
    const check = createPool(config.postgres, { max: 1 });
    try {
      const rows = await check.query<{ note: string }>('SELECT note FROM stack_test_survivor WHERE id = 1');
      expect(rows.rows[0]?.note).toBe('kept');
      await check.query('DROP TABLE stack_test_survivor');
    } finally {
      await check.end();
    }
  });

  /** After `up`, the pipeline's topics are served at once: every partition has a leader. */
  async function expectTopicsServed(): Promise<void> {
    const admin = createKafka(config.kafka, { clientId: 'stack-test', retries: 0 }).admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: topicSpecs.map((t) => t.name) });
      for (const spec of topicSpecs) {
        const partitions = metadata.topics.find((t) => t.name === spec.name)?.partitions ?? [];
        expect({ topic: spec.name, leaders: partitions.filter((p) => p.leader >= 0).length }).toEqual({ topic: spec.name, leaders: spec.partitions });
      }
    } finally {
      await admin.disconnect();
    }
  }

  it('brings back a Kafka killed with SIGKILL, waiting out its registration that ZooKeeper still holds', async () => {
    const messages: string[] = [];
    const ctx = createContext((m) => messages.push(m));
    // ZooKeeper keeps the dead broker's ephemeral /brokers/ids/0 until its session times out (18 s);
    // a broker started at once would die with NodeExistsException.
    const pid = livePid(ctx, 'kafka');
    expect(pid).toBeDefined();
    process.kill(-(pid as number), 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const report = await up(ctx);
    expect(report.started).toEqual(['kafka']);
    expect(messages.filter((m) => /kafka: waiting for the previous broker's ZooKeeper session to expire/.test(m))).toHaveLength(1);
    await expectTopicsServed();
  }, 180_000);

  it('brings ZooKeeper and Kafka back after both were killed at once', async () => {
    const ctx = createContext(quiet);
    // As after a power cut: ZooKeeper restores the dead broker's session from its log, so the
    // registration may still be there when Kafka starts (how long ZooKeeper takes to start decides).
    for (const name of ['kafka', 'zookeeper']) {
      const pid = livePid(ctx, name);
      expect(pid).toBeDefined();
      process.kill(-(pid as number), 'SIGKILL');
    }
    await new Promise((r) => setTimeout(r, 500));
    const report = await up(ctx);
    expect([...report.started].sort()).toEqual(['kafka', 'zookeeper']);
    await expectTopicsServed();
  }, 180_000);

  it('refuses to start a service whose port is taken, naming the service, the port and its log', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const home = mkdtempSync(path.join(os.tmpdir(), 'tributary-stack-'));
    const ctx = createContext(quiet, loadConfig({ ZOOKEEPER_PORT: String(port), TRIBUTARY_STACK_HOME: home }));
    try {
      const attempt = start(zookeeper, ctx);
      await expect(attempt).rejects.toBeInstanceOf(StackError);
      await expect(attempt).rejects.toThrow(new RegExp(`^zookeeper: port ${port} is already taken .*\\(log: ${home}/logs/zookeeper.log\\)$`));
      expect(livePid(ctx, 'zookeeper')).toBeUndefined();
    } finally {
      blocker.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('reports a service that dies during start-up with its exit code and last log lines', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'tributary-stack-'));
    const ctx = createContext(quiet, loadConfig({ TRIBUTARY_STACK_HOME: home }));
    const port = await freePort();
    // A service whose process exits at once, as a misconfigured server would.
    const broken = {
      ...postgres,
      port: () => port,
      prepare: async () => ({ command: process.execPath, args: ['-e', 'console.error("boom: bad config"); process.exit(7)'] }),
      probe: async () => {
        throw new Error('not answering');
      },
    };
    try {
      await expect(start(broken, ctx)).rejects.toThrow(/^postgres: exited during start-up \(exit code 7\)\. Last log lines:\n[\s\S]*boom: bad config/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
