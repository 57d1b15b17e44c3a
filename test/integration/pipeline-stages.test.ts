/**
 * The pipeline's stages against the real stack, called directly (the offline runtime is tested in
 * end-to-end tests): persist → publish → transform → sink, with duplicates, bad records and
 * one publisher at a time. Users come from the local randomuser generator.
 */
import { randomUUID } from 'node:crypto';
import type { EachBatchPayload } from 'kafkajs';
import { type Schema, Type } from 'avsc';
import { createCassandra } from '../../layers/adapters/cassandra';
import { cassandraCreatedUsers } from '../../layers/adapters/created-users-store';
import { createKafka, createProducer, kafkaTopicWriter } from '../../layers/adapters/kafka';
import { postgresOutbox, postgresRawUsers } from '../../layers/adapters/raw-users-store';
import { createPool } from '../../layers/adapters/postgres';
import { createAvroCodec } from '../../layers/adapters/schema-registry';
import { config, deleteFromCassandra } from '../support/pipeline-harness';
import { cleanUserJson, rawUserJson } from '../../layers/domain/avro';
import type { RandomUser } from '../../layers/domain/randomuser';
import { logger } from '../../layers/logging/logger';
import { persistUsers } from '../../layers/pipeline/persist-users';
import { publishOutbox } from '../../layers/pipeline/publish-outbox';
import { sinkRecords } from '../../layers/pipeline/sink-records';
import { transformRecords } from '../../layers/pipeline/transform-records';
import { generateUsers } from '../../scripts/randomuser/generator';
import { mappingRecords, type TopicMessage } from '../support/mapping-decoding';

const pool = createPool(config.postgres);
const rawUsers = postgresRawUsers(pool);
const outbox = postgresOutbox(pool);
const kafka = createKafka(config.kafka, { clientId: 'pipeline-stages-test' });
const producer = createProducer(kafka);
const codec = createAvroCodec(config.schemaRegistry);
const cassandra = createCassandra(config.cassandra);
const admin = kafka.admin();
// Each run uses its own topics, so it never reads another run's (or the live pipeline's) messages.
const run = randomUUID().slice(0, 8);
const topics = { raw: `test.${run}.users.raw`, clean: `test.${run}.users.clean`, dlq: `test.${run}.users.dlq`, sole: `test.${run}.users.raw.sole` };
const touchedIds: string[] = [];
const quiet = { ...logger, warn: () => undefined, info: () => undefined } as unknown as typeof logger;
const invocation = {
  requestId: `pipeline-stages-${run}`,
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:tributary-test',
  executedVersion: '$LATEST',
};
const bootstrapServers = config.kafka.brokers.join(',');

function users(seed: string, results: number): RandomUser[] {
  const generated = generateUsers({ results, seed, page: 1, nats: null, gender: null, now: new Date('2026-01-01T00:00:00Z') }) as unknown as RandomUser[];
  touchedIds.push(...generated.map((u) => u.login.uuid));
  return generated;
}

async function readAll(topic: string, expected: number): Promise<TopicMessage[]> {
  const consumer = kafka.consumer({ groupId: `test-read-${randomUUID()}` });
  const seen: TopicMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length}/${expected} messages on ${topic}`)), 30_000);
    void consumer.run({
      eachBatch: async ({ batch }: EachBatchPayload) => {
        seen.push(...batch.messages.map((m) => ({ ...m, partition: batch.partition })));
        if (seen.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
  await producer.connect();
});

afterAll(async () => {
  // Leave the stack's tables as they were: this run's users go.
  await pool.query('DELETE FROM outbox WHERE user_id = ANY($1::uuid[])', [touchedIds]);
  await pool.query('DELETE FROM raw_users WHERE user_id = ANY($1::uuid[])', [touchedIds]);
  await pool.query('DELETE FROM rejected_users WHERE batch_id LIKE $1', [`%-${run}`]);
  await deleteFromCassandra(cassandra, touchedIds);
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await Promise.allSettled([admin.disconnect(), producer.disconnect(), pool.end(), cassandra.shutdown()]);
});

describe('persist', () => {
  it('upserts by login.uuid, keeps rejected records with reasons, and queues only new or changed users', async () => {
    const batch = users(`persist-${run}`, 50);
    const deps = { rawUsers, triggerPublish: async () => undefined, log: quiet };
    const first = await persistUsers(deps, {
      batchId: `b1-${run}`,
      users: [...batch, batch[3]!],
      rejected: [{ reason: 'results[9] email: missing', record: { nul: 'a\u0000b' } }],
    });
    expect(first).toEqual({ batchId: `b1-${run}`, persisted: 50, queued: 50, rejected: 1 });

    const again = await persistUsers(deps, { batchId: `b2-${run}`, users: batch, rejected: [] });
    expect(again.queued).toBe(0);
    const changed = [{ ...batch[1]!, email: 'changed@example.com' }];
    expect((await persistUsers(deps, { batchId: `b3-${run}`, users: changed, rejected: [] })).queued).toBe(1);

    const ids = batch.map((u) => u.login.uuid);
    const rows = await pool.query<{ n: string; seen: string }>(
      'SELECT count(*) AS n, count(*) FILTER (WHERE last_seen_at > first_seen_at) AS seen FROM raw_users WHERE user_id = ANY($1::uuid[])',
      [ids],
    );
    expect(rows.rows[0]).toEqual({ n: '50', seen: '50' });
    const rejected = await pool.query<{ reason: string }>('SELECT reason FROM rejected_users WHERE batch_id = $1 ORDER BY id', [`b1-${run}`]);
    expect(rejected.rows.map((r) => r.reason)).toEqual(['results[9] email: missing']);
    // Clean up the outbox rows this test queued, so the live pipeline never publishes them.
    await pool.query('UPDATE outbox SET published_at = now() WHERE user_id = ANY($1::uuid[]) AND published_at IS NULL', [ids]);
  });
});

describe('publish → transform → sink', () => {
  const batch = users(`flow-${run}`, 300);
  const ids = batch.map((u) => u.login.uuid);

  it('drains the outbox once across two concurrent publishers, in the Confluent wire format', async () => {
    await persistUsers({ rawUsers, triggerPublish: async () => undefined, log: quiet }, { batchId: `flow-${run}`, users: batch, rejected: [] });
    // Only this test's rows: other outbox rows (earlier runs, the live pipeline) are not ours to publish here.
    await pool.query('UPDATE outbox SET published_at = now() WHERE published_at IS NULL AND NOT (user_id = ANY($1::uuid[]))', [ids]);
    const deps = { outbox, writer: kafkaTopicWriter(producer), codec, topics: { raw: topics.raw, dlq: topics.dlq }, invocation, log: quiet };
    const [a, b] = await Promise.all([publishOutbox(deps, { batchSize: 40, maxBatches: 100 }), publishOutbox(deps, { batchSize: 40, maxBatches: 100 })]);
    expect(a.published + b.published).toBe(300);
    const left = await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE user_id = ANY($1::uuid[]) AND published_at IS NULL', [ids]);
    expect(left.rows[0]?.n).toBe('0');

    const messages = await readAll(topics.raw, 300);
    expect(new Set(messages.map((m) => String(m.key)))).toEqual(new Set(ids));
    expect(messages[0]!.value![0]).toBe(0);
    const schemaId = messages[0]!.value!.readInt32BE(1);
    const registered = await fetch(`${config.schemaRegistry.url}/schemas/ids/${schemaId}`);
    expect(registered.status).toBe(200);
    // fetched_at is the row's last_seen_at to the millisecond (read as epoch milliseconds, not parsed from text).
    const type = Type.forSchema(JSON.parse(((await registered.json()) as { schema: string }).schema) as Schema);
    const first = type.fromBuffer(messages[0]!.value!.subarray(5)) as { id: string; fetched_at: unknown };
    const seen = await pool.query<{ ms: string }>(
      "SELECT (extract(epoch FROM date_trunc('milliseconds', last_seen_at)) * 1000)::bigint AS ms FROM raw_users WHERE user_id = $1",
      [first.id],
    );
    expect(Number(first.fetched_at instanceof Date ? first.fetched_at.getTime() : first.fetched_at)).toBe(Number(seen.rows[0]?.ms));
  });

  it('transforms raw records as the mapping delivers them, and dead-letters one that does not fit RawUser in the on-failure format', async () => {
    // A record the registry decodes but that is no RawUser: a schema of its own, registered for real.
    const probe = await codec.register(`test.${run}.probe-value`, {
      type: 'record',
      name: 'Probe',
      namespace: 'dev.tributary.test',
      fields: [{ name: 'id', type: 'string' }],
    });
    const poison: TopicMessage = {
      key: Buffer.from('poison'),
      value: codec.encode(probe, { id: 'not a user' }),
      partition: 0,
      offset: '999',
      timestamp: String(Date.now()),
      attributes: 0,
      headers: {},
    };
    const raw = await readAll(topics.raw, 300);
    const records = await mappingRecords(rawUserJson, config.schemaRegistry.url, bootstrapServers, topics.raw, [
      ...raw.slice(0, 150),
      poison,
      ...raw.slice(150),
    ]);
    const deps = { writer: kafkaTopicWriter(producer), codec, topics: { clean: topics.clean, dlq: topics.dlq }, invocation, log: quiet };
    expect(await transformRecords(deps, records)).toEqual({ received: 301, transformed: 300, deadLettered: 1 });

    const [dead] = await readAll(topics.dlq, 1);
    expect(String(dead?.key)).toBe('poison');
    const document = JSON.parse(String(dead?.value));
    expect(document).toMatchObject({
      requestContext: { requestId: invocation.requestId, condition: 'RecordRejected' },
      responsePayload: { errorType: 'SchemaMismatchError', errorMessage: expect.stringMatching(/^value does not fit RawUser: id: not a UUID; fetched_at: /) },
      KafkaBatchInfo: { recordInfo: { offset: '999' } },
    });
    const [record] = document.payload.records[`${topics.raw}-0`];
    expect(record).toMatchObject({
      offset: 999,
      key: Buffer.from('poison').toString('base64'),
      valueSchemaMetadata: { dataFormat: 'AVRO', schemaId: String(probe.id) },
    });
    expect(JSON.parse(Buffer.from(record.value, 'base64').toString())).toEqual({ id: 'not a user' });
  });

  it('sinks clean records into Cassandra exactly once per user, however often they are replayed', async () => {
    const clean = await mappingRecords(cleanUserJson, config.schemaRegistry.url, bootstrapServers, topics.clean, await readAll(topics.clean, 300));
    const deps = {
      createdUsers: cassandraCreatedUsers(cassandra, config.cassandra.writeConcurrency),
      writer: kafkaTopicWriter(producer),
      topics: { dlq: topics.dlq },
      invocation,
      log: quiet,
    };
    expect(await sinkRecords(deps, clean)).toEqual({ received: 300, written: 300, deadLettered: 0 });
    expect(await sinkRecords(deps, [...clean, ...clean.slice(0, 10)])).toEqual({ received: 310, written: 300, deadLettered: 0 });

    const sample = batch[7]!;
    const row = (await cassandra.execute('SELECT * FROM created_users WHERE id = ?', [sample.login.uuid])).first();
    expect(row.get('first_name')).toBe(sample.name.first);
    expect(row.get('post_code')).toBe(String(sample.location.postcode));
    expect((row.get('dob') as Date).toISOString()).toBe(new Date(sample.dob.date).toISOString());
    expect(row.get('address')).toBe(
      `${sample.location.street.number} ${sample.location.street.name}, ${sample.location.city}, ${sample.location.state}, ${sample.location.country}`,
    );
    let found = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const result = await cassandra.execute('SELECT id FROM created_users WHERE id IN ?', [ids.slice(i, i + 100)]);
      found += result.rowLength;
    }
    expect(found).toBe(300);
  });
});

describe('one publisher at a time', () => {
  it('turns a second publisher away while one drains; the one draining publishes what was queued meanwhile, in outbox order', async () => {
    const first = users(`sole-a-${run}`, 30);
    const second = users(`sole-b-${run}`, 20);
    const persistDeps = { rawUsers, triggerPublish: async () => undefined, log: quiet };
    await persistUsers(persistDeps, { batchId: `sole-a-${run}`, users: first, rejected: [] });
    const ours = [...first, ...second].map((u) => u.login.uuid);
    await pool.query('UPDATE outbox SET published_at = now() WHERE published_at IS NULL AND NOT (user_id = ANY($1::uuid[]))', [ours]);

    // The draining publisher's first send waits until the test lets it go (the broker is real).
    let letSendGo!: () => void;
    const sendMayGo = new Promise<void>((resolve) => (letSendGo = resolve));
    let sendStarted!: () => void;
    const inSend = new Promise<void>((resolve) => (sendStarted = resolve));
    const heldProducer = Object.create(producer, {
      sendBatch: {
        value: async (batch: Parameters<typeof producer.sendBatch>[0]) => {
          sendStarted();
          await sendMayGo;
          return producer.sendBatch(batch);
        },
      },
    }) as typeof producer;
    const deps = { outbox, codec, topics: { raw: topics.sole, dlq: topics.dlq }, invocation, log: quiet };
    const draining = publishOutbox({ ...deps, writer: kafkaTopicWriter(heldProducer) }, { batchSize: 1000, maxBatches: 100 });
    await inSend;

    await persistUsers(persistDeps, { batchId: `sole-b-${run}`, users: second, rejected: [] });
    expect(await publishOutbox({ ...deps, writer: kafkaTopicWriter(producer) }, { batchSize: 1000, maxBatches: 100 })).toEqual({
      published: 0,
      deadLettered: 0,
      batches: 0,
      turnedAway: true,
    });
    letSendGo();
    expect(await draining).toEqual({ published: 50, deadLettered: 0, batches: 2, turnedAway: false });

    const left = await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE user_id = ANY($1::uuid[]) AND published_at IS NULL', [ours]);
    expect(left.rows[0]?.n).toBe('0');
    // Every first-batch user was produced before any second-batch user (offsets per partition).
    const messages = await readAll(topics.sole, 50);
    const firstIds = new Set(first.map((u) => u.login.uuid));
    const byPartition = new Map<number, boolean[]>();
    for (const m of messages) byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), firstIds.has(String(m.key))]);
    for (const isFirst of byPartition.values()) expect(isFirst).toEqual([...isFirst].sort((a, b) => Number(b) - Number(a)));
  });
});
