/**
 * Provisioning from infra/topology.json: Kafka topics, PostgreSQL migrations, the Cassandra
 * keyspace and tables, the registry's compatibility mode. Idempotent. The native stack calls it at
 * the end of `up`; the compose `provision` service runs this file directly with container hosts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { logLevel } from 'kafkajs';
import { loadConfig, topicSpecs, topology, type Config } from '../../layers/config';
import { createCassandra, migrateKeyspace, migrationFiles } from '../../layers/adapters/cassandra';
import { awaitProducerIds, createKafka, ensureTopics } from '../../layers/adapters/kafka';
import { createPool, migrate } from '../../layers/adapters/postgres';
import { setGlobalCompatibility } from '../../layers/adapters/schema-registry';
import { ensureComposeCassandraRole } from './secure/compose-provision';
import type { StackContext } from './service';

const repoRoot = path.resolve(__dirname, '..', '..');

export interface ProvisionResult {
  topicsCreated: string[];
  migrationsApplied: string[];
  cassandraMigrationsApplied: string[];
}

export async function provisionAll(config: Config, log: (m: string) => void = () => undefined): Promise<ProvisionResult> {
  // Quiet: kafkajs logs every error answer at ERROR, even the expected "already exists" of a
  // restarted broker; what fails here is thrown with its reason.
  const kafka = createKafka(config.kafka, { clientId: 'tributary-provision', logLevel: logLevel.NOTHING });
  const pool = createPool(config.postgres, { max: 1 });
  const cassandra = createCassandra(config.cassandra, { keyspace: null });
  try {
    const [topicsCreated, migrationsApplied, cassandraMigrationsApplied] = await Promise.all([
      ensureTopics(kafka, topicSpecs).then(async (created) => {
        await awaitProducerIds(kafka, 60_000);
        return created;
      }),
      migrate(pool, path.join(repoRoot, topology.postgres.migrations)),
      migrateKeyspace(cassandra, config.cassandra.keyspace, topology.cassandra.replication, path.join(repoRoot, topology.cassandra.migrations)),
      setGlobalCompatibility(config.schemaRegistry, topology.schemaRegistry.compatibility),
    ]);
    if (topicsCreated.length > 0) log(`kafka: created topics ${topicsCreated.join(', ')}`);
    if (migrationsApplied.length > 0) log(`postgres: applied ${migrationsApplied.join(', ')}`);
    if (cassandraMigrationsApplied.length > 0) log(`cassandra: applied ${cassandraMigrationsApplied.join(', ')}`);
    return { topicsCreated, migrationsApplied, cassandraMigrationsApplied };
  } finally {
    await Promise.allSettled([pool.end(), cassandra.shutdown()]);
  }
}

/** A fingerprint of everything provisioning reads, so an unchanged, already-provisioned stack skips it. */
export function fingerprint(config: Config): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(topology)).update(JSON.stringify({ k: config.kafka.brokers, c: config.cassandra, p: config.postgres.database }));
  const migrations = path.join(repoRoot, topology.postgres.migrations);
  for (const f of readdirSync(migrations).sort()) hash.update(f).update(readFileSync(path.join(migrations, f)));
  for (const f of migrationFiles(path.join(repoRoot, topology.cassandra.migrations))) hash.update(path.basename(f)).update(readFileSync(f));
  return hash.digest('hex');
}

export async function provision(ctx: StackContext, options: { force: boolean }): Promise<boolean> {
  const stamp = path.join(ctx.home, 'run', 'provisioned');
  const print = fingerprint(ctx.config);
  if (!options.force && existsSync(stamp) && readFileSync(stamp, 'utf8') === print) return false;
  ctx.progress('provisioning topics, migrations, keyspace, registry compatibility');
  await provisionAll(ctx.config, ctx.progress);
  mkdirSync(path.dirname(stamp), { recursive: true });
  writeFileSync(stamp, print);
  return true;
}

// Compose's provision container. On compose's secure stack the Cassandra node's roles come first.
if (require.main === module) {
  const config = loadConfig();
  const log = (m: string): void => console.log(m);
  (config.secure ? ensureComposeCassandraRole(config, log) : Promise.resolve())
    .then(() => provisionAll(config, log))
    .then(() => console.log('provisioned'))
    .catch((err: unknown) => {
      console.error(`provisioning failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
