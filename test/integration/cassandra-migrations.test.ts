/**
 * Cassandra migrations (infra/cassandra/migrations) against the real node: applied in name order,
 * each once, recorded in the keyspace's schema_migrations; a column a new migration adds reaches a
 * keyspace that already has the table, and the sink's upsert writes it.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, topology } from '../../layers/config';
import { createCassandra, migrateKeyspace } from '../../layers/adapters/cassandra';

const config = loadConfig();
const root = path.resolve(__dirname, '..', '..');

describe('Cassandra migrations', () => {
  const keyspace = `migrations_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-cql-'));
  const client = createCassandra(config.cassandra, { keyspace: null });

  beforeAll(() => cpSync(path.join(root, topology.cassandra.migrations), dir, { recursive: true }));
  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const columns = async (): Promise<string[]> =>
    (await client.execute("SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = 'created_users'", [keyspace])).rows.map(
      (r) => r.get('column_name') as string,
    );

  it('applies every migration once, in order, and records it', async () => {
    const first = await migrateKeyspace(client, keyspace, topology.cassandra.replication, dir);
    expect(first).toEqual(['001_created_users.cql', '002_signups_by_minute.cql']);
    expect(await migrateKeyspace(client, keyspace, topology.cassandra.replication, dir)).toEqual([]);
    const recorded = await client.execute(`SELECT name FROM ${keyspace}.schema_migrations`);
    expect(recorded.rows.map((r) => r.get('name') as string).sort()).toEqual(first);
    expect(await columns()).toContain('email');
  });

  it('brings a column a new migration adds to a keyspace that has the table', async () => {
    writeFileSync(path.join(dir, '003_add_nickname.cql'), '-- a field added later\nALTER TABLE created_users ADD nickname text;\n');
    expect(await columns()).not.toContain('nickname');
    expect(await migrateKeyspace(client, keyspace, topology.cassandra.replication, dir)).toEqual(['003_add_nickname.cql']);
    expect(await columns()).toContain('nickname');
    await client.execute(`INSERT INTO ${keyspace}.created_users (id, nickname) VALUES (?, ?)`, [randomUUID(), 'kept'], { prepare: true });
  });

  it('refuses a statement it cannot place in the keyspace, naming the file', async () => {
    writeFileSync(path.join(dir, '004_bad.cql'), 'INSERT INTO created_users (id) VALUES (uuid());\n');
    await expect(migrateKeyspace(client, keyspace, topology.cassandra.replication, dir)).rejects.toThrow(/004_bad\.cql: "INSERT INTO created_users/);
  });
});
