/**
 * docker-compose.secure.yml, checked without Docker (there is no engine here; it has never run under
 * one): merged over docker-compose.yml as `docker compose -f docker-compose.yml -f
 * docker-compose.secure.yml` merges them, it is a valid Compose file; every service of the stack
 * listens only on its TLS listener with authentication; the files each container is pointed at are
 * made by `npm run compose:secure` (scripts/stack/secure/compose-material.ts, run here into a
 * temporary folder), owner-only, and reach only their own container; the functions' settings are
 * layers/config's, and read with them the credentials and CA resolve; no generated password is in
 * the compose files. Each check is also run on a broken copy to show it can fail.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../layers/config';
import { readCredentials } from '../../layers/secrets';
import {
  COMPOSE_SECRET_VOLUMES,
  COMPOSE_SECURE_HOME,
  type ComposeMaterial,
  type ComposeSecretFolder,
  composeContext,
  composeSecureMaterial,
} from '../../scripts/stack/secure/compose-material';
import {
  type Compose,
  clone,
  commandOf,
  createSchemaValidator,
  dependencies,
  environmentOf,
  healthTest,
  loaderProblems,
  publishedPorts,
  REPO_ROOT,
  readText,
  resolveCompose,
  setEnv,
  svc,
} from '../support/compose';
import { mergeComposeFiles, parseComposeFile } from '../support/compose-merge';

const merged = mergeComposeFiles([
  parseComposeFile(readText(REPO_ROOT, 'docker-compose.yml')),
  parseComposeFile(readText(REPO_ROOT, 'docker-compose.secure.yml')),
]);
const { compose, uses } = resolveCompose(merged, {});
const LEFT_OUT = [
  'control-center',
  'spark-master',
  'spark-worker',
  'spark-job',
  'airflow-db',
  'airflow-init',
  'airflow-api-server',
  'airflow-scheduler',
  'airflow-dag-processor',
];

let home: string;
let made: ComposeMaterial;
beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'tributary-compose-secure-'));
  made = await composeSecureMaterial(composeContext(() => undefined, home));
}, 120_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

const started = (c: Compose): string[] =>
  Object.entries(c.services)
    .filter(([, s]) => !(s as { profiles?: string[] }).profiles?.length)
    .map(([name]) => name);

// ---------------------------------------------------------------------------------------------
// Checks

/** Each started service's client port speaks TLS with authentication, and nothing else is published. */
function listenerProblems(c: Compose): string[] {
  const problems: string[] = [];
  const kafka = environmentOf(svc(c, 'kafka'));
  const protocols = new Map((kafka.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? '').split(',').map((p) => p.split(':') as [string, string]));
  for (const listener of `${kafka.KAFKA_LISTENERS},${kafka.KAFKA_ADVERTISED_LISTENERS}`.split(',')) {
    const name = listener.split('://')[0] ?? '';
    if (protocols.get(name) !== 'SASL_SSL') problems.push(`kafka listener ${listener} is ${protocols.get(name) ?? 'unmapped'}, not SASL_SSL`);
    // cp-kafka sets up its keystore and JAAS only when the advertised listeners read so.
    if (!/SSL:\/\//.test(listener) || !/SASL_/.test(listener)) problems.push(`kafka listener ${listener}: the image looks for "SSL://" and "SASL_" in it`);
  }
  if (protocols.get(kafka.KAFKA_INTER_BROKER_LISTENER_NAME ?? '') !== 'SASL_SSL') problems.push('kafka: the brokers talk to each other without SASL_SSL');
  if (kafka.KAFKA_SASL_ENABLED_MECHANISMS !== 'SCRAM-SHA-512')
    problems.push(`kafka: SASL mechanisms ${kafka.KAFKA_SASL_ENABLED_MECHANISMS}, not SCRAM-SHA-512`);
  const registry = environmentOf(svc(c, 'schema-registry'));
  for (const listener of (registry.SCHEMA_REGISTRY_LISTENERS ?? '').split(','))
    if (!listener.startsWith('https://')) problems.push(`schema-registry listens on ${listener}`);
  if (registry.SCHEMA_REGISTRY_AUTHENTICATION_METHOD !== 'BASIC') problems.push('schema-registry asks no credentials');
  if (registry.SCHEMA_REGISTRY_KAFKASTORE_SECURITY_PROTOCOL !== 'SASL_SSL') problems.push('schema-registry reaches Kafka without SASL_SSL');
  const postgres = commandOf(svc(c, 'postgres'));
  if (!/-c ssl=on\b/.test(postgres) || !/-c hba_file=/.test(postgres)) problems.push('postgres runs without ssl=on and its own pg_hba.conf');
  const cassandra = environmentOf(svc(c, 'cassandra')).JAVA_TOOL_OPTIONS ?? '';
  if (!cassandra.includes(`-Dcassandra.config=file://${COMPOSE_SECRET_VOLUMES.cassandra.mount}/cassandra.yaml`))
    problems.push("cassandra does not read the secure node's cassandra.yaml");
  for (const name of started(c)) {
    if (['kafka', 'schema-registry', 'postgres', 'cassandra', 'functions'].includes(name)) continue;
    for (const port of publishedPorts(svc(c, name))) problems.push(`${name} publishes ${port.published}, which has no TLS`);
  }
  for (const name of LEFT_OUT) if (started(c).includes(name)) problems.push(`${name} talks to the services without TLS, yet it starts`);
  return problems;
}

/** The file paths a service names inside its secrets folder. */
function namedFiles(c: Compose, service: string, mount: string): string[] {
  const s = svc(c, service);
  const text = [commandOf(s), healthTest(s), ...Object.values(environmentOf(s))].join(' ');
  return [...new Set([...text.matchAll(new RegExp(`${mount}/([\\w.-]+)`, 'g'))].map((m) => m[1]!))];
}

/** Every folder in its own volume, mounted read-only where its containers look, and in no other. */
function mountProblems(c: Compose): string[] {
  const problems: string[] = [];
  for (const [folder, { volume, mount, uid, services }] of Object.entries(COMPOSE_SECRET_VOLUMES)) {
    for (const [name, service] of Object.entries(c.services)) {
      const mounts = (service.volumes ?? []).map(String).filter((v) => v.startsWith(`${volume}:`));
      if (name === 'secure-material') {
        if (!mounts.includes(`${volume}:/volumes/${folder}`)) problems.push(`secure-material does not fill ${volume} from ${folder}`);
        if (!new RegExp(`hand ${folder} ${uid}\\n`).test(commandOf(service))) problems.push(`secure-material does not hand ${folder} to uid ${uid}`);
      } else if ((services as readonly string[]).includes(name)) {
        if (!mounts.includes(`${volume}:${mount}:ro`)) problems.push(`${name} does not mount ${volume} read-only at ${mount}`);
      } else if (mounts.length > 0) problems.push(`${name} mounts ${volume}, which is ${services.join(' and ')}'s`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml with docker-compose.secure.yml', () => {
  it('is a valid Compose Specification file that needs no .env', () => {
    expect(createSchemaValidator()(compose)).toEqual([]);
    expect(loaderProblems(compose)).toEqual([]);
    expect(uses.filter((u) => !u.fallback)).toEqual([]);
  });

  it('keeps the plain stack in its own data volumes and starts nothing that would speak without TLS', () => {
    for (const [name, target] of [
      ['kafka', '/var/lib/kafka/data'],
      ['postgres', '/var/lib/postgresql'],
      ['cassandra', '/var/lib/cassandra'],
      ['zookeeper', '/var/lib/zookeeper/data'],
    ] as const) {
      expect((svc(compose, name).volumes ?? []).map(String).filter((v) => v.endsWith(`:${target}`))).toEqual([`${name}-secure-data:${target}`]);
    }
    for (const name of started(compose)) for (const dep of dependencies(svc(compose, name))) expect(started(compose)).toContain(dep.name);
  });

  it('has every service listen only on its TLS listener, with authentication', () => {
    expect(listenerProblems(compose)).toEqual([]);
    const plaintext = clone(compose);
    setEnv(svc(plaintext, 'kafka'), 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP', 'INTERNAL_SASL_SSL:SASL_SSL,HOST_SASL_SSL:PLAINTEXT');
    expect(listenerProblems(plaintext)).toEqual([
      'kafka listener HOST_SASL_SSL://0.0.0.0:9092 is PLAINTEXT, not SASL_SSL',
      'kafka listener HOST_SASL_SSL://localhost:9092 is PLAINTEXT, not SASL_SSL',
    ]);
    const http = clone(compose);
    setEnv(svc(http, 'schema-registry'), 'SCHEMA_REGISTRY_LISTENERS', 'https://0.0.0.0:8081,http://0.0.0.0:8082');
    expect(listenerProblems(http)).toEqual(['schema-registry listens on http://0.0.0.0:8082']);
    const zookeeper = clone(compose);
    svc(zookeeper, 'zookeeper').ports = ['127.0.0.1:2181:2181'];
    expect(listenerProblems(zookeeper)).toEqual(['zookeeper publishes 2181, which has no TLS']);
    const airflow = clone(compose);
    delete (svc(airflow, 'airflow-scheduler') as { profiles?: string[] }).profiles;
    expect(listenerProblems(airflow)).toEqual(['airflow-scheduler talks to the services without TLS, yet it starts']);
  });

  it("makes the servers' own settings secure: pg_hba.conf admits TLS with a password only, Cassandra requires TLS and a password", () => {
    const hba = readFileSync(path.join(made.folder('postgres'), 'pg_hba.conf'), 'utf8').split('\n');
    const rules = hba.filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(rules).toEqual(['local all all scram-sha-256', 'hostssl all all all scram-sha-256']);
    const yaml = readFileSync(path.join(made.folder('cassandra'), 'cassandra.yaml'), 'utf8');
    expect(yaml).toMatch(/^authenticator: PasswordAuthenticator$/m);
    expect(yaml).toMatch(/^client_encryption_options:\n {2}enabled: true\n {2}optional: false\n {2}keystore: \/run\/tributary\/cassandra\/server\.p12$/m);
    expect(yaml).toMatch(/^listen_address: cassandra$/m);
  });

  it("issues the certificates for the containers' names", () => {
    for (const pem of ['tls/server.pem', 'tls/postgres.pem']) {
      const names = new X509Certificate(readFileSync(path.join(home, pem))).subjectAltName ?? '';
      for (const name of ['kafka', 'schema-registry', 'postgres', 'cassandra', 'localhost']) expect(names).toContain(`DNS:${name}`);
    }
  });

  it('mounts each folder read-only in its own containers, filled by secure-material as their user, and in no other', () => {
    expect(mountProblems(compose)).toEqual([]);
    const shared = clone(compose);
    svc(shared, 'kafka').volumes = [...(svc(shared, 'kafka').volumes ?? []), 'postgres-secrets:/run/tributary/postgres:ro'];
    expect(mountProblems(shared)).toEqual(["kafka mounts postgres-secrets, which is postgres's"]);
    const writable = clone(compose);
    svc(writable, 'cassandra').volumes = ['cassandra-secure-data:/var/lib/cassandra', 'cassandra-secrets:/run/tributary/cassandra'];
    expect(mountProblems(writable)).toEqual(['cassandra does not mount cassandra-secrets read-only at /run/tributary/cassandra']);
  });

  it('points every container at files npm run compose:secure makes, each readable by its owner alone', () => {
    for (const [folder, { mount, services }] of Object.entries(COMPOSE_SECRET_VOLUMES)) {
      for (const service of services) {
        for (const file of namedFiles(compose, service, mount)) {
          const made_ = path.join(made.folder(folder as ComposeSecretFolder), file);
          expect(statSync(made_).mode & 0o777).toBe(0o600);
        }
      }
    }
    expect(namedFiles(compose, 'kafka', COMPOSE_SECRET_VOLUMES.kafka.mount).sort()).toEqual(
      ['client.properties', 'kafka_server_jaas.conf', 'scram-broker.properties', 'scram-tributary.properties'].sort(),
    );
    // cp-kafka takes its stores and their passwords as file names in /etc/kafka/secrets.
    const kafka = Object.entries(environmentOf(svc(compose, 'kafka'))).filter(([key]) => /^KAFKA_SSL_.*_(FILENAME|CREDENTIALS)$/.test(key));
    expect(kafka.length).toBe(5);
    for (const [, file] of kafka) expect(statSync(path.join(made.folder('kafka'), file)).mode & 0o777).toBe(0o600);
    expect(commandOf(svc(compose, 'secure-material'))).toContain('/source/pipeline/tls/ca.pem');
    expect((svc(compose, 'secure-material').volumes ?? []).map(String)).toContain(`./${COMPOSE_SECURE_HOME}/compose:/source:ro`);
  });

  it("gives provision and functions layers/config's secure settings, which find the credentials and CA in the pipeline's folder", async () => {
    const configSources = ['index.ts', 'security.ts'].map((f) => readText(REPO_ROOT, `layers/config/${f}`)).join('\n');
    const secureFile = parseComposeFile(readText(REPO_ROOT, 'docker-compose.secure.yml')) as unknown as Compose;
    for (const name of ['provision', 'functions']) {
      const env = environmentOf(svc(compose, name));
      // What the override sets are names layers/config reads (POSTGRES_PASSWORD it removes).
      const set = Object.keys(environmentOf(svc(secureFile, name))).filter((key) => key !== 'POSTGRES_PASSWORD');
      for (const key of set) expect([key, new RegExp(`\\b${key}\\b`).test(configSources)]).toEqual([key, true]);
      expect(env.POSTGRES_PASSWORD).toBeUndefined();
      expect(env.TRIBUTARY_STACK_HOME).toBe(COMPOSE_SECURE_HOME);
      // In the container the folder is /app/.compose-secure; here, where compose:secure made it.
      const config = loadConfig({ ...env, TRIBUTARY_STACK_HOME: made.folder('pipeline') });
      expect(config.kafka).toMatchObject({ brokers: ['kafka:29092'], tls: { enabled: true }, auth: { mechanism: 'scram-sha-512' } });
      expect(config.schemaRegistry.tls.enabled).toBe(true);
      expect(config.postgres.tls.enabled).toBe(true);
      expect(config.cassandra).toMatchObject({ tls: { enabled: true }, auth: { mechanism: 'password' } });
      const references = [config.kafka.auth, config.cassandra.auth].map((a) => (a as { credentials: string }).credentials);
      for (const reference of [...references, config.postgres.credentials!, config.schemaRegistry.credentials!]) {
        await expect(readCredentials(reference)).resolves.toMatchObject({ username: 'tributary' });
      }
      for (const ca of [config.kafka.tls.caFile, config.postgres.tls.caFile, config.cassandra.tls.caFile, config.schemaRegistry.tls.caFile]) {
        expect(readFileSync(ca!, 'utf8')).toContain('BEGIN CERTIFICATE');
      }
    }
  });

  it('holds no generated password in either compose file', () => {
    const text = readText(REPO_ROOT, 'docker-compose.yml') + readText(REPO_ROOT, 'docker-compose.secure.yml');
    const secrets = path.join(home, 'secrets');
    for (const name of ['kafka-admin', 'kafka-client', 'postgres', 'cassandra-client', 'registry-client', 'keystore']) {
      const { password } = JSON.parse(readFileSync(path.join(secrets, `${name}.json`), 'utf8')) as { password: string };
      expect(text.includes(password)).toBe(false);
    }
    expect(JSON.stringify(compose)).not.toMatch(/password=|PASSWORD: [^$\s]/);
  });
});
