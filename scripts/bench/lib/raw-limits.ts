/**
 * The raw limits of the stack, each measured with its client alone on the same kind of data the
 * pipeline moves: Cassandra upserts (cassandra-driver, created_users' definition and the sink's
 * prepared statement, a fixed number in flight), PostgreSQL COPY of raw users (pg +
 * pg-copy-streams into a scratch copy of raw_users), and Kafka produce (kafkajs, the Avro users.raw
 * values, acks=all). Scratch tables and topics are dropped after.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Kafka, Message } from 'kafkajs';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';
import type { AvroCodec } from '../../../layers/adapters/avro-codec';
import { upsertParams, upsertStatement } from '../../../layers/adapters/created-users-store';
import { createProducer } from '../../../layers/adapters/kafka';
import { rawUserSchema, toRawAvro } from '../../../layers/domain/avro';
import type { RandomUser } from '../../../layers/domain/randomuser';
import { toCleanUser } from '../../../layers/domain/transform';
import { machineBusySeconds } from './cpu';
import { chunks, forEachConcurrent } from './stats';

export interface LimitRun {
  /** What was measured, for the report. */
  label: string;
  items: number;
  ms: number;
  bytes?: number;
  /** CPU seconds the whole machine was busy during the timed part (every process, every core). */
  machineCpu: number;
}

/**
 * created_users' definition as the live keyspace has it (every migration applied), under another
 * name: the scratch table always has the columns the sink's upsert writes.
 */
export async function scratchTableCql(client: Client, table: string): Promise<string> {
  const { rows } = await client.execute("SELECT column_name, type, kind FROM system_schema.columns WHERE keyspace_name = ? AND table_name = 'created_users'", [
    client.keyspace,
  ]);
  if (rows.length === 0) throw new Error(`keyspace ${client.keyspace} has no created_users table`);
  const columns = rows.map((r) => `${r.get('column_name') as string} ${r.get('type') as string}`);
  const key = rows.filter((r) => r.get('kind') === 'partition_key').map((r) => r.get('column_name') as string);
  return `CREATE TABLE ${table} (${columns.join(', ')}, PRIMARY KEY ((${key.join(', ')})))`;
}

// The warm-up: this many writes, in rounds of this many (each round's rate goes to the progress log).
const WARM_UP_WRITES = 100_000;
const WARM_UP_ROUND = 10_000;

/**
 * Writes before anything is timed, so the timed runs (and the pipeline after them) meet a warm node.
 * A Cassandra that has just started runs its write path interpreted until the JIT has compiled it
 * and speeds up over some 100,000 writes: measured here, from 1,400 writes/s in the first 10,000 to
 * 4,000–7,000 after 100,000 (the spread is this shared machine's noise, so a fixed count rather than
 * waiting for two equal rounds). A raw limit taken on a cold node is too low and flatters the
 * pipeline's ratio to it: 0.58 in a run on a stack just started, against 0.36 warm. On a slower
 * machine 100,000 were not enough (4,014 writes/s, then 6,837 in the next run), so the pipeline
 * benchmark measures the limit once more after the pipeline has run (cassandraLimitAgain).
 */
async function warmUp(
  writeAll: (rows: readonly unknown[][], level: number) => Promise<{ ms: number }>,
  params: readonly unknown[][],
  level: number,
  writes: number,
  onProgress: (message: string) => void,
): Promise<void> {
  const rows = params.slice(0, WARM_UP_ROUND);
  for (let written = 0; written < writes; written += rows.length) {
    const rate = (rows.length / (await writeAll(rows, level)).ms) * 1000;
    onProgress(`Cassandra warm-up: ${written + rows.length} writes, the last ${rows.length} at ${Math.round(rate)} /s`);
  }
}

/**
 * Upserts the users with cassandra-driver alone: the sink's prepared INSERT, executeConcurrent-style
 * (a fixed number of statements in flight), into a scratch table with created_users' definition in
 * the same keyspace (so the shared table gets neither the rows nor 100k tombstones; dropped after).
 * A write the node answers with a timeout is retried, as the sink's batch retry would, and counted.
 */
export async function cassandraLimit(
  client: Client,
  users: readonly RandomUser[],
  concurrencyLevels: readonly number[],
  onProgress: (message: string) => void = () => undefined,
  { warmUpWrites = WARM_UP_WRITES, labelSuffix = '' }: { warmUpWrites?: number; labelSuffix?: string } = {},
): Promise<LimitRun[]> {
  const table = `bench_created_users_${randomUUID().slice(0, 8)}`;
  const now = new Date();
  const params = upsertParams(
    users.map((user, i) => ({ user: toCleanUser(user), sourceOffset: `bench-raw@${i}` })),
    now,
  );
  const insert = upsertStatement(table);
  /** Writes the rows with `level` in flight; a write the node answers with a timeout is retried. */
  const writeAll = async (rows: readonly unknown[][], level: number): Promise<{ ms: number; retried: number }> => {
    let retried = 0;
    const started = performance.now();
    await forEachConcurrent(rows, level, async (row) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await client.execute(insert, row, { prepare: true });
          return;
        } catch (error) {
          if (attempt >= 10) throw error;
          retried++;
        }
      }
    });
    return { ms: performance.now() - started, retried };
  };
  await client.execute(await scratchTableCql(client, table));
  try {
    await warmUp(writeAll, params, Math.max(...concurrencyLevels), warmUpWrites, onProgress);
    const runs: LimitRun[] = [];
    for (const level of concurrencyLevels) {
      const cpuStart = machineBusySeconds();
      const { ms, retried } = await writeAll(params, level);
      const machineCpu = machineBusySeconds() - cpuStart;
      runs.push({
        label: `prepared INSERT, ${level} in flight${labelSuffix}${retried ? ` (${retried} timed out and retried)` : ''}`,
        items: params.length,
        ms,
        machineCpu,
      });
    }
    return runs;
  } finally {
    await client.execute(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}

/** COPY text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * COPY of every user (uuid, jsonb payload, batch id) into a scratch table shaped like raw_users
 * (LIKE … INCLUDING ALL: the primary key, defaults), logged like raw_users; dropped after.
 */
export async function postgresCopyLimit(pool: Pool, users: readonly RandomUser[]): Promise<LimitRun> {
  const table = `bench_raw_users_${randomUUID().slice(0, 8)}`;
  const batchId = `bench:copy:${table}`;
  const lines = users.map((u) => `${u.login.uuid}\t${copyText(JSON.stringify(u))}\t${batchId}\n`);
  const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
  const client = await pool.connect();
  try {
    await client.query(`CREATE TABLE ${table} (LIKE raw_users INCLUDING ALL)`);
    const cpuStart = machineBusySeconds();
    const started = performance.now();
    await client.query('BEGIN');
    const stream = client.query(copyFrom(`COPY ${table} (user_id, payload, batch_id) FROM STDIN`));
    await pipeline(Readable.from(chunks(lines, 500).map((c) => c.join(''))), stream);
    await client.query('COMMIT');
    const ms = performance.now() - started;
    return { label: 'COPY FROM STDIN into a copy of raw_users, one transaction', items: users.length, ms, bytes, machineCpu: machineBusySeconds() - cpuStart };
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    client.release();
  }
}

export interface KafkaLimitOptions {
  topic: string;
  batchSize: number;
  /** sendBatch calls in flight at once. */
  inFlight: number;
}

/** The users as publish sends them: Avro users.raw values with the registered schema id, key = user id. */
export async function rawUserMessages(codec: AvroCodec, subject: string, users: readonly RandomUser[]): Promise<Message[]> {
  const schema = await codec.register(subject, rawUserSchema);
  const fetchedAt = new Date();
  return users.map((u) => ({
    key: u.login.uuid,
    value: codec.encode(schema, toRawAvro(u, { batch_id: 'bench:kafka', fetched_at: fetchedAt, source: 'randomuser' })),
    headers: { batch_id: 'bench:kafka', outbox_id: '0' },
  }));
}

/** Produces every message with the pipeline's producer settings (idempotent, acks=all), in sendBatch calls. */
export async function kafkaProduceLimit(kafka: Kafka, messages: readonly Message[], options: KafkaLimitOptions): Promise<LimitRun> {
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    // Warm-up: metadata, connections to the leaders; not counted.
    await producer.sendBatch({ topicMessages: [{ topic: options.topic, messages: messages.slice(0, 100) }], acks: -1 });
    const cpuStart = machineBusySeconds();
    const started = performance.now();
    await forEachConcurrent(chunks(messages, options.batchSize), options.inFlight, async (batch) => {
      await producer.sendBatch({ topicMessages: [{ topic: options.topic, messages: batch }], acks: -1 });
    });
    const ms = performance.now() - started;
    const machineCpu = machineBusySeconds() - cpuStart;
    const bytes = messages.reduce((sum, m) => sum + (m.value as Buffer).length + String(m.key).length, 0);
    return { label: `sendBatch of ${options.batchSize}, ${options.inFlight} in flight, acks=all, idempotent`, items: messages.length, ms, bytes, machineCpu };
  } finally {
    await producer.disconnect();
  }
}
