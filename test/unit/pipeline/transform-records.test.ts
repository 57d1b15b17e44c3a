/**
 * transform over in-memory ports, fed the users.raw events the event source mapping delivers
 * (decoded JSON with valueSchemaMetadata) and read as its handler reads them: what goes to
 * users.clean, what is dead-lettered with AWS's on-failure document, what fails the batch. The same
 * stage against the real services: test/integration/pipeline-stages.test.ts.
 */
import { cleanUserSchema, cleanUserType } from '../../../layers/domain/avro';
import { toCleanUser } from '../../../layers/domain/transform';
import { transformRecords } from '../../../layers/pipeline/transform-records';
import { memoryCodec, memorySchemaStore, memoryTopics } from '../../support/memory-ports';
import { invocation, letter, letterRecord, quiet, rawRecords, rawSpec, topics, users } from '../../support/stage-fixtures';

const deps = (codec = memoryCodec(), writer = memoryTopics()) => ({ writer, codec, topics, invocation, log: quiet });

describe('transform', () => {
  it('sends each user on as a clean user in the Confluent wire format, keyed and headed by its source', async () => {
    const list = users('transform', 3);
    const d = deps();
    expect(await transformRecords(d, await rawRecords(list.map((u) => rawSpec(u, 'batch-7'))))).toEqual({ received: 3, transformed: 3, deadLettered: 0 });
    const clean = d.writer.byTopic(topics.clean);
    const registered = await d.codec.register(`${topics.clean}-value`, cleanUserSchema);
    expect(clean.map((m) => String(m.key))).toEqual(list.map((u) => u.login.uuid));
    for (const [i, message] of clean.entries()) {
      const bytes = message.value as Buffer;
      expect([bytes[0], bytes.readInt32BE(1)]).toEqual([0, registered.id]);
      expect(cleanUserType.fromBuffer(bytes.subarray(5))).toEqual(toCleanUser(list[i]!));
      expect(message.headers).toEqual({ batch_id: 'batch-7', source_offset: `users.raw-0@${i}` });
    }
  });

  it('dead-letters a value that does not fit RawUser in the on-failure format, the rest of the batch going on', async () => {
    const list = users('poison', 2);
    const records = await rawRecords([rawSpec(list[0]!), { key: 'poison', value: { id: 'x', payload: {} }, schemaId: 99 }, rawSpec(list[1]!)]);
    const d = deps();
    expect(await transformRecords(d, records)).toEqual({ received: 3, transformed: 2, deadLettered: 1 });
    const [dead] = d.writer.byTopic(topics.dlq);
    expect(String(dead?.key)).toBe('poison');
    expect(dead?.headers).toBeUndefined();
    const doc = letter(dead);
    expect(doc).toMatchObject({
      requestContext: { requestId: invocation.requestId, functionArn: invocation.functionArn, condition: 'RecordRejected', approximateInvokeCount: 1 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Handled' },
      responsePayload: { errorType: 'SchemaMismatchError', errorMessage: expect.stringMatching(/^value does not fit RawUser: id: not a UUID; fetched_at: /) },
      version: '1.0',
      KafkaBatchInfo: {
        batchSize: 1,
        bootstrapServers: '127.0.0.1:9092',
        recordInfo: { offset: '1', timestamp: new Date(records[1]!.timestamp).toISOString() },
      },
      payload: { eventSource: 'SelfManagedKafka', bootstrapServers: '127.0.0.1:9092' },
    });
    expect(Object.keys(doc.payload.records)).toEqual(['users.raw-0']);
    // The record exactly as the mapping delivered it: a reader decodes it as it would any event record.
    expect(letterRecord(dead)).toEqual(records[1]!.delivered);
    expect(doc.KafkaBatchInfo.payloadSize).toBe(Buffer.byteLength(JSON.stringify(doc.payload)));
    expect(Number.isNaN(Date.parse(doc.timestamp))).toBe(false);
  });

  it('dead-letters a tombstone and a user that does not fit the clean schema (validated at fetch, but this one came another way)', async () => {
    const [user] = users('no-date', 1);
    const records = await rawRecords([{ key: 'gone' }, rawSpec({ ...user!, registered: { ...user!.registered, date: 'not a date' } })]);
    const d = deps();
    expect(await transformRecords(d, records)).toEqual({ received: 2, transformed: 0, deadLettered: 2 });
    expect(d.writer.byTopic(topics.dlq).map((m) => letter(m).responsePayload)).toEqual([
      { errorType: 'RecordFault', errorMessage: 'record has no value (tombstone)' },
      { errorType: 'RecordFault', errorMessage: expect.stringMatching(/^clean user does not fit CleanUser: /) },
    ]);
  });

  it('reads a value a newer writer wrote (an extra field) as the schema it knows', async () => {
    const [user] = users('v2', 1);
    const spec = rawSpec(user!);
    const records = await rawRecords([{ ...spec, value: { ...(spec.value as object), loyalty_tier: 'gold' }, schemaId: 12 }]);
    const d = deps();
    expect(await transformRecords(d, records)).toEqual({ received: 1, transformed: 1, deadLettered: 0 });
    expect(Object.keys(records[0]!.value())).not.toContain('loyalty_tier');
  });

  it('fails the batch, sending nothing, when a record came undecoded (the mapping has no schema registry)', async () => {
    const [user] = users('undecoded', 1);
    const records = await rawRecords([{ ...rawSpec(user!), schemaId: undefined }]);
    const d = deps();
    await expect(transformRecords(d, records)).rejects.toThrow(/^users\.raw-0@0 came without valueSchemaMetadata/);
    expect([d.writer.byTopic(topics.clean), d.writer.byTopic(topics.dlq)]).toEqual([[], []]);
  });

  it('throws, sending nothing, when the registry is down (the batch is retried)', async () => {
    const store = memorySchemaStore();
    store.down = true;
    const d = deps(memoryCodec(store));
    await expect(transformRecords(d, await rawRecords(users('registry', 2).map((u) => rawSpec(u))))).rejects.toThrow('registry unreachable');
    expect(d.writer.byTopic(topics.clean)).toEqual([]);
  });

  it('throws when the broker refuses, so neither clean users nor dead letters are committed', async () => {
    const d = deps();
    d.writer.failWith = new Error('broker down');
    await expect(transformRecords(d, await rawRecords([rawSpec(users('broker', 1)[0]!), { key: 'poison', value: 'text', schemaId: 1 }]))).rejects.toThrow(
      'broker down',
    );
  });
});
