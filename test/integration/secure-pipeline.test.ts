/**
 * The functions on the secure stack under `sls offline start`, configured by TRIBUTARY_SECURE alone
 * (scripts/pipeline/stack-env.ts, serverless.yml's secure mapping access): fetched users go through
 * persist, publish, transform and sink into Cassandra, every hop over verified TLS with credentials
 * from their files (the mappings' SASL/SCRAM and registry basic auth through offline-kafka's
 * secrets map), and a record whose schema the registry does not know reaches users.dlq. While they
 * run, no generated password is in any process's command line or in the environment of the
 * functions or the stack's services; after the run, none is in the functions' log. With a wrong password the function's error names the
 * service and the cause, and the password is nowhere in its answer or the log.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCassandra } from '../../layers/adapters/cassandra';
import { createKafka, createProducer } from '../../layers/adapters/kafka';
import { createLambdaClient, FunctionInvocationError, invokeFunction } from '../../layers/adapters/lambda';
import { createPool } from '../../layers/adapters/postgres';
import { topology } from '../../layers/config';
import type { FetchReport } from '../../layers/pipeline/fetch-users';
import { type OfflineProcess, startOffline } from '../../scripts/pipeline/offline';
import { functionsEnvironment } from '../../scripts/pipeline/stack-env';
import type { RandomUserServer } from '../../scripts/randomuser/server';
import { root, startRandomUser, userIdsOfBatch, waitForCassandra } from '../support/pipeline-harness';
import { type KnownSecret, knownSecrets, scanFile, scanProcesses, stackPids } from '../support/secure/secret-scan';
import { secureConfig } from '../support/secure/stack';

const config = secureConfig();
const lambda = createLambdaClient({ ...config.lambda, endpoint: `http://${config.host}:${topology.ports.offlineLambda}` });
const logFile = path.resolve(root, config.stack.home, 'logs', 'functions-secure-test.log');
const pool = createPool(config.postgres, { max: 2 });
const cassandra = createCassandra(config.cassandra);
const kafka = createKafka(config.kafka, { clientId: 'secure-pipeline-test' });
const scratch = mkdtempSync(path.join(tmpdir(), 'tributary-secure-pipeline-'));
const WRONG_PASSWORD = `wrong-${randomUUID()}`;
let server: RandomUserServer;
let secrets: KnownSecret[];

function functions(env: Record<string, string> = {}): Promise<OfflineProcess> {
  return startOffline({
    root,
    host: config.host,
    env: { ...functionsEnvironment(config), RANDOMUSER_URL: server.apiUrl, FETCH_SCHEDULE_ENABLED: 'false', KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    logFile,
  });
}

function invoke<T>(name: string, payload: unknown): Promise<T> {
  return invokeFunction<T>(lambda, `tributary-${config.lambda.stage}-${name}`, payload);
}

/** A record naming a schema id the registry has not given out: the mapping can only dead-letter it. */
async function producePoison(key: string): Promise<void> {
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    await producer.send({ topic: config.topics.raw, messages: [{ key, value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]) }] });
  } finally {
    await producer.disconnect();
  }
}

/** The on-failure condition of the users.dlq record with this key, read from the topic's start. */
async function deadLetterCondition(key: string): Promise<string> {
  const consumer = kafka.consumer({ groupId: `secure-dlq-reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: config.topics.dlq, fromBeginning: true });
    return await new Promise<string>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (String(message.key) === key) resolve((JSON.parse(String(message.value)) as { requestContext: { condition: string } }).requestContext.condition);
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

beforeAll(async () => {
  rmSync(logFile, { force: true });
  secrets = await knownSecrets(config);
  server = await startRandomUser();
});

afterAll(async () => {
  await server?.close();
  await Promise.allSettled([pool.end(), cassandra.shutdown()]);
  rmSync(scratch, { recursive: true, force: true });
});

describe('the functions on the secure stack', () => {
  it('takes fetched users into Cassandra and a poison record to users.dlq over TLS with authentication, and no secret shows in ps, an environment or the log', async () => {
    const sls = await functions();
    try {
      const report = await invoke<FetchReport>('fetch', { seed: `secure-${randomUUID()}`, results: 200 });
      const ids = await userIdsOfBatch(pool, report.batchId);
      expect(ids).toHaveLength(200);
      const poisonKey = `unknown-schema-${randomUUID()}`;
      await producePoison(poisonKey);
      expect(await waitForCassandra(cassandra, ids, 120_000)).toBe(200);
      expect(await deadLetterCondition(poisonKey)).toBe('SCHEMA_NOT_FOUND');
      expect(scanProcesses(secrets, [sls.child.pid ?? -1, ...stackPids(config)])).toEqual([]);
    } finally {
      await sls.stop();
    }
    expect(scanFile(logFile, secrets)).toEqual([]);
  }, 300_000);

  it("with a wrong PostgreSQL password, persist's error names the service and the cause, and shows no password", async () => {
    const wrong = path.join(scratch, 'postgres.json');
    writeFileSync(wrong, JSON.stringify({ username: 'tributary', password: WRONG_PASSWORD }), { mode: 0o600 });
    const logStart = statSync(logFile).size;
    const sls = await functions({ POSTGRES_CREDENTIALS: `file:${wrong}` });
    let error: unknown;
    try {
      error = await invoke('persist', { batchId: `secure-${randomUUID()}`, users: [], rejected: [] }).then(
        () => undefined,
        (err: unknown) => err,
      );
    } finally {
      await sls.stop();
    }
    expect(error).toBeInstanceOf(FunctionInvocationError);
    expect((error as Error).message).toMatch(/postgres: authentication failed \(password authentication failed for user "tributary"\)/);
    expect((error as Error).message).not.toContain(WRONG_PASSWORD);
    const logged = scanFile(logFile, [...secrets, { name: 'wrong', value: WRONG_PASSWORD }]);
    expect(logged).toEqual([]);
    expect(statSync(logFile).size).toBeGreaterThan(logStart);
  });
});
