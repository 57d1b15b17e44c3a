/**
 * The stages' own logic over in-memory ports (test/support/memory-ports.ts): what goes where, what
 * is dead-lettered with which envelope, and what a failure of the next system leaves behind. The
 * same stages against the real services: test/integration/pipeline-stages.test.ts.
 */
import { cleanUserSchema, rawUserSchema, toRawAvro } from '../../../layers/domain/avro';
import type { KafkaRecordIn } from '../../../layers/domain/kafka-records';
import type { RandomUser } from '../../../layers/domain/randomuser';
import { logger } from '../../../layers/logging/logger';
import { OUTBOX_SOURCE_TOPIC } from '../../../layers/pipeline/dead-letter';
import { persistUsers } from '../../../layers/pipeline/persist-users';
import type { OutMessage } from '../../../layers/pipeline/ports';
import { publishOutbox } from '../../../layers/pipeline/publish-outbox';
import { sinkRecords } from '../../../layers/pipeline/sink-records';
import { transformRecords } from '../../../layers/pipeline/transform-records';
import { generateUsers } from '../../../scripts/randomuser/generator';
import { memoryCodec, memoryCreatedUsers, memoryPostgres, memorySchemaStore, memoryTopics } from '../../support/memory-ports';

const quiet = { ...logger, warn: () => undefined, info: () => undefined } as unknown as typeof logger;
const topics = { raw: 'users.raw', clean: 'users.clean', dlq: 'users.dlq' };
const ENVELOPE = ['failed_at', 'reason', 'source_offset', 'source_partition', 'source_topic', 'stage'];

function users(seed: string, n: number): RandomUser[] {
  return generateUsers({ results: n, seed, page: 1, nats: null, gender: null, now: new Date('2026-01-01T00:00:00Z') }) as unknown as RandomUser[];
}

function asRecords(topic: string, messages: OutMessage[]): KafkaRecordIn[] {
  return messages.map((m, offset) => ({
    topic,
    partition: 0,
    offset,
    timestamp: 0,
    key: m.key === null ? null : Buffer.from(m.key),
    value: m.value === null ? null : Buffer.from(m.value),
    headers: {},
  }));
}

const header = (m: OutMessage | undefined, name: string): string | undefined => m?.headers?.[name]?.toString();

async function rawRecords(codec: ReturnType<typeof memoryCodec>, list: RandomUser[]): Promise<KafkaRecordIn[]> {
  const schema = await codec.register(`${topics.raw}-value`, rawUserSchema);
  const messages = list.map((u) => ({
    key: u.login.uuid,
    value: codec.encode(schema, toRawAvro(u, { batch_id: 'b1', fetched_at: new Date(0), source: 'randomuser' })),
  }));
  return asRecords(topics.raw, messages);
}

describe('persist', () => {
  it('stores the batch and nudges publish only when something was queued', async () => {
    const db = memoryPostgres();
    let nudges = 0;
    const deps = { rawUsers: db, triggerPublish: async () => void (nudges += 1), log: quiet };
    const batch = users('persist', 5);
    expect(await persistUsers(deps, { batchId: 'b1', users: batch, rejected: [{ reason: 'results[5] email: missing', record: {} }] })).toEqual({
      batchId: 'b1',
      persisted: 5,
      queued: 5,
      rejected: 1,
    });
    expect(await persistUsers(deps, { batchId: 'b2', users: batch, rejected: [] })).toMatchObject({ queued: 0 });
    expect(nudges).toBe(1);
    expect(db.rejected).toEqual([{ reason: 'results[5] email: missing', payload: {}, rawText: undefined }]);
  });
});

describe('publish', () => {
  it('publishes the outbox as Avro and dead-letters a payload that no longer fits, with the envelope', async () => {
    const db = memoryPostgres();
    const writer = memoryTopics();
    await persistUsers({ rawUsers: db, triggerPublish: async () => undefined, log: quiet }, { batchId: 'b1', users: users('publish', 4), rejected: [] });
    db.outbox[2]!.payload = { login: { uuid: db.outbox[2]!.userId }, name: 42 };
    const report = await publishOutbox({ outbox: db, writer, codec: memoryCodec(), topics, log: quiet }, { batchSize: 3, maxBatches: 10 });
    expect(report).toEqual({ published: 3, deadLettered: 1, batches: 2, turnedAway: false });
    const [dead] = writer.byTopic(topics.dlq);
    expect(
      Object.keys(dead?.headers ?? {})
        .filter((h) => ENVELOPE.includes(h))
        .sort(),
    ).toEqual(ENVELOPE);
    expect({ topic: header(dead, 'source_topic'), offset: header(dead, 'source_offset'), stage: header(dead, 'stage') }).toEqual({
      topic: OUTBOX_SOURCE_TOPIC,
      offset: '3',
      stage: 'publish',
    });
    expect(JSON.parse(String(dead?.value))).toEqual(db.outbox[2]!.payload);
    expect(db.outbox.every((r) => r.published)).toBe(true);
  });

  it('leaves rows unpublished when the broker refuses, and is turned away while another publisher drains', async () => {
    const db = memoryPostgres();
    const writer = memoryTopics();
    await persistUsers({ rawUsers: db, triggerPublish: async () => undefined, log: quiet }, { batchId: 'b1', users: users('refused', 3), rejected: [] });
    writer.failWith = new Error('broker down');
    await expect(publishOutbox({ outbox: db, writer, codec: memoryCodec(), topics, log: quiet }, { batchSize: 10, maxBatches: 10 })).rejects.toThrow(
      'broker down',
    );
    expect(db.outbox.filter((r) => !r.published)).toHaveLength(3);
    db.locked = true;
    expect(await publishOutbox({ outbox: db, writer, codec: memoryCodec(), topics, log: quiet }, { batchSize: 10, maxBatches: 10 })).toMatchObject({
      published: 0,
      turnedAway: true,
    });
  });
});

describe('transform', () => {
  it('sends clean users on and a poison record to the dead letters, the batch going on', async () => {
    const codec = memoryCodec();
    const writer = memoryTopics();
    const records = await rawRecords(codec, users('transform', 3));
    const poison = { ...records[0]!, offset: 99, value: Buffer.from('not avro') };
    const report = await transformRecords({ writer, codec, topics, log: quiet }, [records[0]!, poison, ...records.slice(1)]);
    expect(report).toEqual({ received: 4, transformed: 3, deadLettered: 1 });
    const clean = writer.byTopic(topics.clean);
    expect(clean.map((m) => String(m.key))).toEqual(records.map((r) => String(r.key)));
    expect(header(clean[0], 'source_offset')).toBe('users.raw-0@0');
    const [dead] = writer.byTopic(topics.dlq);
    expect(dead?.value).toEqual(Buffer.from('not avro'));
    expect({ stage: header(dead, 'stage'), offset: header(dead, 'source_offset'), reason: header(dead, 'reason') }).toEqual({
      stage: 'transform',
      offset: '99',
      reason: expect.stringMatching(/^WireFormatError: not Confluent wire format/),
    });
  });

  it('dead-letters a user that does not fit the clean schema (validated at fetch, but this one came another way)', async () => {
    const codec = memoryCodec();
    const writer = memoryTopics();
    const [user] = users('no-date', 1);
    const records = await rawRecords(codec, [{ ...user!, registered: { ...user!.registered, date: 'not a date' } }]);
    expect(await transformRecords({ writer, codec, topics, log: quiet }, records)).toEqual({ received: 1, transformed: 0, deadLettered: 1 });
    expect(header(writer.byTopic(topics.dlq)[0], 'reason')).toMatch(/^RecordFault: clean user does not fit /);
  });

  it('throws, sending nothing, when the registry is down (the batch is retried)', async () => {
    const store = memoryCodec();
    const writer = memoryTopics();
    const records = await rawRecords(store, users('registry', 2));
    // A codec that never saw the writer's schema must ask the registry, which is down.
    const down = memorySchemaStore();
    down.down = true;
    const fresh = memoryCodec(down);
    await expect(transformRecords({ writer, codec: fresh, topics, log: quiet }, records)).rejects.toThrow('registry unreachable');
    expect(writer.byTopic(topics.clean)).toEqual([]);
  });
});

describe('sink', () => {
  async function cleanRecords(list: RandomUser[]): Promise<{ codec: ReturnType<typeof memoryCodec>; records: KafkaRecordIn[] }> {
    const codec = memoryCodec();
    const writer = memoryTopics();
    await transformRecords({ writer, codec, topics, log: quiet }, await rawRecords(codec, list));
    return { codec, records: asRecords(topics.clean, writer.byTopic(topics.clean)) };
  }

  it('upserts each user once, the last record of an id winning, and dead-letters an undecodable one first', async () => {
    const { codec, records } = await cleanRecords(users('sink', 3));
    const writer = memoryTopics();
    const createdUsers = memoryCreatedUsers();
    const replayed = { ...records[1]!, offset: 7 };
    const poison = { ...records[0]!, offset: 8, value: null };
    const report = await sinkRecords({ createdUsers, writer, codec, topics, log: quiet }, [...records, replayed, poison]);
    expect(report).toEqual({ received: 5, written: 3, deadLettered: 1 });
    expect(createdUsers.rows.get(String(records[1]!.key))?.sourceOffset).toBe('users.clean-0@7');
    expect(Object.keys(createdUsers.rows.get(String(records[0]!.key))?.user ?? {})).toEqual(cleanUserSchema.fields.map((f) => f.name));
    expect(header(writer.byTopic(topics.dlq)[0], 'stage')).toBe('sink');
  });

  it('throws when Cassandra refuses, after the dead letters are safe', async () => {
    const { codec, records } = await cleanRecords(users('down', 2));
    const writer = memoryTopics();
    const createdUsers = memoryCreatedUsers();
    createdUsers.failWith = new Error('NoHostAvailable');
    await expect(
      sinkRecords({ createdUsers, writer, codec, topics, log: quiet }, [...records, { ...records[0]!, value: Buffer.from([0, 0, 0, 0, 9]) }]),
    ).rejects.toThrow('NoHostAvailable');
    expect(writer.byTopic(topics.dlq)).toHaveLength(1);
  });
});
