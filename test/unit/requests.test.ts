import { InvalidRequestError, parseFetchRequest, parsePersistBatch } from '../../layers/domain/requests';
import { flattenKafkaEvent, KafkaEventError, recordName } from '../../layers/domain/kafka-records';
import { batchIdFor } from '../../layers/pipeline/fetch-users';

describe('parseFetchRequest', () => {
  it('takes the schedule input, Airflow parameters and numeric strings', () => {
    expect(parseFetchRequest({ results: '5000' }, 100)).toEqual({ results: 5000 });
    expect(parseFetchRequest({}, 100)).toEqual({ results: 100 });
    expect(parseFetchRequest({ results: 10, seed: '2026-01-01', page: 3, nat: 'us,gb', batchId: 'airflow:2026-01-01' }, 100)).toEqual({
      results: 10,
      seed: '2026-01-01',
      page: 3,
      nat: 'us,gb',
      batchId: 'airflow:2026-01-01',
    });
  });

  it.each([
    [{ results: 5001 }, 'results must be an integer from 1 to 5000, got 5001'],
    [{ results: 0 }, 'results must be an integer from 1 to 5000, got 0'],
    [{ results: 'many' }, 'results must be an integer from 1 to 5000, got "many"'],
    [{ page: 1.5 }, 'page must be an integer'],
    [{ seed: 'a b' }, 'seed must match'],
    [{ nat: 'usa' }, 'nat must match'],
  ])('rejects %j with a clear message', (event, message) => {
    expect(() => parseFetchRequest(event, 100)).toThrow(InvalidRequestError);
    expect(() => parseFetchRequest(event, 100)).toThrow(message);
  });

  it('derives a stable batch id from seed and page, a unique one otherwise', () => {
    expect(batchIdFor({ results: 10, seed: 's', page: 2 })).toBe('seed:s:page:2:n:10');
    expect(batchIdFor({ results: 10, seed: 's', page: 2 })).toBe(batchIdFor({ results: 10, seed: 's', page: 2 }));
    expect(batchIdFor({ results: 10 })).not.toBe(batchIdFor({ results: 10 }));
    expect(batchIdFor({ results: 10, batchId: 'given' })).toBe('given');
  });
});

describe('parsePersistBatch', () => {
  it('requires a batch id and a users array', () => {
    expect(() => parsePersistBatch({ users: [] })).toThrow('persist: batchId must be a non-empty string');
    expect(() => parsePersistBatch({ batchId: 'b', users: {} })).toThrow('persist: users must be an array');
    expect(parsePersistBatch({ batchId: 'b', users: [] })).toEqual({ batchId: 'b', users: [], rejected: [] });
    // Users were validated by fetch; the door checks only the key persist stores them by.
    expect(() => parsePersistBatch({ batchId: 'b', users: [{ login: { uuid: 'not-a-uuid' } }] })).toThrow(
      'persist: users[0].login.uuid must be a lower-case UUID, got "not-a-uuid"',
    );
    expect(() => parsePersistBatch({ batchId: 'b', users: [null] })).toThrow('persist: users[0].login.uuid must be a lower-case UUID, got undefined');
  });
});

describe('flattenKafkaEvent', () => {
  const event = {
    eventSource: 'SelfManagedKafka',
    bootstrapServers: '127.0.0.1:9092',
    records: {
      'users.raw-0': [
        {
          topic: 'users.raw',
          partition: 0,
          offset: 15,
          timestamp: 1700000000000,
          timestampType: 'CREATE_TIME',
          key: Buffer.from('k').toString('base64'),
          value: Buffer.from('v').toString('base64'),
          headers: [{ reason: [104, 105] }],
        },
      ],
      'users.raw-1': [{ topic: 'users.raw', partition: 1, offset: 3, timestamp: 1700000000001, timestampType: 'CREATE_TIME', headers: [] }],
    },
  };

  it('decodes base64 keys, values and byte-array headers; a missing value stays null', () => {
    const records = flattenKafkaEvent(event);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ topic: 'users.raw', partition: 0, offset: 15, headers: { reason: 'hi' } });
    expect(records[0]?.key?.toString()).toBe('k');
    expect(records[0]?.value?.toString()).toBe('v');
    expect(records[1]?.value).toBeNull();
    expect(recordName(records[1]!)).toBe('users.raw-1@3');
  });

  it('refuses an event that is not a Kafka event', () => {
    expect(() => flattenKafkaEvent({ Records: [] })).toThrow(KafkaEventError);
    expect(() => flattenKafkaEvent({ records: { 'a-0': 'x' } })).toThrow('records["a-0"] is not an array');
  });
});
