/**
 * The functions on the secure stack under `sls offline start`, configured by TRIBUTARY_SECURE alone
 * (scripts/pipeline/stack-env.ts): fetch hands users to persist, which stores them in PostgreSQL
 * over verified TLS with credentials from their file. While they run, no generated password is in
 * any process's command line or in the environment of the functions or the stack's services; after
 * the run, none is in the functions' log. With a wrong password the function's error names the
 * service and the cause, and the password is nowhere in its answer or the log.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLambdaClient, FunctionInvocationError, invokeFunction } from '../../layers/adapters/lambda';
import { createPool } from '../../layers/adapters/postgres';
import { topology } from '../../layers/config';
import type { FetchReport } from '../../layers/pipeline/fetch-users';
import { type OfflineProcess, startOffline } from '../../scripts/pipeline/offline';
import { functionsEnvironment } from '../../scripts/pipeline/stack-env';
import type { RandomUserServer } from '../../scripts/randomuser/server';
import { root, startRandomUser } from '../support/pipeline-harness';
import { type KnownSecret, knownSecrets, scanFile, scanProcesses, stackPids } from '../support/secure/secret-scan';
import { secureConfig } from '../support/secure/stack';

const config = secureConfig();
const lambda = createLambdaClient({ ...config.lambda, endpoint: `http://${config.host}:${topology.ports.offlineLambda}` });
const logFile = path.resolve(root, config.stack.home, 'logs', 'functions-secure-test.log');
const pool = createPool(config.postgres, { max: 2 });
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

beforeAll(async () => {
  rmSync(logFile, { force: true });
  secrets = await knownSecrets(config);
  server = await startRandomUser();
});

afterAll(async () => {
  await server?.close();
  await pool.end();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the functions on the secure stack', () => {
  it('fetch and persist store users over TLS, and no secret shows in ps, an environment or the log', async () => {
    const sls = await functions();
    try {
      const report = await invoke<FetchReport>('fetch', { seed: `secure-${randomUUID()}`, results: 200 });
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM raw_users WHERE batch_id = $1', [report.batchId]);
      expect(Number(rows[0]?.n)).toBe(200);
      expect(scanProcesses(secrets, [sls.child.pid ?? -1, ...stackPids(config)])).toEqual([]);
    } finally {
      await sls.stop();
    }
    expect(scanFile(logFile, secrets)).toEqual([]);
  });

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
