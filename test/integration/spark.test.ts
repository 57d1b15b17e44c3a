/**
 * The Spark job (spark/user_aggregates.py) over a known set of users: clean users encoded by the
 * pipeline's own codec onto a topic of this run's own, the job run with trigger availableNow into a
 * keyspace of this run's own, and its Cassandra rows compared with counts this test makes itself.
 * Then the job again from its checkpoint with more users (some written with newer schemas, some
 * re-sent), and a micro-batch replayed as after a crash between the Cassandra write and the
 * checkpoint commit: every count stays exact, nothing counted twice.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Message } from 'kafkajs';
import { loadConfig, topology } from '../../layers/config';
import type { RegisteredSchema } from '../../layers/adapters/avro-codec';
import { createCassandra, migrateKeyspace } from '../../layers/adapters/cassandra';
import { createKafka, createProducer } from '../../layers/adapters/kafka';
import { createAvroCodec } from '../../layers/adapters/schema-registry';
import { cleanUserSchema, type AvroRecordSchema } from '../../layers/domain/avro';
import type { RandomUser } from '../../layers/domain/randomuser';
import { toCleanUser, type CleanUser } from '../../layers/domain/transform';
import { generateUsers } from '../../scripts/randomuser/generator';
import { createContext } from '../../scripts/stack/context';
import { userAggregatesCommand } from '../../scripts/stack/services/spark';

const config = loadConfig();
const ctx = createContext((m) => process.stderr.write(`[spark test] ${m}\n`));
const run = randomUUID().slice(0, 8);
const topic = `test.${run}.users.clean`;
const subject = `${topic}-value`;
// A schema only this side subject holds: its id is not among the job's subject versions at start.
const sideSubject = `test.${run}.side-value`;
const keyspace = `spark_test_${run}`;
const checkpointDir = path.join(ctx.dataDir('spark'), 'test-checkpoints', run);
const kafka = createKafka(config.kafka, { clientId: 'spark-test' });
const admin = kafka.admin();
const producer = createProducer(kafka);
const codec = createAvroCodec(config.schemaRegistry);
const cassandra = createCassandra(config.cassandra, { keyspace: null });

const MINUTE = 60_000;
type Dimension = 'nat' | 'gender' | 'age_bucket';
const TABLES: Record<Dimension, string> = { nat: 'signups_by_nat_minute', gender: 'signups_by_gender_minute', age_bucket: 'signups_by_age_bucket_minute' };

/** A clean user as put on the topic: the record's Kafka timestamp is its signup time. */
interface Sent {
  user: CleanUser;
  at: number;
}

function cleanUsers(seed: string, results: number): CleanUser[] {
  const raw = generateUsers({ results, seed: `${seed}-${run}`, page: 1, nats: null, gender: null, now: new Date('2026-01-01T00:00:00Z') });
  return (raw as unknown as RandomUser[]).map(toCleanUser);
}

function withOptionalField(name: string, fields: AvroRecordSchema['fields'] = cleanUserSchema.fields): AvroRecordSchema {
  return { ...cleanUserSchema, fields: [...fields, { name, type: ['null', 'string'], default: null }] };
}

async function produce(sent: Sent[], schema: RegisteredSchema): Promise<void> {
  const messages: Message[] = sent.map(({ user, at }) => ({ key: user.id, value: codec.encode(schema, user), timestamp: String(at) }));
  await producer.send({ topic, messages, acks: -1 });
}

// ---------------------------------------------------------------------------------------------
// The expected aggregates, computed here without Spark.

function utcStamp(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
}

/** Whole years from dob to the signup, on the UTC calendar, in the job's buckets. */
function ageBucket(dob: Date, at: Date): string {
  const age = at.getUTCFullYear() - dob.getUTCFullYear() - (utcStamp(at) < utcStamp(dob) ? 1 : 0);
  if (age < 0) return 'unknown';
  for (const [bound, label] of [
    [18, '0-17'],
    [25, '18-24'],
    [35, '25-34'],
    [45, '35-44'],
    [55, '45-54'],
    [65, '55-64'],
  ] as const)
    if (age < bound) return label;
  return '65+';
}

/** "<window start ISO>|<value>" → signups, per dimension; a user id counts once, at its first record. */
function expectedAggregates(sent: Sent[]): Record<Dimension, Record<string, number>> {
  const first = new Map<string, Sent>();
  for (const s of sent) if (!first.has(s.user.id)) first.set(s.user.id, s);
  const out: Record<Dimension, Record<string, number>> = { nat: {}, gender: {}, age_bucket: {} };
  for (const { user, at } of first.values()) {
    const window = new Date(Math.floor(at / MINUTE) * MINUTE).toISOString();
    const values: Record<Dimension, string> = { nat: user.nat, gender: user.gender, age_bucket: ageBucket(user.dob, new Date(at)) };
    for (const dimension of Object.keys(values) as Dimension[]) {
      const key = `${window}|${values[dimension]}`;
      out[dimension][key] = (out[dimension][key] ?? 0) + 1;
    }
  }
  return out;
}

async function aggregatesInCassandra(): Promise<Record<Dimension, Record<string, number>>> {
  const out: Record<Dimension, Record<string, number>> = { nat: {}, gender: {}, age_bucket: {} };
  for (const [dimension, table] of Object.entries(TABLES) as [Dimension, string][]) {
    const result = await cassandra.execute(`SELECT day, window_start, window_end, ${dimension}, signups FROM ${keyspace}.${table}`, [], { fetchSize: 10_000 });
    for (const row of result.rows) {
      const start = row.get('window_start') as Date;
      // The row's own consistency: a one-minute window in its UTC day's partition.
      expect((row.get('window_end') as Date).getTime() - start.getTime()).toBe(MINUTE);
      expect(String(row.get('day'))).toBe(start.toISOString().slice(0, 10));
      const key = `${start.toISOString()}|${row.get(dimension) as string}`;
      expect(out[dimension][key]).toBeUndefined();
      out[dimension][key] = Number(row.get('signups'));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The job, as the native service runs it but with trigger availableNow and no UI.

async function runJob(): Promise<string> {
  const spec = await userAggregatesCommand(ctx, { topic, keyspace, checkpointDir, availableNow: true, ui: false });
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 8 * MINUTE);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`spark-submit exited with ${code ?? signal}:\n${output.split('\n').slice(-40).join('\n')}`));
    });
  });
}

/**
 * Makes the checkpoint look as if the job died after the last data batch wrote Cassandra but
 * before Spark committed it: that batch's commit (and any later no-data batch) is removed, so the
 * next run replays it with the same offsets and the same state.
 */
function forgetLastCommit(): number {
  const ids = (dir: string): number[] =>
    readdirSync(path.join(checkpointDir, dir))
      .filter((f) => /^\d+$/.test(f))
      .map(Number)
      .sort((a, b) => a - b);
  const sourceOffsets = (id: number): string =>
    readFileSync(path.join(checkpointDir, 'offsets', String(id)), 'utf8')
      .split('\n')
      .slice(2)
      .join('\n');
  const batches = ids('offsets');
  const lastData = [...batches].reverse().find((id, i, rev) => rev[i + 1] === undefined || sourceOffsets(id) !== sourceOffsets(rev[i + 1]!));
  if (lastData === undefined) throw new Error(`no data batch in ${checkpointDir}`);
  const remove = (dir: string, id: number): void => {
    for (const name of [String(id), `.${id}.crc`]) rmSync(path.join(checkpointDir, dir, name), { force: true });
  };
  for (const id of batches.filter((b) => b > lastData)) {
    remove('offsets', id);
    remove('commits', id);
  }
  remove('commits', lastData);
  return lastData;
}

// ---------------------------------------------------------------------------------------------

const base = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
const sent: Sent[] = [];

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await producer.connect();
  await migrateKeyspace(cassandra, keyspace, topology.cassandra.replication, path.join(ctx.root, topology.cassandra.migrations));
  // The venv and the connector jars (a first install takes a minute or two).
  await userAggregatesCommand(ctx, { topic, keyspace, checkpointDir, availableNow: true, ui: false });
}, 15 * MINUTE);

afterAll(async () => {
  await cassandra.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  for (const s of [subject, sideSubject]) {
    await fetch(`${config.schemaRegistry.url}/subjects/${s}`, { method: 'DELETE' }).catch(() => undefined);
  }
  rmSync(checkpointDir, { recursive: true, force: true });
  if (readdirSync(path.dirname(checkpointDir)).length === 0) rmSync(path.dirname(checkpointDir), { recursive: true });
  await Promise.allSettled([admin.disconnect(), producer.disconnect(), cassandra.shutdown()]);
});

describe('the Spark job over a known set of users', () => {
  it(
    'writes per-minute signups by nationality, gender and age bucket equal to an independent count',
    async () => {
      const v1 = await codec.register(subject, cleanUserSchema);
      const users = cleanUsers('first', 240);
      // Four minutes of signups, about one a second.
      const batch = users.map((user, i) => ({ user, at: base + i * 997 }));
      // A retried transform batch: the same users again half a second later (same minute).
      const retried = batch
        .filter(({ at }) => at % MINUTE < 59_000)
        .slice(0, 12)
        .map(({ user, at }) => ({ user, at: at + 500 }));
      await produce(batch, v1);
      await produce(retried, v1);
      // Records that are not clean users are skipped, never crash the job.
      await producer.send({
        topic,
        acks: -1,
        messages: [
          { key: 'garbage', value: Buffer.from('{"not":"avro"}'), timestamp: String(base) },
          { key: 'truncated', value: codec.encode(v1, users[0]!).subarray(0, 20), timestamp: String(base) },
        ],
      });
      sent.push(...batch, ...retried);

      const output = await runJob();
      expect(output).toMatch(/batch \d+: upserted/);
      const actual = await aggregatesInCassandra();
      const expected = expectedAggregates(sent);
      expect(actual).toEqual(expected);
      expect(Object.values(actual.nat).reduce((a, b) => a + b, 0)).toBe(240);
      expect(
        Object.keys(actual.nat)
          .map((k) => k.split('|')[0])
          .sort()
          .at(0),
      ).toBe(new Date(base).toISOString());
    },
    15 * MINUTE,
  );

  it(
    'restarted from its checkpoint with more users, counts the new ones once and the old ones not again',
    async () => {
      // Newer writers: one registered under the subject (loaded at start), one only elsewhere (the
      // job meets its id mid-stream, loads it from the registry and restarts the query).
      const v2 = await codec.register(subject, withOptionalField('middle_name'));
      const v3 = await codec.register(sideSubject, withOptionalField('title', withOptionalField('middle_name').fields));
      const users = cleanUsers('second', 120);
      // Overlapping the first run's last two minutes and going on past them.
      const batch = users.map((user, i) => ({ user, at: base + 2 * MINUTE + i * 1500 }));
      // First-run users re-sent within the watermark delay: already counted, so not again.
      const resent = sent.slice(100, 110).map(({ user }, i) => ({ user, at: base + 4 * MINUTE + i * 1000 }));
      await produce(batch.slice(0, 60), v2);
      await produce(batch.slice(60), v3);
      await produce(resent, v2);
      sent.push(...batch, ...resent);

      const output = await runJob();
      expect(output).toMatch(new RegExp(`schema id ${v3.id} loaded; restarting the query`));
      const actual = await aggregatesInCassandra();
      expect(actual).toEqual(expectedAggregates(sent));
      expect(Object.values(actual.nat).reduce((a, b) => a + b, 0)).toBe(240 + 120);
    },
    15 * MINUTE,
  );

  it(
    'replays a micro-batch whose commit was lost after its Cassandra write, and the counts stay the same',
    async () => {
      const before = await aggregatesInCassandra();
      const replayed = forgetLastCommit();
      const output = await runJob();
      expect(output).toMatch(new RegExp(`batch ${replayed}: upserted`));
      expect(await aggregatesInCassandra()).toEqual(before);
      expect(before).toEqual(expectedAggregates(sent));
    },
    15 * MINUTE,
  );
});
