/**
 * How each client proves who it is and whom it trusts: TLS and authentication per service, chosen
 * by environment variables alone (serverless.yml fills them from its params). Values here are
 * references to secrets (layers/secrets), never secrets. TRIBUTARY_SECURE selects the local secure
 * stack's defaults: every service over TLS with credentials from files under its home.
 */
type Env = Record<string, string | undefined>;

/**
 * Where a secret or a certificate is read from, never its value: `file:<path>` (local, owner-only),
 * a Secrets Manager ARN, an SSM parameter ARN or `ssm:/<path>` (layers/secrets).
 */
export type SecretRef = string;

export interface TlsSettings {
  enabled: boolean;
  /**
   * A PEM file of the CAs to trust, instead of Node's own (a certificate is no secret: it ships with
   * the function, or is the runtime's /var/runtime/ca-cert.pem for RDS). Unset: Node's CAs, which
   * MSK's and Keyspaces' certificates chain to.
   */
  caFile: string | undefined;
}

export type KafkaAuth = { mechanism: 'none' } | { mechanism: 'scram-sha-512'; credentials: SecretRef } | { mechanism: 'msk-iam'; region: string };

export type CassandraAuth = { mechanism: 'none' } | { mechanism: 'password'; credentials: SecretRef } | { mechanism: 'sigv4'; region: string };

export interface SecuritySettings {
  kafka: { tls: TlsSettings; auth: KafkaAuth };
  schemaRegistry: { tls: TlsSettings; credentials: SecretRef | undefined };
  postgres: { tls: TlsSettings; credentials: SecretRef | undefined };
  cassandra: { tls: TlsSettings; auth: CassandraAuth };
}

/** Thrown for a setting that cannot work; the message names the variable. */
export class SecurityConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecurityConfigError';
  }
}

/** The local secure stack's files: the CA every client trusts and one credentials file per client. */
export function secureStackFiles(home: string): { ca: string; secret(name: string): string } {
  return { ca: `${home}/tls/ca.pem`, secret: (name) => `${home}/secrets/${name}.json` };
}

export function isSecure(env: Env): boolean {
  return env.TRIBUTARY_SECURE === 'true' || env.TRIBUTARY_SECURE === '1';
}

function choice<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new SecurityConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function ref(env: Env, name: string, fallback: SecretRef | undefined): SecretRef | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

function required(value: SecretRef | undefined, name: string, why: string): SecretRef {
  if (value === undefined) throw new SecurityConfigError(`${name} must name where the credentials are (${why})`);
  return value;
}

/**
 * @param home the stack home (its secure defaults live there)
 * @param registryUrl the registry URL already chosen: https means TLS
 */
export function readSecurity(env: Env, home: string, region: string, registryUrl: string): SecuritySettings {
  const secure = isSecure(env);
  const files = secureStackFiles(home);
  const localCa = secure ? files.ca : undefined;
  const localSecret = (name: string): SecretRef | undefined => (secure ? `file:${files.secret(name)}` : undefined);
  const onOff = (name: string): boolean => choice(env, name, ['true', 'false'], secure ? 'true' : 'false') === 'true';

  const kafkaMechanism = choice(env, 'KAFKA_AUTH', ['none', 'scram-sha-512', 'msk-iam'], secure ? 'scram-sha-512' : 'none');
  const kafkaAuth: KafkaAuth =
    kafkaMechanism === 'none'
      ? { mechanism: 'none' }
      : kafkaMechanism === 'msk-iam'
        ? { mechanism: 'msk-iam', region }
        : {
            mechanism: kafkaMechanism,
            credentials: required(ref(env, 'KAFKA_CREDENTIALS', localSecret('kafka-client')), 'KAFKA_CREDENTIALS', 'KAFKA_AUTH=scram-sha-512'),
          };
  // MSK's SASL listeners (SCRAM, IAM) are TLS-only; authentication over plaintext would send the exchange in clear.
  const kafkaTls = onOff('KAFKA_TLS');
  if (kafkaMechanism !== 'none' && !kafkaTls) throw new SecurityConfigError(`KAFKA_AUTH=${kafkaMechanism} needs KAFKA_TLS=true`);

  const cassandraMechanism = choice(env, 'CASSANDRA_AUTH', ['none', 'password', 'sigv4'], secure ? 'password' : 'none');
  const cassandraAuth: CassandraAuth =
    cassandraMechanism === 'none'
      ? { mechanism: 'none' }
      : cassandraMechanism === 'sigv4'
        ? { mechanism: 'sigv4', region }
        : {
            mechanism: 'password',
            credentials: required(ref(env, 'CASSANDRA_CREDENTIALS', localSecret('cassandra-client')), 'CASSANDRA_CREDENTIALS', 'CASSANDRA_AUTH=password'),
          };
  const cassandraTls = onOff('CASSANDRA_TLS');
  // Amazon Keyspaces accepts connections over TLS only.
  if (cassandraMechanism === 'sigv4' && !cassandraTls) throw new SecurityConfigError('CASSANDRA_AUTH=sigv4 (Amazon Keyspaces) needs CASSANDRA_TLS=true');

  const postgresTls = choice(env, 'POSTGRES_TLS', ['disable', 'verify-full'], secure ? 'verify-full' : 'disable') === 'verify-full';
  return {
    kafka: { tls: { enabled: kafkaTls, caFile: ref(env, 'KAFKA_TLS_CA_FILE', localCa) }, auth: kafkaAuth },
    schemaRegistry: {
      tls: { enabled: registryUrl.startsWith('https:'), caFile: ref(env, 'SCHEMA_REGISTRY_TLS_CA_FILE', localCa) },
      credentials: ref(env, 'SCHEMA_REGISTRY_CREDENTIALS', localSecret('registry-client')),
    },
    postgres: {
      tls: { enabled: postgresTls, caFile: ref(env, 'POSTGRES_TLS_CA_FILE', localCa) },
      credentials: ref(env, 'POSTGRES_CREDENTIALS', localSecret('postgres')),
    },
    cassandra: { tls: { enabled: cassandraTls, caFile: ref(env, 'CASSANDRA_TLS_CA_FILE', localCa) }, auth: cassandraAuth },
  };
}
