/**
 * persist and publish over in-memory ports (test/support/memory-ports.ts): what goes where, what
 * is dead-lettered with which envelope, and what a failure of the next system leaves behind. The
 * Kafka stages: transform-records.test.ts, sink-records.test.ts. The same stages against the real
 * services: test/integration/pipeline-stages.test.ts.
 */
import { persistUsers } from '../../../layers/pipeline/persist-users';
import { publishOutbox } from '../../../layers/pipeline/publish-outbox';
import { memoryCodec, memoryPostgres, memoryTopics } from '../../support/memory-ports';
import { invocation, letter, letterRecord, quiet, topics, users } from '../../support/stage-fixtures';

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
    const report = await publishOutbox({ outbox: db, writer, codec: memoryCodec(), topics, invocation, log: quiet }, { batchSize: 3, maxBatches: 10 });
    expect(report).toEqual({ published: 3, deadLettered: 1, batches: 2, turnedAway: false });
    const [dead] = writer.byTopic(topics.dlq);
    const row = db.outbox[2]!;
    expect(String(dead?.key)).toBe(row.userId);
    expect(letter(dead)).toMatchObject({
      requestContext: { requestId: invocation.requestId, functionArn: invocation.functionArn, condition: 'RecordRejected' },
      responsePayload: { errorType: 'RecordFault', errorMessage: expect.stringMatching(/^payload does not fit RawUser: /) },
      KafkaBatchInfo: { batchSize: 1, recordInfo: { offset: '3' } },
      payload: { eventSource: 'postgres.outbox' },
    });
    // The outbox row as if it were a record of a topic named for it: its payload as JSON, its ids as headers.
    const record = letterRecord(dead);
    expect(record).toMatchObject({ topic: 'postgres.outbox', partition: 0, offset: 3, timestamp: row.lastSeenAt.getTime() });
    expect(JSON.parse(Buffer.from(record.value!, 'base64').toString())).toEqual(row.payload);
    expect(record.headers).toEqual([{ batch_id: [...Buffer.from('b1')] }, { outbox_id: [...Buffer.from('3')] }]);
    expect(db.outbox.every((r) => r.published)).toBe(true);
  });

  it('leaves rows unpublished when the broker refuses, and is turned away while another publisher drains', async () => {
    const db = memoryPostgres();
    const writer = memoryTopics();
    await persistUsers({ rawUsers: db, triggerPublish: async () => undefined, log: quiet }, { batchId: 'b1', users: users('refused', 3), rejected: [] });
    writer.failWith = new Error('broker down');
    await expect(
      publishOutbox({ outbox: db, writer, codec: memoryCodec(), topics, invocation, log: quiet }, { batchSize: 10, maxBatches: 10 }),
    ).rejects.toThrow('broker down');
    expect(db.outbox.filter((r) => !r.published)).toHaveLength(3);
    db.locked = true;
    expect(await publishOutbox({ outbox: db, writer, codec: memoryCodec(), topics, invocation, log: quiet }, { batchSize: 10, maxBatches: 10 })).toMatchObject({
      published: 0,
      turnedAway: true,
    });
  });
});
