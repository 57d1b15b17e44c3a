/**
 * `sls invoke local -f <name>` works for every function against the real stack: the same handlers,
 * bundled by esbuild, one invocation each, and the CLI exits when the invocation is done.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { createCassandra } from '../../layers/adapters/cassandra';
import { createPool } from '../../layers/adapters/postgres';
import { createAvroCodec } from '../../layers/adapters/schema-registry';
import { cleanUserSchema, rawUserSchema, toRawAvro } from '../../layers/domain/avro';
import type { RandomUser } from '../../layers/domain/randomuser';
import { toCleanUser } from '../../layers/domain/transform';
import type { OfflineProcess } from '../../scripts/pipeline/offline';
import type { RandomUserServer } from '../../scripts/randomuser/server';
import { generateUsers } from '../../scripts/randomuser/generator';
import { mappingEvent, type TopicMessage } from '../support/mapping-decoding';
import { config, deleteFromCassandra, root, startFunctions, startRandomUser, waitForCassandra } from '../support/pipeline-harness';

const run = promisify(execFile);
const pool = createPool(config.postgres);
const cassandra = createCassandra(config.cassandra);
const codec = createAvroCodec(config.schemaRegistry);
const tag = randomUUID().slice(0, 8);
const users = generateUsers({
  results: 3,
  seed: `invoke-${tag}`,
  page: 1,
  nats: null,
  gender: null,
  now: new Date('2026-01-01T00:00:00Z'),
}) as unknown as RandomUser[];
const ids = users.map((u) => u.login.uuid);
const extraIds: string[] = [];

/** The JSON log lines an invocation printed (Powertools' structured logs). */
const logLines: Record<string, unknown>[] = [];

async function invokeLocal<T>(name: string, data: unknown, env: Record<string, string> = {}): Promise<T> {
  const { stdout } = await run(`${root}/node_modules/.bin/sls`, ['invoke', 'local', '-f', name, '--data', JSON.stringify(data)], {
    cwd: root,
    env: { ...process.env, PATH: `${root}/node_modules/.bin:${process.env.PATH ?? ''}`, KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  // The result is the last JSON document printed (log lines come before it).
  const start = stdout.lastIndexOf('\n{');
  logLines.length = 0;
  for (const line of stdout.slice(0, start).split('\n')) if (line.startsWith('{"')) logLines.push(JSON.parse(line) as Record<string, unknown>);
  return JSON.parse(stdout.slice(start + 1)) as T;
}

/** The event the mapping delivers for these Confluent-framed values (decoded through the real registry, JSON). */
function kafkaEvent(topic: string, values: Buffer[]): Promise<unknown> {
  const timestamp = String(Date.now());
  const messages = values.map(
    (value, offset): TopicMessage => ({ key: null, value, partition: 0, offset: String(offset), timestamp, attributes: 0, headers: {} }),
  );
  return mappingEvent(config.schemaRegistry.url, config.kafka.brokers.join(','), topic, messages);
}

afterAll(async () => {
  const all = [...ids, ...extraIds];
  await pool.query('DELETE FROM outbox WHERE user_id = ANY($1::uuid[])', [all]);
  await pool.query('DELETE FROM raw_users WHERE user_id = ANY($1::uuid[])', [all]);
  await deleteFromCassandra(cassandra, all);
  await Promise.allSettled([pool.end(), cassandra.shutdown()]);
});

describe('sls invoke local', () => {
  it('persist stores a batch in PostgreSQL', async () => {
    // No Lambda API to nudge publish at: the next test's publish must be what drains these rows.
    const report = await invokeLocal<{ persisted: number; queued: number }>(
      'persist',
      { batchId: `invoke-${tag}`, users, rejected: [] },
      { LAMBDA_ENDPOINT: 'http://127.0.0.1:9' },
    );
    expect(report).toMatchObject({ persisted: 3, queued: 3 });
    const rows = await pool.query('SELECT user_id FROM raw_users WHERE user_id = ANY($1::uuid[])', [ids]);
    expect(rows.rowCount).toBe(3);
  });

  it('publish drains the outbox to users.raw', async () => {
    const report = await invokeLocal<{ published: number }>('publish', {});
    expect(report.published).toBeGreaterThanOrEqual(3);
    const pending = await pool.query('SELECT 1 FROM outbox WHERE published_at IS NULL AND user_id = ANY($1::uuid[])', [ids]);
    expect(pending.rowCount).toBe(0);
  });

  it('transform turns a users.raw event into users.clean records', async () => {
    const schema = await codec.register(`${config.topics.raw}-value`, rawUserSchema);
    const values = users.map((u) => codec.encode(schema, toRawAvro(u, { batch_id: `invoke-${tag}`, fetched_at: new Date(), source: 'randomuser' })));
    const report = await invokeLocal<{ transformed: number; deadLettered: number }>('transform', await kafkaEvent(config.topics.raw, values));
    expect(report).toEqual({ received: 3, transformed: 3, deadLettered: 0 });
  });

  it('sink writes a users.clean event into Cassandra', async () => {
    const schema = await codec.register(`${config.topics.clean}-value`, cleanUserSchema);
    const values = users.map((u) => codec.encode(schema, toCleanUser(u)));
    const report = await invokeLocal<{ written: number }>('sink', await kafkaEvent(config.topics.clean, values));
    expect(report).toMatchObject({ received: 3, written: 3, deadLettered: 0 });
    const result = await cassandra.execute('SELECT id FROM created_users WHERE id IN ?', [ids]);
    expect(result.rowLength).toBe(3);
  });

  describe('fetch (hands its batch to persist through the Lambda API of sls offline start)', () => {
    let server: RandomUserServer;
    let functions: OfflineProcess;
    beforeAll(async () => {
      server = await startRandomUser();
      functions = await startFunctions(server.apiUrl, 'functions-invoke-local');
    });
    afterAll(async () => {
      await functions?.stop();
      await server?.close();
    });

    it('fetches from the randomuser API and persists through serverless-offline, logging the batch id it stored', async () => {
      // No seed, as a scheduled fetch: the batch id is minted, once.
      const report = await invokeLocal<{ batchId: string; persisted: number }>('fetch', { results: 25 }, { RANDOMUSER_URL: server.apiUrl });
      expect(report).toMatchObject({ fetched: 25, valid: 25, persisted: 25, batchId: expect.stringMatching(/^adhoc:/) });
      expect(logLines.filter((l) => l.message === 'fetched').map((l) => l.batch_id)).toEqual([report.batchId]);
      const rows = await pool.query<{ user_id: string }>('SELECT user_id FROM raw_users WHERE batch_id = $1', [report.batchId]);
      expect(rows.rowCount).toBe(25);
      extraIds.push(...rows.rows.map((r) => r.user_id));
      // persist nudged publish; the running functions carry the users on to Cassandra. Waiting for
      // them also leaves no record of this test on users.clean for a later consumer to sink.
      expect(
        await waitForCassandra(
          cassandra,
          rows.rows.map((r) => r.user_id),
          120_000,
        ),
      ).toBe(25);
    }, 180_000);
  });
});
