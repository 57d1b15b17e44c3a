/**
 * The pipeline's own adapters on the secure stack, configured by TRIBUTARY_SECURE alone: they get
 * in with the credentials the stack generated, and a wrong password or a server certificate they
 * cannot verify becomes an error naming the service and the cause, with no password in it.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { logLevel } from 'kafkajs';
import { ServiceAccessError } from '../../layers/adapters/access';
import { createCassandra } from '../../layers/adapters/cassandra';
import { createKafka, createProducer } from '../../layers/adapters/kafka';
import { createPool } from '../../layers/adapters/postgres';
import { registryFetch } from '../../layers/adapters/registry-access';
import type { Config } from '../../layers/config';
import { secureConfig, secureCredentials } from '../support/secure/stack';

const config = secureConfig();
const scratch = mkdtempSync(path.join(tmpdir(), 'tributary-secure-adapters-'));
const WRONG_PASSWORD = `wrong-${randomUUID()}`;
const wrongCredentials = `file:${path.join(scratch, 'wrong.json')}`;
/** A CA of its own, which signed none of the stack's certificates. */
const strangerCa = path.join(scratch, 'stranger-ca.pem');

beforeAll(() => {
  writeFileSync(path.join(scratch, 'wrong.json'), JSON.stringify({ username: 'tributary', password: WRONG_PASSWORD }), { mode: 0o600 });
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    path.join(scratch, 'stranger.key'),
    '-out',
    strangerCa,
    '-days',
    '1',
    '-subj',
    '/CN=stranger',
  ]);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The refusal a connect ends with: its service and cause, and none of the passwords in play. */
async function expectRefusal(connect: Promise<unknown>, service: string, reason: string, secretName: Parameters<typeof secureCredentials>[1]): Promise<void> {
  const error = await connect.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ServiceAccessError);
  expect(error).toMatchObject({ service, reason });
  const text = `${(error as Error).message} ${(error as Error).stack}`;
  expect(text).toContain(`${service}: ${reason}`);
  expect(text).not.toContain(WRONG_PASSWORD);
  expect(text).not.toContain((await secureCredentials(config, secretName)).password);
}

const withCa = <T extends { tls: Config['kafka']['tls'] }>(settings: T, caFile: string): T => ({ ...settings, tls: { ...settings.tls, caFile } });

describe('kafka adapter over SASL_SSL', () => {
  it('produces with the generated credentials', async () => {
    const producer = createProducer(createKafka(config.kafka, { clientId: 'secure-adapter-test', logLevel: logLevel.NOTHING }));
    try {
      await producer.connect();
      await producer.send({ topic: config.topics.dlq, acks: -1, messages: [] });
    } finally {
      await producer.disconnect();
    }
  });

  it('names a wrong password and a certificate it cannot verify', async () => {
    const wrong = createKafka(
      { ...config.kafka, auth: { mechanism: 'scram-sha-512', credentials: wrongCredentials } },
      { retries: 0, logLevel: logLevel.NOTHING },
    );
    await expectRefusal(wrong.admin().connect(), 'kafka', 'authentication failed', 'kafka-client');
    const stranger = createKafka(withCa(config.kafka, strangerCa), { retries: 0, logLevel: logLevel.NOTHING });
    await expectRefusal(stranger.admin().connect(), 'kafka', 'bad certificate', 'kafka-client');
  });
});

describe('postgres adapter over verified TLS', () => {
  it('queries with the generated credentials, over TLS', async () => {
    const pool = createPool(config.postgres, { max: 1 });
    try {
      const { rows } = await pool.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(rows).toEqual([{ ssl: true }]);
    } finally {
      await pool.end();
    }
  });

  it('names a wrong password and a certificate it cannot verify', async () => {
    const wrong = createPool({ ...config.postgres, credentials: wrongCredentials }, { max: 1 });
    const stranger = createPool(withCa(config.postgres, strangerCa), { max: 1 });
    try {
      await expectRefusal(wrong.query('SELECT 1'), 'postgres', 'authentication failed', 'postgres');
      await expectRefusal(stranger.query('SELECT 1'), 'postgres', 'bad certificate', 'postgres');
    } finally {
      await Promise.all([wrong.end(), stranger.end()]);
    }
  });
});

describe('cassandra adapter over TLS with a password', () => {
  it('reads with the generated credentials', async () => {
    const client = createCassandra(config.cassandra);
    try {
      await client.connect();
      const result = await client.execute('SELECT release_version FROM system.local');
      expect(String(result.first()?.get('release_version'))).toMatch(/^5\.0\./);
    } finally {
      await client.shutdown();
    }
  });

  it('names a wrong password and a certificate it cannot verify', async () => {
    const wrong = createCassandra({ ...config.cassandra, auth: { mechanism: 'password', credentials: wrongCredentials } });
    const stranger = createCassandra(withCa(config.cassandra, strangerCa));
    try {
      await expectRefusal(wrong.connect(), 'cassandra', 'authentication failed', 'cassandra-client');
      await expectRefusal(stranger.connect(), 'cassandra', 'bad certificate', 'cassandra-client');
    } finally {
      await Promise.all([wrong.shutdown(), stranger.shutdown()]);
    }
  });
});

describe('registry access over HTTPS with basic auth', () => {
  it('reads the subjects with the generated credentials', async () => {
    const response = await registryFetch(config.schemaRegistry, '/subjects');
    expect(response.status).toBe(200);
  });

  it('names a wrong password and a certificate it cannot verify', async () => {
    await expectRefusal(
      registryFetch({ ...config.schemaRegistry, credentials: wrongCredentials }, '/subjects'),
      'schema-registry',
      'authentication failed',
      'registry-client',
    );
    await expectRefusal(registryFetch(withCa(config.schemaRegistry, strangerCa), '/subjects'), 'schema-registry', 'bad certificate', 'registry-client');
  });
});
