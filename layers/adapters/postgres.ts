/** PostgreSQL adapter: the only place the pipeline builds pg pools. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Pool, type PoolConfig } from 'pg';
import type { Config } from '../config';
import { tlsOptions } from './access';
import { postgresClientClass } from './postgres-auth';

/** Where and as whom; TLS and a credentials secret default to none (the plain dev stacks). */
export type PostgresConnection = Omit<Config['postgres'], 'tls' | 'credentials'> & Partial<Pick<Config['postgres'], 'tls' | 'credentials'>>;

export function createPool(config: PostgresConnection, options: Partial<PoolConfig> = {}): Pool {
  const ssl = tlsOptions(config.tls);
  return new Pool({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: config.password,
    // Each new connection reads the credentials from their secret (cached) and names a refusal.
    Client: postgresClientClass(config.credentials),
    ...(ssl ? { ssl } : {}),
    max: 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 10_000,
    ...options,
  });
}

// An arbitrary constant: two provisioners racing take turns instead of applying a migration twice.
const MIGRATION_LOCK = 0x7472_6962;

/** Applies infra/postgres/migrations/*.sql in name order, each once, each in its own transaction. */
export async function migrate(pool: Pool, directory: string): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    for (const file of readdirSync(directory)
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      if (done.has(file)) continue;
      await client.query('BEGIN');
      try {
        await client.query(readFileSync(path.join(directory, file), 'utf8'));
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
        applied.push(file);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}
