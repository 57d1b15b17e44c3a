/**
 * End to end under `sls offline start`: fetch → persist → publish → transform → sink with the real
 * handlers, the offline Kafka event source and the real stack; then the faults the issue names —
 * the functions SIGKILLed mid-stream, the Kafka broker restarted, Cassandra down for 30 s, a poison
 * message — after each of which every user in raw_users is in Cassandra exactly once; a replay
 * from PostgreSQL rebuilds what Cassandra lost. And the
 * functions' log lines, written by concurrent in-process invocations, each carry their own batch id.
 */
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createCassandra } from '../../layers/adapters/cassandra';
import { createAvroCodec } from '../../layers/adapters/schema-registry';
import { rawUserSchema } from '../../layers/domain/avro';
import { createKafka, createProducer } from '../../layers/adapters/kafka';
import { createPool } from '../../layers/adapters/postgres';
import { USERS_PER_PERSIST_CALL, type FetchReport } from '../../layers/pipeline/fetch-users';
import { generateUsers } from '../../scripts/randomuser/generator';
import type { OfflineProcess } from '../../scripts/pipeline/offline';
import type { RandomUserServer } from '../../scripts/randomuser/server';
import { createContext } from '../../scripts/stack/context';
import { cassandra as cassandraService } from '../../scripts/stack/services/cassandra';
import { kafka as kafkaService } from '../../scripts/stack/services/kafka';
import { start, stop } from '../../scripts/stack/supervisor';
import {
  config,
  deleteFromCassandra,
  idsInCassandra,
  invoke,
  pendingOutbox,
  root,
  startFunctions,
  startRandomUser,
  userIdsOfBatch,
  waitForCassandra,
} from '../support/pipeline-harness';

const execFileAsync = promisify(execFile);

const run = randomUUID().slice(0, 8);
const pool = createPool(config.postgres);
const cassandra = createCassandra(config.cassandra);
const kafka = createKafka(config.kafka, { clientId: 'e2e-test' });
const ctx = createContext(() => undefined);
let server: RandomUserServer;
let functions: OfflineProcess;
const touched: string[] = [];
const functionsLog = path.join(ctx.home, 'logs', 'functions-e2e.log');
let functionsLogStart = 0;

async function fetchBatch(seed: string, results: number): Promise<{ report: FetchReport; ids: string[] }> {
  const report = await invoke<FetchReport>('fetch', { seed: `${seed}-${run}`, results });
  const ids = await userIdsOfBatch(pool, report.batchId);
  touched.push(...ids);
  return { report, ids };
}

async function expectExactlyOnceInCassandra(ids: string[], timeoutMs = 120_000): Promise<void> {
  expect(await waitForCassandra(cassandra, ids, timeoutMs)).toBe(ids.length);
  const found = await idsInCassandra(cassandra, ids);
  expect(new Set(found).size).toBe(found.length);
  expect(new Set(found)).toEqual(new Set(ids));
  expect(await pendingOutbox(pool, ids)).toBe(0);
}

beforeAll(async () => {
  try {
    functionsLogStart = statSync(functionsLog).size;
  } catch {
    functionsLogStart = 0;
  }
  server = await startRandomUser();
  functions = await startFunctions(server.apiUrl, 'functions-e2e');
});

afterAll(async () => {
  await functions?.stop();
  await server?.close();
  await pool.query('DELETE FROM outbox WHERE user_id = ANY($1::uuid[])', [touched]);
  await pool.query('DELETE FROM raw_users WHERE user_id = ANY($1::uuid[])', [touched]);
  await deleteFromCassandra(cassandra, touched);
  await Promise.allSettled([pool.end(), cassandra.shutdown()]);
});

describe('the pipeline under sls offline start', () => {
  it('takes fetched users all the way into Cassandra, with schema ids that resolve', async () => {
    const { report, ids } = await fetchBatch('flow', 1500);
    expect(report).toMatchObject({ fetched: 1500, valid: 1500, rejected: 0, persisted: 1500, queued: 1500 });
    expect(ids).toHaveLength(1500);
    await expectExactlyOnceInCassandra(ids);

    const consumer = kafka.consumer({ groupId: `e2e-clean-reader-${run}` });
    await consumer.connect();
    await consumer.subscribe({ topic: config.topics.clean, fromBeginning: true });
    const schemaId = await new Promise<number>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value![0] === 0 ? message.value!.readInt32BE(1) : -1) });
    });
    await consumer.disconnect();
    const schema = await fetch(`${config.schemaRegistry.url}/schemas/ids/${schemaId}`).then((r) => r.json() as Promise<{ schema: string }>);
    expect(JSON.parse(schema.schema)).toMatchObject({ name: 'CleanUser' });
  });

  it('adds nothing when the same seed and page are fetched again', async () => {
    const first = await fetchBatch('rerun', 300);
    await expectExactlyOnceInCassandra(first.ids);
    const again = await fetchBatch('rerun', 300);
    expect(again.report).toMatchObject({ persisted: 300, queued: 0 });
    expect(new Set(again.ids)).toEqual(new Set(first.ids));
    await expectExactlyOnceInCassandra(first.ids);
  });

  it('rebuilds Cassandra from PostgreSQL with npm run replay --since, printing progress and duplicating nothing', async () => {
    const since = new Date();
    const { ids } = await fetchBatch('replay', 400);
    await expectExactlyOnceInCassandra(ids);
    // Cassandra loses them, as if it were rebuilt from scratch.
    await deleteFromCassandra(cassandra, ids);
    expect(await idsInCassandra(cassandra, ids)).toEqual([]);

    const { stderr } = await execFileAsync(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/replay.ts', '--since', since.toISOString()],
      { cwd: root },
    );
    expect(stderr).toMatch(new RegExp(`\\[replay\\] queued \\d+ users last seen since ${since.toISOString().replace(/[.]/g, '\\.')}`));
    expect(stderr).toMatch(/\[replay\] published \d+\/\d+ \(0 left in the outbox/);
    await expectExactlyOnceInCassandra(ids);
  });

  it('puts every poison record on users.dlq in one format, whether the mapping or transform gave up on it, and the stream goes on', async () => {
    const codec = createAvroCodec(config.schemaRegistry);
    const raw = await codec.register(`${config.topics.raw}-value`, rawUserSchema);
    // A record the registry decodes but that is no RawUser: a schema of its own, registered for real.
    const probe = await codec.register(`test.e2e.probe-${run}-value`, {
      type: 'record',
      name: 'Probe',
      namespace: 'dev.tributary.test',
      fields: [{ name: 'id', type: 'string' }],
    });
    // RawUser's schema id, then a one-character id and nothing more: a record cut short.
    const corrupt = Buffer.from([0, 0, 0, 0, 0, 2, 0x61]);
    corrupt.writeInt32BE(raw.id, 1);
    const poisons: Record<string, Buffer> = {
      [`unknown-id-${run}`]: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]),
      [`corrupt-${run}`]: corrupt,
      [`not-a-user-${run}`]: codec.encode(probe, { id: 'not a user' }),
    };
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({ topic: config.topics.raw, messages: Object.entries(poisons).map(([key, value]) => ({ key, value })) });
    await producer.disconnect();
    const { ids } = await fetchBatch('after-poison', 200);
    await expectExactlyOnceInCassandra(ids);

    const consumer = kafka.consumer({ groupId: `e2e-dlq-reader-${run}` });
    await consumer.connect();
    await consumer.subscribe({ topic: config.topics.dlq, fromBeginning: true });
    const letters = new Map<string, { requestContext: { condition: string }; payload: { records: Record<string, { key: string; value: string }[]> } }>();
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const key = String(message.key);
          if (!(key in poisons)) return;
          letters.set(key, JSON.parse(String(message.value)));
          if (letters.size === Object.keys(poisons).length) resolve();
        },
      });
    });
    await consumer.disconnect();
    const conditions = Object.fromEntries([...letters].map(([key, letter]) => [key, letter.requestContext.condition]));
    expect(conditions).toEqual({
      [`unknown-id-${run}`]: 'SCHEMA_NOT_FOUND',
      [`corrupt-${run}`]: 'DESERIALIZATION_ERROR',
      [`not-a-user-${run}`]: 'RecordRejected',
    });
    // Each carries its record in the event's own shape under payload.records, keyed as it was produced.
    for (const [key, letter] of letters) {
      const [record] = Object.values(letter.payload.records).flat();
      expect(Buffer.from(record!.key, 'base64').toString()).toBe(key);
    }
    // The mapping's letters hold the bytes as produced; transform's, the value as the mapping decoded it.
    const letterValue = (key: string) => Buffer.from(Object.values(letters.get(key)!.payload.records).flat()[0]!.value, 'base64');
    expect(letterValue(`unknown-id-${run}`)).toEqual(poisons[`unknown-id-${run}`]);
    expect(JSON.parse(letterValue(`not-a-user-${run}`).toString())).toEqual({ id: 'not a user' });
  });

  it('loses and duplicates nothing when the functions are SIGKILLed mid-stream and restarted', async () => {
    const { ids } = await fetchBatch('sigkill', 3000);
    // fetch returned after persist committed: transform and sink are in flight now.
    await functions.stop('SIGKILL');
    functions = await startFunctions(server.apiUrl, 'functions-e2e');
    // The scheduled publish is the safety net; nudge it instead of waiting for the minute.
    await invoke('publish', {});
    await expectExactlyOnceInCassandra(ids);
  });

  it('lets a fetch in flight finish when the functions are stopped with Ctrl-C (SIGINT): all of its users kept', async () => {
    const seed = `ctrl-c-${run}`;
    const results = 5000;
    const batchId = `seed:${seed}:page:1:n:${results}`;
    // Hold the fetch between its chunks, deterministically: an uncommitted row for a user of the
    // second chunk makes that chunk's upsert wait on the key until this transaction ends.
    const blocked = generateUsers({ results, seed, page: 1, nats: null, gender: null, now: new Date() })[
      USERS_PER_PERSIST_CALL + 500
    ]!.login.uuid.toLowerCase();
    const blocker = await pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`INSERT INTO raw_users (user_id, payload, batch_id) VALUES ($1, '{}', 'e2e-ctrl-c-blocker')`, [blocked]);
      const fetching = invoke<FetchReport>('fetch', { seed, results });
      const deadline = Date.now() + 60_000;
      while ((await userIdsOfBatch(pool, batchId)).length < USERS_PER_PERSIST_CALL && Date.now() < deadline) await sleep(100);
      expect(await userIdsOfBatch(pool, batchId)).toHaveLength(USERS_PER_PERSIST_CALL);

      const exited = functions.stop('SIGINT');
      // sls has the signal while the fetch is held; then the second chunk may go on.
      await sleep(2000);
      await blocker.query('ROLLBACK');
      const report = await fetching;
      expect(await exited).toBe(0);
      expect(report.persisted).toBe(results);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
    const ids = await userIdsOfBatch(pool, batchId);
    touched.push(...ids);
    expect(ids).toHaveLength(results);

    functions = await startFunctions(server.apiUrl, 'functions-e2e');
    await invoke('publish', {});
    await expectExactlyOnceInCassandra(ids);
  });

  it('loses nothing when the Kafka broker restarts mid-stream', async () => {
    const { ids } = await fetchBatch('broker-restart', 2000);
    await stop(kafkaService, ctx);
    await start(kafkaService, ctx);
    await invoke('publish', {});
    await expectExactlyOnceInCassandra(ids, 180_000);
  }, 300_000);

  it('loses nothing when Cassandra is down for 30 s', async () => {
    await stop(cassandraService, ctx);
    try {
      const { ids } = await fetchBatch('cassandra-down', 1000);
      await new Promise((r) => setTimeout(r, 30_000));
      expect(await idsInCassandra(cassandra, ids.slice(0, 10)).catch(() => 'unreachable')).toBe('unreachable');
      await start(cassandraService, ctx);
      await expectExactlyOnceInCassandra(ids, 240_000);
      // The sink failed while Cassandra was away, and said so, rather than reporting success.
      expect(readFileSync(functionsLog, 'utf8').slice(functionsLogStart)).toMatch(
        /sink ← users\.clean-\d+ offsets \d+-\d+ \(\d+ records?\) \d+ ms: failed: All host\(s\) tried for query failed/,
      );
    } finally {
      if (
        !(await cassandraService.probe(ctx).then(
          () => true,
          () => false,
        ))
      )
        await start(cassandraService, ctx);
    }
  }, 420_000);

  it("writes log lines that carry their own invocation's Kafka batch, though invocations run concurrently in one process", () => {
    const lines = readFileSync(functionsLog, 'utf8')
      .slice(functionsLogStart)
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const reports = lines
      .map((l) => JSON.parse(l) as { message?: string; kafka_batch?: string; received?: number })
      .filter((entry) => entry.message === 'transformed' || entry.message === 'sunk');
    expect(reports.length).toBeGreaterThan(20);
    // kafka_batch is "<stage>:<topic>-<partition>@<first offset>+<record count>", set by the handler that logged.
    const mismatched = reports.filter((entry) => {
      const [stage, rest] = (entry.kafka_batch ?? '').split(':');
      return stage !== (entry.message === 'sunk' ? 'sink' : 'transform') || Number(rest?.split('+')[1]) !== entry.received;
    });
    expect(mismatched).toEqual([]);
  });
});
