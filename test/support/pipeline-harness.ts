/**
 * End-to-end harness: the local randomuser server, `sls offline start` with the project's
 * serverless.yml (the real handlers, the offline Kafka event source), and readers that compare
 * PostgreSQL and Cassandra by user id.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';
import { loadConfig, topology } from '../../layers/config';
import { createLambdaClient, invokeFunction } from '../../layers/adapters/lambda';
import { startOffline, type OfflineProcess } from '../../scripts/pipeline/offline';
import { startRandomUserServer, type RandomUserServer } from '../../scripts/randomuser/server';

export const root = path.resolve(__dirname, '..', '..');
export const config = loadConfig();
const lambda = createLambdaClient({ ...config.lambda, endpoint: `http://127.0.0.1:${topology.ports.offlineLambda}` });

export async function startRandomUser(): Promise<RandomUserServer> {
  return startRandomUserServer({ port: 0 });
}

export async function startFunctions(randomUserApiUrl: string, logName: string): Promise<OfflineProcess> {
  return startOffline({
    root,
    env: { RANDOMUSER_URL: randomUserApiUrl, FETCH_SCHEDULE_ENABLED: 'false', KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    logFile: path.resolve(root, config.stack.home, 'logs', `${logName}.log`),
  });
}

export function invoke<T>(name: string, payload: unknown): Promise<T> {
  return invokeFunction<T>(lambda, `tributary-${config.lambda.stage}-${name}`, payload);
}

export async function userIdsOfBatch(pool: Pool, batchId: string): Promise<string[]> {
  const rows = await pool.query<{ user_id: string }>('SELECT user_id FROM raw_users WHERE batch_id = $1', [batchId]);
  return rows.rows.map((r) => r.user_id);
}

export async function idsInCassandra(cassandra: Client, ids: string[]): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const result = await cassandra.execute('SELECT id FROM created_users WHERE id IN ?', [ids.slice(i, i + 100)]);
    for (const row of result.rows) found.push(String(row.get('id')));
  }
  return found;
}

/**
 * Deletes users from Cassandra, a hundred partitions a statement, each statement tried up to five
 * times: right after a test restarted Cassandra, a write may time out on the server while the node
 * warms up (seen: "Server timeout during write query at consistency LOCAL_QUORUM").
 */
export async function deleteFromCassandra(cassandra: Client, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    for (let attempt = 1; ; attempt++) {
      try {
        await cassandra.execute('DELETE FROM created_users WHERE id IN ?', [ids.slice(i, i + 100)], { prepare: true });
        break;
      } catch (error) {
        if (attempt === 5) throw error;
        await sleep(2000);
      }
    }
  }
}

/** Polls until every id is in Cassandra; returns how many are there when it gives up. */
export async function waitForCassandra(cassandra: Client, ids: string[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let found = 0;
  while (Date.now() < deadline) {
    found = (await idsInCassandra(cassandra, ids).catch(() => [])).length;
    if (found === ids.length) return found;
    await sleep(1000);
  }
  return found;
}

export async function pendingOutbox(pool: Pool, ids: string[]): Promise<number> {
  const rows = await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL AND user_id = ANY($1::uuid[])', [ids]);
  return Number(rows.rows[0]?.n ?? 0);
}
