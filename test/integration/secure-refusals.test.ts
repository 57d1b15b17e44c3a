/**
 * Every service of the secure stack refuses a client without TLS, without credentials or with a
 * wrong password, and lets the right one in — asked by clients that are not ours: kcat
 * (librdkafka), psql, the Python Cassandra driver, curl.
 */
import { cqlProbe, curlStatus, ensureKcat, kcatMetadata, psqlSelect, type Answer } from '../support/secure/clients';
import { secureConfig, secureContext, secureCredentials, secureFiles } from '../support/secure/stack';

const config = secureConfig();
const ctx = secureContext();
const ca = secureFiles(config).ca;
const host = config.host;
const WRONG = { username: 'tributary', password: 'not-the-password' };

function refused(result: Answer, reason: RegExp): void {
  expect(result.ok).toBe(false);
  expect(result.output).toMatch(reason);
}

describe('Kafka (kcat) on the SASL_SSL listener', () => {
  const broker = `${host}:${config.ports.kafka}`;
  beforeAll(() => ensureKcat(ctx), 300_000);

  it('refuses a plaintext client', async () => {
    refused(await kcatMetadata(broker, { tls: false }), /Disconnected|transport failure|timed out|Failed to acquire metadata/i);
  });

  it('refuses TLS without SASL credentials', async () => {
    refused(await kcatMetadata(broker, { tls: true, ca }), /Disconnected|transport failure|timed out|Failed to acquire metadata/i);
  });

  it('refuses a wrong SCRAM password', async () => {
    refused(await kcatMetadata(broker, { tls: true, ca, sasl: WRONG }), /Authentication failed|SASL authentication error/i);
  });

  it('refuses a server certificate it cannot verify (no CA given)', async () => {
    refused(
      await kcatMetadata(broker, { tls: true, sasl: await secureCredentials(config, 'kafka-client') }),
      /certificate verify failed|SSL handshake failed/i,
    );
  });

  it('lets the pipeline user in over TLS with its credentials', async () => {
    const result = await kcatMetadata(broker, { tls: true, ca, sasl: await secureCredentials(config, 'kafka-client') });
    expect(result.output).toContain(config.topics.raw);
    expect(result.ok).toBe(true);
  });
});

describe('PostgreSQL (psql): hostssl and scram-sha-256 only', () => {
  const database = config.postgres.database;
  const port = config.ports.postgres;

  it('refuses a connection without TLS', async () => {
    const { password } = await secureCredentials(config, 'postgres');
    refused(await psqlSelect(host, port, database, { sslmode: 'disable', user: 'tributary', password }), /no pg_hba\.conf entry.*no encryption/);
  });

  it('refuses a connection without a password', async () => {
    refused(await psqlSelect(host, port, database, { sslmode: 'verify-full', ca, user: 'tributary' }), /no password supplied|password authentication failed/);
  });

  it('refuses a wrong password', async () => {
    refused(
      await psqlSelect(host, port, database, { sslmode: 'verify-full', ca, user: 'tributary', password: WRONG.password }),
      /password authentication failed/,
    );
  });

  it('lets the pipeline user in over verified TLS', async () => {
    const { username, password } = await secureCredentials(config, 'postgres');
    const result = await psqlSelect(host, port, database, { sslmode: 'verify-full', ca, user: username, password });
    expect(result).toEqual({ ok: true, output: '1\n' });
  });
});

describe('Cassandra (Python driver): client encryption and PasswordAuthenticator', () => {
  let cql: Awaited<ReturnType<typeof cqlProbe>>;
  const port = config.ports.cassandra;
  beforeAll(async () => {
    cql = await cqlProbe(ctx);
  }, 600_000);

  it('refuses a client without TLS', async () => {
    const { username, password } = await secureCredentials(config, 'cassandra-client');
    refused(await cql(host, port, { username, password }), /^refused: /);
  });

  it('refuses a TLS client without credentials', async () => {
    refused(await cql(host, port, { ca }), /AuthenticationFailed|requires authentication/i);
  });

  it('refuses a wrong password, and the default superuser is gone', async () => {
    refused(await cql(host, port, { ca, ...WRONG }), /Provided username tributary and\/or password are incorrect/);
    refused(await cql(host, port, { ca, username: 'cassandra', password: 'cassandra' }), /Provided username cassandra and\/or password are incorrect/);
  });

  it('lets the pipeline role in over TLS', async () => {
    const result = await cql(host, port, { ca, ...(await secureCredentials(config, 'cassandra-client')) });
    expect(result.output).toMatch(/^5\.0\./);
    expect(result.ok).toBe(true);
  });
});

describe('Schema registry (curl): HTTPS and basic auth', () => {
  const path = `${host}:${config.ports.schemaRegistry}/apis/ccompat/v7/subjects`;

  it('answers no plain HTTP', async () => {
    const result = await curlStatus(`http://${path}`, {});
    expect(result.output).not.toMatch(/^200/);
  });

  it('answers 401 without credentials and with a wrong password', async () => {
    expect((await curlStatus(`https://${path}`, { ca })).output).toBe('401');
    expect((await curlStatus(`https://${path}`, { ca, credentials: WRONG })).output).toBe('401');
  });

  it('answers the subjects to the pipeline user', async () => {
    const result = await curlStatus(`https://${path}`, { ca, credentials: await secureCredentials(config, 'registry-client') });
    expect(result).toEqual({ ok: true, output: '200' });
  });
});
