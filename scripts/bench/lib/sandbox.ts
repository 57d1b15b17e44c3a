/**
 * The pipeline benchmark's own data path on the shared stack: a PostgreSQL database, a Cassandra
 * keyspace, Kafka topics and consumer groups, all named after the run and provisioned as the
 * stack's own are (the same migrations, CQL, partitions), and the functions pointed at them
 * through a rewritten copy of serverless.yml.
 *
 * Why not the stack's own tables and topics: removing 100,000 users from created_users afterwards
 * leaves 100,000 tombstones for gc_grace_seconds (10 days), and a full scan (a `count(*)`, as
 * `npm start`'s live line or any independent client does) then fails with Cassandra's tombstone
 * limit. And a run on the shared outbox and consumer groups would publish and sink whatever
 * `npm start` had pending into the benchmark, then delete it. Dropping a keyspace, a database and
 * topics leaves nothing behind.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { escapeIdentifier } from 'pg';
import { parseDocument } from 'yaml';
import { createCassandra, migrateKeyspace } from '../../../layers/adapters/cassandra';
import { ensureTopics } from '../../../layers/adapters/kafka';
import { createPool, migrate } from '../../../layers/adapters/postgres';
import { topology, type Config, type TopicRole, type TopicSpec } from '../../../layers/config';

const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface Sandbox {
  database: string;
  keyspace: string;
  topics: Config['topics'];
  groups: { transform: string; sink: string };
}

/** Names only: lower-case letters, digits and underscores fit PostgreSQL, CQL and Kafka alike. */
export function sandboxFor(runId: string): Sandbox {
  const id = runId.toLowerCase().replace(/[^a-z0-9]/g, '');
  return {
    database: `bench_${id}`,
    keyspace: `bench_${id}`,
    topics: { raw: `bench.${id}.users.raw`, clean: `bench.${id}.users.clean`, dlq: `bench.${id}.users.dlq` },
    groups: { transform: `bench-${id}-transform`, sink: `bench-${id}-sink` },
  };
}

/** The configuration the benchmark's own clients use: the stack's endpoints, the sandbox's names. */
export function sandboxConfig(config: Config, sandbox: Sandbox): Config {
  return {
    ...config,
    postgres: { ...config.postgres, database: sandbox.database },
    cassandra: { ...config.cassandra, keyspace: sandbox.keyspace },
    topics: sandbox.topics,
  };
}

/** The manifest's topics under the sandbox's names (by role), partitions and settings unchanged. */
function sandboxTopics(sandbox: Sandbox): Parameters<typeof ensureTopics>[1] {
  return (Object.entries(topology.kafka.topics) as [TopicRole, TopicSpec][]).map(([role, t]) => ({ ...t, name: sandbox.topics[role] }));
}

/** Creates the database (migrated), the keyspace (with its tables) and the topics. */
export async function createSandbox(config: Config, kafka: Kafka, sandbox: Sandbox): Promise<void> {
  const admin = createPool(config.postgres, { max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${escapeIdentifier(sandbox.database)}`);
  } finally {
    await admin.end();
  }
  const pool = createPool({ ...config.postgres, database: sandbox.database }, { max: 1 });
  const cassandra = createCassandra(config.cassandra, { keyspace: null });
  try {
    await Promise.all([
      migrate(pool, path.join(ROOT, topology.postgres.migrations)),
      migrateKeyspace(cassandra, sandbox.keyspace, topology.cassandra.replication, path.join(ROOT, topology.cassandra.migrations)),
      ensureTopics(kafka, sandboxTopics(sandbox)),
    ]);
  } finally {
    await Promise.allSettled([pool.end(), cassandra.shutdown()]);
  }
}

/**
 * Drops everything createSandbox made (what exists of it), the registry subjects of its topics and
 * any `extraTopics` the run made besides; throws the first failure after trying all.
 */
export async function dropSandbox(config: Config, admin: Admin, sandbox: Sandbox, extraTopics: readonly string[] = []): Promise<void> {
  const pool = createPool(config.postgres, { max: 1 });
  const cassandra = createCassandra(config.cassandra, { keyspace: null });
  try {
    const results = await Promise.allSettled([
      // FORCE: a connection sls left behind must not keep the database.
      pool.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(sandbox.database)} WITH (FORCE)`),
      cassandra.execute(`DROP KEYSPACE IF EXISTS ${sandbox.keyspace}`),
      (async () => {
        const existing = new Set(await admin.listTopics());
        const topics = [...Object.values(sandbox.topics), ...extraTopics].filter((t) => existing.has(t));
        if (topics.length) await admin.deleteTopics({ topics });
        const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
        const ours = Object.values(sandbox.groups).filter((g) => groups.includes(g));
        if (ours.length) await admin.deleteGroups(ours);
      })(),
      ...Object.values(sandbox.topics).map((topic) => deleteSubject(config.schemaRegistry.url, `${topic}-value`)),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    await Promise.allSettled([pool.end(), cassandra.shutdown()]);
  }
}

/** Soft, then permanent delete (the Confluent API refuses a permanent delete first); a subject never registered is fine. */
async function deleteSubject(registryUrl: string, subject: string): Promise<void> {
  for (const query of ['', '?permanent=true']) {
    const response = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}${query}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
    if (response.status === 404) return;
    if (!response.ok) throw new Error(`deleting registry subject ${subject}: HTTP ${response.status} ${await response.text()}`);
  }
}

/** The logical id osls gives a kafka event's mapping (its naming.getKafkaEventLogicalId), for the functions here. */
function kafkaMappingLogicalId(functionKey: string, topic: string): string {
  const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  return `${upperFirst(functionKey)}EventSourceMappingKafka${upperFirst(topic.replace(/[^0-9A-Za-z]/g, ''))}`;
}

/**
 * Points a copy of serverless.yml at the sandbox: the functions' database, keyspace and topic
 * names, and the Kafka event sources' topics, consumer groups and on-failure topic, with the
 * mappings' CloudFormation extensions renamed to the ids the new topics give them. Everything else
 * is the file's.
 */
export function pointServerlessYmlAt(file: string, sandbox: Sandbox): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const set = (keyPath: (string | number)[], value: string): void => {
    if (!doc.hasIn(keyPath)) throw new Error(`${file}: ${keyPath.join('.')} not found; the benchmark cannot point it at its sandbox`);
    doc.setIn(keyPath, value);
  };
  set(['provider', 'environment', 'POSTGRES_DB'], sandbox.database);
  set(['provider', 'environment', 'CASSANDRA_KEYSPACE'], sandbox.keyspace);
  set(['provider', 'environment', 'TOPIC_USERS_RAW'], sandbox.topics.raw);
  set(['provider', 'environment', 'TOPIC_USERS_CLEAN'], sandbox.topics.clean);
  set(['provider', 'environment', 'TOPIC_USERS_DLQ'], sandbox.topics.dlq);
  for (const [fn, role, group] of [
    ['transform', 'raw', sandbox.groups.transform],
    ['sink', 'clean', sandbox.groups.sink],
  ] as const) {
    const topic = sandbox.topics[role];
    set(['functions', fn, 'events', 0, 'kafka', 'topic'], topic);
    set(['functions', fn, 'events', 0, 'kafka', 'consumerGroupId'], group);
    set(['functions', fn, 'events', 0, 'kafka', 'onFailureDestination'], `kafka://${sandbox.topics.dlq}`);
    const extension = ['resources', 'extensions', kafkaMappingLogicalId(fn, topology.kafka.topics[role].name)];
    set([...extension, 'Properties', 'SelfManagedKafkaEventSourceConfig', 'ConsumerGroupId'], group);
    const mapping = doc.getIn(extension);
    doc.deleteIn(extension);
    doc.setIn(['resources', 'extensions', kafkaMappingLogicalId(fn, topic)], mapping);
  }
  writeFileSync(file, doc.toString());
}
