/**
 * Schema-registry decoding under the real `sls offline start` (test/fixtures/offline-kafka/
 * serverless.registry.yml: SchemaRegistryConfig in resources.extensions, as `sls package` carries it)
 * against the stack's broker and registry: JSON and SOURCE records in AWS's shape, read by
 * Powertools' kafkaConsumer; a v2 record read by a v1 handler; records the registry cannot decode
 * on the on-failure topic with their reason while the rest is delivered; filters on decoded fields.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KafkaSelfManagedEventSchema } from '@aws-lambda-powertools/parser/schemas';
import type { FailureDocument } from '../../../plugins/offline-kafka/destinations';
import { readInvocations } from '../../fixtures/offline-kafka/probe';
import { freePort } from '../../support/ports';
import { committedOffsets, deliveries, eventually, mappingStatus, offsetsOf, readTopic, useFixture } from './harness';
import {
  confluentFrame,
  deleteSubject,
  keyType,
  REGISTRY_CONSUMERS,
  REGISTRY_TOPICS,
  REGISTRY_URL,
  RegistryGate,
  registerSchema,
  UNKNOWN_SCHEMA_ID,
  USER_V1,
  USER_V2,
  userV1,
  userV2,
} from './registry-support';

const dir = mkdtempSync(path.join(tmpdir(), 'offline-kafka-registry-'));
const metricsFile = path.join(dir, 'metrics.json');
// The gated mapping's registry URL is known once the gate has its port (before sls offline starts).
const params = { registry: REGISTRY_URL, gatedRegistry: '', metricsFile };
let gate: RegistryGate;
const { run, kafka, admin, producer, offline } = useFixture({
  topics: REGISTRY_TOPICS,
  consumers: REGISTRY_CONSUMERS,
  config: 'serverless.registry.yml',
  params,
  beforeStart: async () => {
    gate = new RegistryGate(await freePort());
    params.gatedRegistry = gate.url;
    ids.v1 = await registerSchema(subjects.value, USER_V1);
    ids.v2 = await registerSchema(subjects.value, USER_V2);
    ids.key = await registerSchema(subjects.key, 'string');
  },
});
const subjects = { value: `${run.prefix}.user-value`, key: `${run.prefix}.user-key` };
const ids = { v1: 0, v2: 0, key: 0 };

const user = (id: number, value: object) => confluentFrame(id, (id === ids.v2 ? userV2 : userV1).toBuffer(value));
const userKey = (key: string) => confluentFrame(ids.key, keyType.toBuffer(key));
const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const recordsOf = (functionKey: string) => deliveries(run, functionKey).flatMap((invocation) => Object.values(invocation.event.records).flat());

afterAll(() => Promise.all([deleteSubject(subjects.value), deleteSubject(subjects.key), gate?.shut(), rmSync(dir, { recursive: true, force: true })]));

describe('EventRecordFormat JSON, KEY and VALUE validated', () => {
  it("delivers AWS's record shape: base64 JSON with keySchemaMetadata/valueSchemaMetadata, read by Powertools as a v1 handler", async () => {
    await producer.send({
      topic: run.topic('registry-json'),
      acks: -1,
      messages: [
        { key: userKey('u-1'), value: user(ids.v1, { name: 'Ann', country: 'NL', age: 34 }), headers: { trace: 't1' } },
        { key: userKey('u-2'), value: user(ids.v2, { name: 'Bob', country: 'BE', nickname: 'bobby' }) },
      ],
    });
    const records = await eventually(
      () => recordsOf('registryJson'),
      (list) => list.length === 2,
    );
    for (const invocation of deliveries(run, 'registryJson')) expect(() => KafkaSelfManagedEventSchema.parse(invocation.event)).not.toThrow();
    const aws = ['topic', 'partition', 'offset', 'timestamp', 'timestampType', 'key', 'value', 'headers', 'valueSchemaMetadata', 'keySchemaMetadata'];
    for (const record of records) expect(Object.keys(record)).toEqual(aws);
    expect(records).toEqual([
      expect.objectContaining({
        offset: 0,
        key: base64Json('u-1'),
        value: base64Json({ name: 'Ann', country: 'NL', age: 34 }),
        headers: [{ trace: [...Buffer.from('t1')] }],
        valueSchemaMetadata: { dataFormat: 'AVRO', schemaId: String(ids.v1) },
        keySchemaMetadata: { dataFormat: 'AVRO', schemaId: String(ids.key) },
      }),
      expect.objectContaining({
        offset: 1,
        value: base64Json({ name: 'Bob', country: 'BE', nickname: 'bobby' }),
        valueSchemaMetadata: { dataFormat: 'AVRO', schemaId: String(ids.v2) },
      }),
    ]);

    const parsed = readInvocations(`${run.functionName('registryJson')}.parsed`).flatMap(
      (invocation) => (invocation.event.records as unknown as { parsed: unknown[] }).parsed,
    );
    expect(parsed).toEqual([
      {
        offset: 0,
        key: 'u-1',
        value: { name: 'Ann', country: 'NL', age: 34 },
        keySchemaMetadata: { dataFormat: 'AVRO', schemaId: String(ids.key) },
        valueSchemaMetadata: { dataFormat: 'AVRO', schemaId: String(ids.v1) },
      },
      // The v2 record through the v1 schema: age takes v1's default, nickname is not v1's.
      {
        offset: 1,
        key: 'u-2',
        value: { name: 'Bob', country: 'BE', age: 0 },
        keySchemaMetadata: { dataFormat: 'AVRO', schemaId: String(ids.key) },
        valueSchemaMetadata: { dataFormat: 'AVRO', schemaId: String(ids.v2) },
      },
    ]);
    expect(offline().matching(/SchemaRegistryConfig\.AccessConfigs \(BASIC_AUTH\) are not used offline/)).toHaveLength(1);
  });
});

describe('EventRecordFormat SOURCE, VALUE validated', () => {
  it('delivers the Avro bytes without the Confluent header, with valueSchemaMetadata; the key stays as it arrived', async () => {
    const value = user(ids.v1, { name: 'Cem', country: 'TR', age: 51 });
    await producer.send({ topic: run.topic('registry-source'), acks: -1, messages: [{ key: 'k-1', value }] });
    const [record] = await eventually(
      () => recordsOf('registrySource'),
      (list) => list.length === 1,
    );
    for (const invocation of deliveries(run, 'registrySource')) expect(() => KafkaSelfManagedEventSchema.parse(invocation.event)).not.toThrow();
    expect(Object.keys(record ?? {})).toEqual(['topic', 'partition', 'offset', 'timestamp', 'timestampType', 'key', 'value', 'headers', 'valueSchemaMetadata']);
    expect(record).toEqual(expect.objectContaining({ key: Buffer.from('k-1').toString('base64'), value: value.subarray(5).toString('base64') }));
    expect(record).toHaveProperty('valueSchemaMetadata', { dataFormat: 'AVRO', schemaId: String(ids.v1) });
    expect(record).not.toHaveProperty('keySchemaMetadata');
    expect(userV1.fromBuffer(Buffer.from(record?.value ?? '', 'base64'))).toEqual(expect.objectContaining({ name: 'Cem', country: 'TR', age: 51 }));

    // Powertools' Avro deserializer reads the whole value as one record: a Confluent header left in would not decode.
    // Written once the handler has read the records, after the event itself.
    const parsed = await eventually(
      () =>
        readInvocations(`${run.functionName('registrySource')}.parsed`).flatMap(
          (invocation) => (invocation.event.records as unknown as { parsed: unknown[] }).parsed,
        ),
      (list) => list.length > 0,
    );
    expect(parsed).toEqual([
      { offset: 0, key: 'k-1', value: { name: 'Cem', country: 'TR', age: 51 }, valueSchemaMetadata: { dataFormat: 'AVRO', schemaId: String(ids.v1) } },
    ]);
  });
});

describe('records the registry cannot decode, with an on-failure destination', () => {
  it('go to the on-failure topic with SCHEMA_NOT_FOUND or DESERIALIZATION_ERROR, unchanged, while the rest of the batch is delivered', async () => {
    const good = (n: number) => user(ids.v1, { name: `good-${n}`, country: 'NL', age: n });
    const unknown = confluentFrame(UNKNOWN_SCHEMA_ID, userV1.toBuffer({ name: 'x', country: 'x', age: 1 }));
    const truncated = good(3).subarray(0, 8);
    const unframed = Buffer.from('{"name":"plain json"}');
    const values = [good(0), unknown, good(2), truncated, unframed, good(5)];
    await producer.send({ topic: run.topic('registry-failures'), acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value })) });

    const dead = await readTopic(kafka, run.topic('registry-failures-dlq'), 3);
    await eventually(
      () => committedOffsets(admin, run.groupId('registryFailures', 'registry-failures'), run.topic('registry-failures')),
      (offsets) => offsets[0] === 6,
    );
    expect(deliveries(run, 'registryFailures').flatMap(offsetsOf)).toEqual([0, 2, 5]);
    const documents = dead.map((message) => ({ key: String(message.key), document: JSON.parse(String(message.value)) as FailureDocument }));
    expect(documents.map(({ key, document }) => [key, document.KafkaBatchInfo.recordInfo.offset, document.requestContext.condition])).toEqual([
      ['k1', '1', 'SCHEMA_NOT_FOUND'],
      ['k3', '3', 'DESERIALIZATION_ERROR'],
      ['k4', '4', 'DESERIALIZATION_ERROR'],
    ]);
    for (const { document } of documents) {
      expect(document).toMatchObject({
        requestContext: { approximateInvokeCount: 0 },
        responseContext: null,
        version: '1.0',
        KafkaBatchInfo: { batchSize: 1 },
      });
      const [record] = Object.values(document.payload.records).flat();
      expect(record?.value).toBe(values[record?.offset ?? -1]?.toString('base64'));
      expect(record).not.toHaveProperty('valueSchemaMetadata');
    }
    expect(
      offline().matching(/registryFailures ← \S+-0: offsets 1-1 \(SCHEMA_NOT_FOUND: offset 1 the registry has no schema with id 2147480000\)/),
    ).toHaveLength(1);
    expect(
      offline().matching(
        /registryFailures ← \S+-0: offsets 3-4 \(DESERIALIZATION_ERROR: offset 3 does not decode .*; offset 4 not in the Confluent wire format/,
      ),
    ).toHaveLength(1);
    const status = await eventually(
      () => mappingStatus(metricsFile, 'registryFailures'),
      (s) => s?.EventCount.CommittedEventCount === 6,
    );
    expect(status?.ErrorCount).toEqual(expect.objectContaining({ SchemaRegistryErrorCount: 3, InvokeErrorCount: 0 }));
    expect(status?.EventCount).toEqual(
      expect.objectContaining({ PolledEventCount: 6, InvokedEventCount: 3, OnFailureDestinationDeliveredEventCount: 3, DroppedEventCount: 0 }),
    );
  });
});

describe('filter patterns with a schema registry', () => {
  it('match the decoded key and value; an undecodable record is dropped with a log line when there is no destination', async () => {
    const messages = [
      { key: userKey('nl-1'), value: user(ids.v1, { name: 'adult', country: 'NL', age: 34 }) },
      { key: userKey('nl-2'), value: user(ids.v1, { name: 'minor', country: 'NL', age: 12 }) },
      { key: userKey('be-1'), value: user(ids.v1, { name: 'elsewhere', country: 'BE', age: 40 }) },
      { key: userKey('nl-3'), value: user(ids.v2, { name: 'no age', country: 'NL', nickname: null }) },
      { key: userKey('nl-4'), value: confluentFrame(UNKNOWN_SCHEMA_ID, Buffer.from([0])) },
      { key: userKey('nl-5'), value: user(ids.v1, { name: 'also adult', country: 'NL', age: 18 }) },
      { key: userKey('nl-6'), value: user(ids.v1, { name: 'cut short', country: 'NL', age: 40 }).subarray(0, 9) },
    ];
    await producer.send({ topic: run.topic('registry-filtered'), acks: -1, messages });
    await eventually(
      () => committedOffsets(admin, run.groupId('registryFiltered', 'registry-filtered'), run.topic('registry-filtered')),
      (offsets) => offsets[0] === 7,
    );
    expect(deliveries(run, 'registryFiltered').flatMap(offsetsOf)).toEqual([0, 5]);
    expect(offline().matching(/registryFiltered ← \S+-0: dropped offsets 4-4 \(1 record\) \(SCHEMA_NOT_FOUND: .*\): no on-failure destination/)).toHaveLength(
      1,
    );
    expect(
      offline().matching(
        /registryFiltered ← \S+-0: dropped offsets 6-6 \(1 record\) \(DESERIALIZATION_ERROR: offset 6 does not decode.*\): no on-failure destination/,
      ),
    ).toHaveLength(1);
    const status = await eventually(
      () => mappingStatus(metricsFile, 'registryFiltered'),
      (s) => s?.EventCount.CommittedEventCount === 7,
    );
    expect(status?.ErrorCount).toEqual(expect.objectContaining({ SchemaRegistryErrorCount: 2 }));
    expect(status?.EventCount).toEqual(expect.objectContaining({ PolledEventCount: 7, FilteredOutEventCount: 3, InvokedEventCount: 2, DroppedEventCount: 2 }));
  });
});

describe('a schema registry that cannot be reached', () => {
  it('holds the records, commits nothing and retries after the reconnect backoff; they are delivered once it answers', async () => {
    const topic = run.topic('registry-gated');
    await producer.send({ topic, acks: -1, messages: [0, 1].map((n) => ({ value: user(ids.v1, { name: `held-${n}`, country: 'NL', age: n }) })) });
    await offline().waitForLine(
      /registryGated ← \S+-0: schema registry unavailable \(http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7\/schemas\/ids\/\d+\): .*; retrying in 200 ms/,
    );
    await offline().waitForLine(/registryGated ← \S+-0: schema registry unavailable/, 5_000, offline().lines.length);
    expect(deliveries(run, 'registryGated')).toEqual([]);
    expect(await committedOffsets(admin, run.groupId('registryGated', 'registry-gated'), topic)).toEqual([-1]);
    await eventually(
      () => mappingStatus(metricsFile, 'registryGated'),
      (s) => (s?.ErrorCount.SchemaRegistryErrorCount ?? 0) >= 2,
    );

    await gate.open();
    await eventually(
      () => committedOffsets(admin, run.groupId('registryGated', 'registry-gated'), topic),
      (offsets) => offsets[0] === 2,
    );
    expect(recordsOf('registryGated').map((record) => Buffer.from(record.value ?? '', 'base64').toString())).toEqual([
      JSON.stringify({ name: 'held-0', country: 'NL', age: 0 }),
      JSON.stringify({ name: 'held-1', country: 'NL', age: 1 }),
    ]);
  });
});
