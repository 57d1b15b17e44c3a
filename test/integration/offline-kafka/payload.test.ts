/**
 * The event a function receives under `sls offline start` is the one AWS sends: checked field by
 * field against what was produced, parsed with AWS Lambda Powertools' Kafka event schemas, and
 * consumed through Powertools' kafkaConsumer as a Tributary handler would.
 */
import type * as PowertoolsKafka from '@aws-lambda-powertools/kafka/lib/cjs/index';
import { KafkaMskEventSchema, KafkaSelfManagedEventSchema } from '@aws-lambda-powertools/parser/schemas';
import type { Context, MSKEvent } from 'aws-lambda';
import type { Invocation } from '../../fixtures/offline-kafka/probe';
import { config, deliveries, eventually, useFixture } from './harness';

// The package declares its types only through "exports", which moduleResolution "node" ignores.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { kafkaConsumer, SchemaType } = require('@aws-lambda-powertools/kafka') as typeof PowertoolsKafka;

const MSK_ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/tributary/0f5c1c1e-4c2a-4b8e-9f7a-3c1d2e5f6a7b-1';

const { run, producer } = useFixture({ topics: { payload: 1 }, consumers: ['payloadKafka', 'payloadMsk'] });

const records = (invocations: Invocation[]) => invocations.flatMap((i) => Object.values(i.event.records).flat());
const bytes = (text: string) => [...Buffer.from(text, 'utf8')];
const b64 = (value: string | Buffer) => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value).toString('base64');

describe('payload under sls offline start', () => {
  const produced = {
    keyed: { key: 'user-1', value: JSON.stringify({ id: 'user-1', n: 1 }), timestamp: '1700000000123', headers: { source: 'test', trace: 'abc' } },
    unkeyed: { key: null, value: 'plain text', headers: { dup: ['a', 'b'] } },
    binary: { key: Buffer.from([0, 255, 1]), value: Buffer.from([222, 173, 190, 239]) },
  };

  let kafkaEvents: Invocation[];
  let mskEvents: Invocation[];

  beforeAll(async () => {
    await producer.send({ topic: run.topic('payload'), acks: -1, messages: [produced.keyed, produced.unkeyed, produced.binary] });
    const got = (fn: string) =>
      eventually(
        () => deliveries(run, fn),
        (list) => records(list).length >= 3,
      );
    [kafkaEvents, mskEvents] = await Promise.all([got('payloadKafka'), got('payloadMsk')]);
  });

  it('sends self-managed Kafka events with eventSource, bootstrapServers and records keyed topic-partition', () => {
    for (const { event } of kafkaEvents) {
      expect(Object.keys(event).sort()).toEqual(['bootstrapServers', 'eventSource', 'records']);
      expect(event.eventSource).toBe('SelfManagedKafka');
      expect(event.bootstrapServers).toBe(config.kafka.brokers.join(','));
      expect(Object.keys(event.records)).toEqual([`${run.topic('payload')}-0`]);
    }
  });

  it('sends MSK events with eventSourceArn from serverless.yml and the local brokers', () => {
    for (const { event } of mskEvents) {
      expect(Object.keys(event).sort()).toEqual(['bootstrapServers', 'eventSource', 'eventSourceArn', 'records']);
      expect(event).toMatchObject({ eventSource: 'aws:kafka', eventSourceArn: MSK_ARN, bootstrapServers: config.kafka.brokers.join(',') });
      expect(Object.keys(event.records)).toEqual([`${run.topic('payload')}-0`]);
    }
  });

  it('encodes each record as AWS does: numbers, ms timestamps, base64, header bytes, no key when null', () => {
    const [keyed, unkeyed, binary] = records(kafkaEvents);
    const topic = run.topic('payload');
    expect(keyed).toEqual({
      topic,
      partition: 0,
      offset: 0,
      timestamp: 1700000000123,
      timestampType: 'CREATE_TIME',
      key: b64('user-1'),
      value: b64(produced.keyed.value),
      headers: [{ source: bytes('test') }, { trace: bytes('abc') }],
    });
    expect(Object.keys(keyed as object)).toEqual(['topic', 'partition', 'offset', 'timestamp', 'timestampType', 'key', 'value', 'headers']);
    expect(unkeyed).not.toHaveProperty('key');
    expect(unkeyed).toMatchObject({ offset: 1, value: b64('plain text'), headers: [{ dup: bytes('a') }, { dup: bytes('b') }] });
    expect(typeof unkeyed?.timestamp).toBe('number');
    expect(Math.abs((unkeyed?.timestamp ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(binary).toMatchObject({ offset: 2, key: b64(produced.binary.key), value: b64(produced.binary.value), headers: [] });
    expect(records(mskEvents)).toEqual(records(kafkaEvents));
  });

  it("passes AWS Lambda Powertools' Kafka event schemas", () => {
    for (const { event } of kafkaEvents) {
      const parsed = KafkaSelfManagedEventSchema.parse(event);
      expect(parsed.bootstrapServers).toEqual(config.kafka.brokers);
    }
    for (const { event } of mskEvents) KafkaMskEventSchema.parse(event);
    const parsed = KafkaSelfManagedEventSchema.parse(kafkaEvents[0]?.event);
    const [keyed] = Object.values(parsed.records).flat();
    expect(keyed).toMatchObject({ key: 'user-1', value: produced.keyed.value, headers: [{ source: 'test' }, { trace: 'abc' }] });
  });

  it("is read by Powertools' kafkaConsumer the way a Tributary handler reads it", async () => {
    const event = mskEvents[0]?.event as MSKEvent;
    const keyedOnly = { ...event, records: { [`${run.topic('payload')}-0`]: [Object.values(event.records).flat()[0]] } } as MSKEvent;
    const handler = kafkaConsumer<string, { id: string; n: number }>(
      async (consumerRecords) => consumerRecords.records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
      { value: { type: SchemaType.JSON } },
    );
    // Powertools' event type also wants key/valueSchemaMetadata, which AWS adds only when the
    // mapping has a schema registry configured; its runtime reads them as optional.
    await expect(handler(keyedOnly as unknown as Parameters<typeof handler>[0], {} as Context)).resolves.toEqual([
      { key: 'user-1', value: { id: 'user-1', n: 1 }, headers: [{ source: 'test' }, { trace: 'abc' }] },
    ]);
  });

  it('leaves value out of a tombstone (null value)', async () => {
    await producer.send({ topic: run.topic('payload'), acks: -1, messages: [{ key: 'user-1', value: null }] });
    const invocations = await eventually(
      () => deliveries(run, 'payloadKafka'),
      (list) => records(list).length >= 4,
    );
    const tombstone = records(invocations)[3];
    expect(tombstone).toMatchObject({ offset: 3, key: b64('user-1'), headers: [] });
    expect(tombstone).not.toHaveProperty('value');
  });
});
