/** Cassandra adapter: the only place the pipeline builds cassandra-driver clients. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, auth, policies, types } from 'cassandra-driver';
import type { Config } from '../config';
import { describeAccessFailure, tlsOptions } from './access';
import { cassandraAuthProvider, keyspacesGuard } from './cassandra-auth';

/** Where and which keyspace; TLS and authentication default to none (a test node of its own). */
export type CassandraConnection = Omit<Config['cassandra'], 'tls' | 'auth'> & Partial<Pick<Config['cassandra'], 'tls' | 'auth'>>;

export interface CassandraOptions {
  /** Omit to connect without a keyspace (provisioning creates it). */
  keyspace?: string | null;
  username?: string;
  password?: string;
}

export function createCassandra(config: CassandraConnection, options: CassandraOptions = {}): Client {
  const keyspace = options.keyspace === undefined ? config.keyspace : (options.keyspace ?? undefined);
  const sslOptions = tlsOptions(config.tls);
  const client = new Client({
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    keyspace,
    authProvider: options.username ? new auth.PlainTextAuthProvider(options.username, options.password ?? '') : cassandraAuthProvider(config.auth),
    ...(sslOptions ? { sslOptions } : {}),
    queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
    socketOptions: { connectTimeout: 5000, readTimeout: 15_000 },
    // The default backs off to 10 minutes; a node back from a restart should be used within seconds.
    policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 5000, false) },
  });
  const connect = client.connect.bind(client) as () => Promise<void>;
  // A refused connection names its cause (certificate, credentials) instead of "All host(s) tried".
  Object.assign(client, { connect: () => connect().catch((err: unknown) => Promise.reject(describeAccessFailure('cassandra', err))) });
  return config.auth?.mechanism === 'sigv4' ? keyspacesGuard(client) : client;
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

/** The migrations of a folder (NNN_name.cql), in the order they apply. */
export function migrationFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cql'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The table-level statements a migration may hold, with the table name to qualify by keyspace. */
const QUALIFIABLE =
  /^(CREATE TABLE(?: IF NOT EXISTS)?|ALTER TABLE(?: IF EXISTS)?|DROP TABLE(?: IF EXISTS)?|CREATE (?:CUSTOM )?INDEX(?: IF NOT EXISTS)?(?: \w+)? ON|CREATE TYPE(?: IF NOT EXISTS)?|ALTER TYPE|DROP TYPE(?: IF EXISTS)?)\s+(\w+)\b/i;

function qualified(statement: string, keyspace: string, file: string): string {
  const match = QUALIFIABLE.exec(statement);
  if (!match) throw new Error(`${path.basename(file)}: "${statement.slice(0, 60)}…" is not a table, index or type statement a migration may hold`);
  return statement.replace(QUALIFIABLE, `$1 ${keyspace}.$2`);
}

/**
 * Creates the keyspace, then applies the migrations of `dir` in name order, each once, recorded in
 * the keyspace's schema_migrations table as PostgreSQL's are — so a column added by a new
 * migration reaches an existing stack. Returns the migrations applied now.
 */
export async function migrateKeyspace(client: Client, keyspace: string, replication: Record<string, string | number>, dir: string): Promise<string[]> {
  if (!/^[a-z_][a-z0-9_]*$/i.test(keyspace)) throw new Error(`invalid keyspace name "${keyspace}"`);
  const replicationCql = JSON.stringify(replication).replaceAll('"', "'");
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replicationCql}`);
  await client.execute(`CREATE TABLE IF NOT EXISTS ${keyspace}.schema_migrations (name text PRIMARY KEY, applied_at timestamp)`);
  const done = new Set((await client.execute(`SELECT name FROM ${keyspace}.schema_migrations`)).rows.map((r) => r.get('name') as string));
  const applied: string[] = [];
  for (const file of migrationFiles(dir)) {
    const name = path.basename(file);
    if (done.has(name)) continue;
    for (const statement of cqlStatements(file)) await client.execute(qualified(statement, keyspace, file));
    await client.execute(`INSERT INTO ${keyspace}.schema_migrations (name, applied_at) VALUES (?, ?)`, [name, new Date()]);
    applied.push(name);
  }
  return applied;
}
