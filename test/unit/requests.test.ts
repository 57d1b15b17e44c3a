import { InvalidRequestError, parseFetchRequest, parsePersistBatch } from '../../layers/domain/requests';
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
