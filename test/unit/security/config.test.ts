/** layers/config's security settings: the plain defaults, TRIBUTARY_SECURE's, AWS's through variables, and what cannot work. */
import { loadConfig, SecurityConfigError } from '../../../layers/config';

describe('security settings', () => {
  it('leaves the plain stack as it was: no TLS, no credentials, 127.0.0.1 and .stack', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', secure: false, stack: { home: '.stack' } });
    expect(config.kafka).toMatchObject({ brokers: ['127.0.0.1:9092'], tls: { enabled: false }, auth: { mechanism: 'none' } });
    expect(config.postgres).toMatchObject({ tls: { enabled: false }, credentials: undefined });
    expect(config.cassandra).toMatchObject({ tls: { enabled: false }, auth: { mechanism: 'none' } });
    expect(config.schemaRegistry).toMatchObject({ url: 'http://127.0.0.1:8081/apis/ccompat/v7', tls: { enabled: false }, credentials: undefined });
  });

  it('points every client of the secure stack at its own host, CA and credential files', () => {
    const config = loadConfig({ TRIBUTARY_SECURE: 'true' });
    const ca = '.stack-secure/tls/ca.pem';
    expect(config).toMatchObject({ host: '127.0.0.2', secure: true, stack: { home: '.stack-secure' } });
    expect(config.kafka).toEqual(
      expect.objectContaining({
        brokers: ['127.0.0.2:9092'],
        tls: { enabled: true, caFile: ca },
        auth: { mechanism: 'scram-sha-512', credentials: 'file:.stack-secure/secrets/kafka-client.json' },
      }),
    );
    expect(config.postgres).toMatchObject({ host: '127.0.0.2', tls: { enabled: true, caFile: ca }, credentials: 'file:.stack-secure/secrets/postgres.json' });
    expect(config.cassandra).toMatchObject({
      tls: { enabled: true, caFile: ca },
      auth: { mechanism: 'password', credentials: 'file:.stack-secure/secrets/cassandra-client.json' },
    });
    expect(config.schemaRegistry).toMatchObject({
      url: 'https://127.0.0.2:8081/apis/ccompat/v7',
      tls: { enabled: true },
      credentials: 'file:.stack-secure/secrets/registry-client.json',
    });
  });

  it('takes what AWS needs from variables alone: MSK IAM, RDS over TLS with a secret, Keyspaces with SigV4', () => {
    const config = loadConfig({
      AWS_REGION: 'eu-west-1',
      KAFKA_TLS: 'true',
      KAFKA_AUTH: 'msk-iam',
      POSTGRES_TLS: 'verify-full',
      POSTGRES_TLS_CA_FILE: '/var/runtime/ca-cert.pem',
      POSTGRES_CREDENTIALS: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tributary-db-AbCdEf',
      CASSANDRA_TLS: 'true',
      CASSANDRA_AUTH: 'sigv4',
    });
    expect(config.kafka).toMatchObject({ tls: { enabled: true, caFile: undefined }, auth: { mechanism: 'msk-iam', region: 'eu-west-1' } });
    expect(config.postgres).toMatchObject({
      tls: { enabled: true, caFile: '/var/runtime/ca-cert.pem' },
      credentials: expect.stringMatching(/^arn:aws:secretsmanager:/),
    });
    expect(config.cassandra.auth).toEqual({ mechanism: 'sigv4', region: 'eu-west-1' });
  });

  it('refuses settings that cannot work, naming the variable', () => {
    expect(() => loadConfig({ KAFKA_AUTH: 'scram-sha-512', KAFKA_TLS: 'true' })).toThrow(/KAFKA_CREDENTIALS must name/);
    expect(() => loadConfig({ KAFKA_AUTH: 'msk-iam' })).toThrow(/KAFKA_AUTH=msk-iam needs KAFKA_TLS=true/);
    expect(() => loadConfig({ CASSANDRA_AUTH: 'sigv4' })).toThrow(/needs CASSANDRA_TLS=true/);
    expect(() => loadConfig({ POSTGRES_TLS: 'require' })).toThrow(SecurityConfigError);
  });
});
