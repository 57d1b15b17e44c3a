/**
 * sink over in-memory ports, fed the users.clean events the event source mapping delivers (decoded
 * JSON with valueSchemaMetadata): one upsert per user, dead letters before rows, a Cassandra
 * failure failing the batch. Against the real services: test/integration/pipeline-stages.test.ts.
 */
import { cleanUserSchema } from '../../../layers/domain/avro';
import { toCleanUser } from '../../../layers/domain/transform';
import { sinkRecords } from '../../../layers/pipeline/sink-records';
import { memoryCreatedUsers, memoryTopics } from '../../support/memory-ports';
import { cleanRecords, cleanSpec, invocation, letter, letterRecord, quiet, topics, users } from '../../support/stage-fixtures';

const deps = () => ({ createdUsers: memoryCreatedUsers(), writer: memoryTopics(), topics, invocation, log: quiet });

describe('sink', () => {
  it('upserts each user once, the last record of an id winning, and dead-letters a value that does not fit CleanUser', async () => {
    const clean = users('sink', 3).map(toCleanUser);
    const records = await cleanRecords([...clean.map(cleanSpec), cleanSpec(clean[1]!), { ...cleanSpec(clean[0]!), value: { ...clean[0], dob: 'yesterday' } }]);
    const d = deps();
    expect(await sinkRecords(d, records)).toEqual({ received: 5, written: 3, deadLettered: 1 });
    expect(d.createdUsers.rows.get(clean[1]!.id)?.sourceOffset).toBe('users.clean-0@3');
    const row = d.createdUsers.rows.get(clean[0]!.id);
    expect(row?.user).toEqual(clean[0]);
    expect(Object.keys(row?.user ?? {})).toEqual(cleanUserSchema.fields.map((f) => f.name));
    const [dead] = d.writer.byTopic(topics.dlq);
    expect(letter(dead).responsePayload).toEqual({
      errorType: 'SchemaMismatchError',
      errorMessage: expect.stringMatching(/^value does not fit CleanUser: dob: /),
    });
    expect(letterRecord(dead)).toEqual(records[4]!.delivered);
  });

  it('throws when Cassandra refuses, after the dead letters are safe', async () => {
    const clean = users('down', 2).map(toCleanUser);
    const d = deps();
    d.createdUsers.failWith = new Error('NoHostAvailable');
    await expect(sinkRecords(d, await cleanRecords([...clean.map(cleanSpec), { key: clean[0]!.id }]))).rejects.toThrow('NoHostAvailable');
    expect(d.writer.byTopic(topics.dlq).map((m) => letter(m).responsePayload?.errorMessage)).toEqual(['record has no value (tombstone)']);
  });
});
