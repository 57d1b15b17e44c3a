/** Each adapter against the real service from the native stack (started once by the global setup). */
import { randomUUID } from 'node:crypto';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { loadConfig } from '../../layers/config';
import { createCassandra } from '../../layers/adapters/cassandra';
import { createKafka, createProducer } from '../../layers/adapters/kafka';
import { createPool } from '../../layers/adapters/postgres';
import { createAvroCodec, createSchemaRegistry, getGlobalCompatibility } from '../../layers/adapters/schema-registry';
import { freePort } from '../support/ports';

const config = loadConfig();

describe('kafka adapter', () => {
  it('produces and consumes a keyed message round trip', async () => {
    const kafka = createKafka(config.kafka, { clientId: 'adapter-test' });
    const topic = `test.adapter.${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const producer = createProducer(kafka);
    const consumer = kafka.consumer({ groupId: `adapter-test-${randomUUID()}` });
    try {
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'user-1', value: 'hello', headers: { source: 'test' } }] });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key: string; value: string; header: string }>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => resolve({ key: String(message.key), value: String(message.value), header: String(message.headers?.source) }),
        });
      });
      expect(received).toEqual({ key: 'user-1', value: 'hello', header: 'test' });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});

describe('kafka adapter logging', () => {
  it("sends the client's own log lines to the sink it is given, none to the console", async () => {
    const port = await freePort();
    const lines: string[] = [];
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const logged = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const admin = createKafka({ ...config.kafka, brokers: [`127.0.0.1:${port}`] }, { retries: 1, log: (line) => lines.push(line) }).admin();
      await expect(admin.connect()).rejects.toThrow();
      expect(lines.length).toBeGreaterThan(0);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'ERROR', namespace: expect.any(String) });
      expect([...printed.mock.calls, ...logged.mock.calls]).toEqual([]);
    } finally {
      printed.mockRestore();
      logged.mockRestore();
    }
  });
});

describe('schema registry adapter', () => {
  it('registers an Avro schema and resolves it by id, with the Confluent wire format', async () => {
    const registry = createSchemaRegistry(config.schemaRegistry);
    const subject = `test-adapter-${randomUUID()}-value`;
    const schema = {
      type: 'record',
      name: 'Probe',
      namespace: 'dev.tributary.test',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'n', type: 'int' },
      ],
    };
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
    expect(id).toBeGreaterThan(0);
    const byId = (await fetch(`${config.schemaRegistry.url}/schemas/ids/${id}`).then((r) => r.json())) as { schema: string };
    expect(JSON.parse(byId.schema)).toMatchObject({ name: 'Probe', fields: schema.fields });
    const encoded = await registry.encode(id, { id: 'a', n: 7 });
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    await expect(registry.decode(encoded)).resolves.toEqual({ id: 'a', n: 7 });
    expect(await registry.getLatestSchemaId(subject)).toBe(id);
  });

  it('encodes values of any size in the wire format, each in bytes of its own', async () => {
    const codec = createAvroCodec(config.schemaRegistry);
    const schema = await codec.register(`test-adapter-${randomUUID()}-value`, {
      type: 'record',
      name: 'Sized',
      namespace: 'dev.tributary.test',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'text', type: 'string' },
      ],
    });
    // Small, larger than the codec's first buffer (64 KB), then small again.
    const values = [1, 200_000, 3, 70_000, 10].map((size, i) => ({ id: `v${i}`, text: 'é'.repeat(size) }));
    const encoded = values.map((value) => codec.encode(schema, value));
    // Checked after every value was encoded: none shares its bytes with a later one.
    encoded.forEach((bytes, i) => {
      expect([bytes[0], bytes.readInt32BE(1)]).toEqual([0, schema.id]);
      expect(schema.type.fromBuffer(bytes.subarray(5))).toEqual(values[i]);
      expect(bytes.subarray(5).equals(schema.type.toBuffer(values[i]))).toBe(true);
    });
  });

  it('runs with the compatibility mode from infra/topology.json', async () => {
    await expect(getGlobalCompatibility(config.schemaRegistry)).resolves.toBe('BACKWARD');
  });
});

describe('postgres adapter', () => {
  it('queries the tributary database with the migrations applied', async () => {
    const pool = createPool(config.postgres);
    try {
      const db = await pool.query<{ db: string }>('SELECT current_database() AS db');
      expect(db.rows[0]?.db).toBe('tributary');
      const tables = await pool.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['outbox', 'raw_users', 'rejected_users', 'schema_migrations']));
      const echoed = await pool.query<{ v: string }>('SELECT $1::text AS v', ['naïve 名前']);
      expect(echoed.rows[0]?.v).toBe('naïve 名前');
    } finally {
      await pool.end();
    }
  });
});

describe('cassandra adapter', () => {
  it('writes and reads a row in tributary.created_users with prepared statements', async () => {
    const client = createCassandra(config.cassandra);
    const id = randomUUID();
    try {
      await client.execute('INSERT INTO created_users (id, first_name, nat, dob) VALUES (?, ?, ?, ?)', [
        id,
        'Ärvid',
        'SE',
        new Date('1990-01-02T03:04:05.000Z'),
      ]);
      const result = await client.execute('SELECT first_name, nat, dob FROM created_users WHERE id = ?', [id]);
      expect(result.rowLength).toBe(1);
      expect(result.first().get('first_name')).toBe('Ärvid');
      expect((result.first().get('dob') as Date).toISOString()).toBe('1990-01-02T03:04:05.000Z');
    } finally {
      await client.execute('DELETE FROM created_users WHERE id = ?', [id]).catch(() => undefined);
      await client.shutdown();
    }
  });
});
