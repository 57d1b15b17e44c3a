/** Cassandra adapter: the only place the pipeline builds cassandra-driver clients. */
import { readFileSync } from 'node:fs';
import { Client, auth, policies, types } from 'cassandra-driver';
import type { Config } from '../config';

export interface CassandraOptions {
  /** Omit to connect without a keyspace (provisioning creates it). */
  keyspace?: string | null;
  username?: string;
  password?: string;
}

export function createCassandra(config: Config['cassandra'], options: CassandraOptions = {}): Client {
  const keyspace = options.keyspace === undefined ? config.keyspace : options.keyspace ?? undefined;
  return new Client({
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    keyspace,
    authProvider: options.username ? new auth.PlainTextAuthProvider(options.username, options.password ?? '') : undefined,
    queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
    socketOptions: { connectTimeout: 5000, readTimeout: 15_000 },
    // The default backs off to 10 minutes; a node back from a restart should be used within seconds.
    policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 5000, false) },
  });
}

/** CQL statements of a schema file: comments dropped, split on the semicolons that end them. */
export function cqlStatements(schemaFile: string): string[] {
  return readFileSync(schemaFile, 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Creates the keyspace and its tables (all statements are IF NOT EXISTS, so it is idempotent). */
export async function ensureKeyspace(client: Client, keyspace: string, replication: Record<string, string | number>, schemaFile: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/i.test(keyspace)) throw new Error(`invalid keyspace name "${keyspace}"`);
  const replicationCql = JSON.stringify(replication).replaceAll('"', "'");
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replicationCql}`);
  for (const statement of cqlStatements(schemaFile)) {
    await client.execute(statement.replace(/CREATE TABLE IF NOT EXISTS (\w+)/i, `CREATE TABLE IF NOT EXISTS ${keyspace}.$1`));
  }
}
