/** What Amazon Keyspaces does not take is refused before anything is sent (a client that never connects). */
import { Client, types } from 'cassandra-driver';
import { KeyspacesUnsupportedError, keyspacesGuard } from '../../../layers/adapters/cassandra-auth';

const client = keyspacesGuard(new Client({ contactPoints: ['127.0.0.1:1'], localDataCenter: 'eu-west-1' }));
const INSERT = 'INSERT INTO t (id) VALUES (?)';
const SELECT = 'SELECT id FROM t';

afterAll(() => client.shutdown());

describe('keyspacesGuard', () => {
  it('refuses writes at any level but LOCAL_QUORUM, and reads at QUORUM or ALL', () => {
    expect(() => client.execute(INSERT, [1], { consistency: types.consistencies.one })).toThrow(
      /Amazon Keyspaces: writes at ONE are not supported \(LOCAL_QUORUM only\)/,
    );
    expect(() => client.execute(SELECT, [], { consistency: types.consistencies.quorum })).toThrow(KeyspacesUnsupportedError);
    expect(() => client.execute(SELECT, [], { consistency: types.consistencies.all })).toThrow(/reads at ALL are not supported/);
  });

  it('refuses logged batches and batches over 30 statements', () => {
    const queries = Array.from({ length: 31 }, () => ({ query: INSERT, params: [1] }));
    expect(() => client.batch(queries.slice(0, 2))).toThrow(/logged batches are not supported; pass \{ logged: false \}/);
    expect(() => client.batch(queries, { logged: false })).toThrow(/at most 30 statements, got 31/);
    expect(() => client.batch(queries.slice(0, 2), { logged: false, consistency: types.consistencies.eachQuorum })).toThrow(/writes at EACH_QUORUM/);
  });
});
