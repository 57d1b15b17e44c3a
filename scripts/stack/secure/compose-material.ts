/**
 * `npm run compose:secure`: what docker-compose.secure.yml mounts. The secure stack's own material
 * (material.ts: a local CA, certificates, one random password per user) made under .compose-secure/
 * (git-ignored, owner-only), its certificates issued for the containers' names; then, per container,
 * the files it reads, in the form its image takes them (compose/<folder>/). The compose file's
 * one-shot `secure-material` container copies each folder into that container's own volume, owned
 * by the user its image runs as: no password is in the compose file, an environment or a command line.
 */
import { chmodSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../layers/config';
import { createContext, repoRoot } from '../context';
import type { StackContext } from '../service';
import { renderCassandraYaml } from '../services/cassandra';
import { type SecureMaterial, secureMaterial, writeSecretFile } from './material';

/** The folder, relative to the repository (docker-compose.secure.yml mounts it as ./.compose-secure). */
export const COMPOSE_SECURE_HOME = '.compose-secure';
/** The names the containers reach each other by, and the host's: the server certificates carry them all. */
export const COMPOSE_TLS_NAMES = ['kafka', 'schema-registry', 'postgres', 'cassandra', 'localhost'];

/** Each folder under compose/: the volume it is copied into, where that is mounted, and who owns it there. */
export const COMPOSE_SECRET_VOLUMES = {
  // cp-kafka and cp-schema-registry run as appuser (1000); postgres and cassandra as their own user (999).
  kafka: { volume: 'kafka-secrets', mount: '/etc/kafka/secrets', uid: 1000, services: ['kafka'] },
  'schema-registry': { volume: 'schema-registry-secrets', mount: '/etc/schema-registry/secrets', uid: 1000, services: ['schema-registry'] },
  postgres: { volume: 'postgres-secrets', mount: '/run/tributary/postgres', uid: 999, services: ['postgres'] },
  cassandra: { volume: 'cassandra-secrets', mount: '/run/tributary/cassandra', uid: 999, services: ['cassandra'] },
  // The node containers run as root; layers/config finds the files as in any secure stack home.
  pipeline: { volume: 'pipeline-secrets', mount: `/app/${COMPOSE_SECURE_HOME}`, uid: 0, services: ['provision', 'functions'] },
} as const;
export type ComposeSecretFolder = keyof typeof COMPOSE_SECRET_VOLUMES;

const SCRAM = 'SCRAM-SHA-512';

/** `name="value"` pairs of a JAAS login module entry. */
const jaasOptions = (options: Record<string, string>): string =>
  Object.entries(options)
    .map(([key, value]) => `${key}="${value}"`)
    .join(' ');

export interface ComposeMaterial {
  home: string;
  folder(name: ComposeSecretFolder): string;
}

/** Makes (or keeps) the material under `home` and writes every container's folder from it. */
export async function composeSecureMaterial(ctx: StackContext): Promise<ComposeMaterial> {
  const material = await secureMaterial(ctx, COMPOSE_TLS_NAMES);
  const folder = (name: ComposeSecretFolder): string => path.join(ctx.home, 'compose', name);
  rmSync(path.join(ctx.home, 'compose'), { recursive: true, force: true });
  for (const name of Object.keys(COMPOSE_SECRET_VOLUMES) as ComposeSecretFolder[]) mkdirSync(folder(name), { recursive: true, mode: 0o700 });
  // Every file owner-only, the CA's copies too: each folder is one container's, nobody else's.
  const copy = (from: string, name: ComposeSecretFolder, as: string): void => {
    copyFileSync(from, path.join(folder(name), as));
    chmodSync(path.join(folder(name), as), 0o600);
  };
  const write = (name: ComposeSecretFolder, file: string, content: string): void => writeSecretFile(path.join(folder(name), file), content);
  const keystorePassword = (await material.credentials('keystore')).password;
  const broker = await material.credentials('kafka-admin');

  await writeKafka(material, copy, write, keystorePassword, broker);
  await writeRegistry(material, copy, write, keystorePassword, broker);
  await writePostgres(material, copy, write);
  await writeCassandra(ctx, material, copy, write, keystorePassword);
  mkdirSync(path.join(folder('pipeline'), 'tls'), { mode: 0o700 });
  mkdirSync(path.join(folder('pipeline'), 'secrets'), { mode: 0o700 });
  copy(material.caPem, 'pipeline', 'tls/ca.pem');
  for (const name of ['kafka-client', 'postgres', 'cassandra-client', 'registry-client'] as const)
    copy(material.secretFile(name), 'pipeline', `secrets/${name}.json`);
  return { home: ctx.home, folder };
}

type Copy = (from: string, folder: ComposeSecretFolder, as: string) => void;
type Write = (folder: ComposeSecretFolder, file: string, content: string) => void;

/** cp-kafka's own SSL settings read the keystores and their password from /etc/kafka/secrets; SCRAM users go into ZooKeeper from files. */
async function writeKafka(
  material: SecureMaterial,
  copy: Copy,
  write: Write,
  keystorePassword: string,
  broker: { username: string; password: string },
): Promise<void> {
  const dir = COMPOSE_SECRET_VOLUMES.kafka.mount;
  copy(material.serverKeystore, 'kafka', 'server.p12');
  copy(material.truststore, 'kafka', 'truststore.p12');
  write('kafka', 'keystore.password', keystorePassword);
  write('kafka', 'kafka_server_jaas.conf', `KafkaServer {\n  org.apache.kafka.common.security.scram.ScramLoginModule required ${jaasOptions(broker)};\n};\n`);
  for (const name of ['kafka-admin', 'kafka-client'] as const) {
    const user = await material.credentials(name);
    write('kafka', `scram-${user.username}.properties`, `${SCRAM}=iterations=8192,password=${user.password}\n`);
  }
  // The healthcheck's client: the broker's own user, trusting the local CA.
  write(
    'kafka',
    'client.properties',
    [
      'security.protocol=SASL_SSL',
      `sasl.mechanism=${SCRAM}`,
      `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required ${jaasOptions(broker)};`,
      `ssl.truststore.location=${dir}/truststore.p12`,
      'ssl.truststore.type=PKCS12',
      `ssl.truststore.password=${keystorePassword}`,
      '',
    ].join('\n'),
  );
}

/** Appended to the properties cp-schema-registry writes from its environment: what holds a password. */
async function writeRegistry(
  material: SecureMaterial,
  copy: Copy,
  write: Write,
  keystorePassword: string,
  broker: { username: string; password: string },
): Promise<void> {
  const dir = COMPOSE_SECRET_VOLUMES['schema-registry'].mount;
  const client = await material.credentials('registry-client');
  copy(material.serverKeystore, 'schema-registry', 'server.p12');
  copy(material.truststore, 'schema-registry', 'truststore.p12');
  copy(material.caPem, 'schema-registry', 'ca.pem');
  write(
    'schema-registry',
    'secure.properties',
    [
      `ssl.keystore.password=${keystorePassword}`,
      `ssl.key.password=${keystorePassword}`,
      `kafkastore.ssl.truststore.password=${keystorePassword}`,
      `kafkastore.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required ${jaasOptions(broker)};`,
      '',
    ].join('\n'),
  );
  // Basic auth: Jetty's property-file login module, the pipeline's one user in the role the registry admits.
  write(
    'schema-registry',
    'jaas.conf',
    `SchemaRegistry {\n  org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required ${jaasOptions({ file: `${dir}/users.properties` })};\n};\n`,
  );
  write('schema-registry', 'users.properties', `${client.username}: ${client.password},sr-user\n`);
  write('schema-registry', 'netrc', `machine localhost login ${client.username} password ${client.password}\n`);
}

/** The image's own *_FILE convention for the superuser's password; the server's TLS pair and its pg_hba.conf. */
async function writePostgres(material: SecureMaterial, copy: Copy, write: Write): Promise<void> {
  copy(material.postgresCert, 'postgres', 'server.pem');
  copy(material.postgresKey, 'postgres', 'server.key');
  write('postgres', 'password', (await material.credentials('postgres')).password);
  // Over the network: TLS with a password and nothing else. The socket stays for the image's own
  // initialisation (it creates the database through it), still with a password.
  write(
    'postgres',
    'pg_hba.conf',
    '# Generated by scripts/stack/secure/compose-material.ts.\nlocal all all scram-sha-256\nhostssl all all all scram-sha-256\n',
  );
}

/** The native node's cassandra.yaml (infra/native/cassandra), for the container: its paths, its name, the secure settings. */
async function writeCassandra(ctx: StackContext, material: SecureMaterial, copy: Copy, write: Write, keystorePassword: string): Promise<void> {
  const dir = COMPOSE_SECRET_VOLUMES.cassandra.mount;
  copy(material.serverKeystore, 'cassandra', 'server.p12');
  copy(material.caPem, 'cassandra', 'ca.pem');
  const yaml = renderCassandraYaml(ctx.root, {
    DATA_DIR: '/var/lib/cassandra',
    LISTEN_ADDRESS: 'cassandra',
    STORAGE_PORT: '7000',
    CQL_PORT: '9042',
    AUTHENTICATOR: 'PasswordAuthenticator',
    CLIENT_TLS: 'true',
    KEYSTORE: `${dir}/server.p12`,
    KEYSTORE_PASSWORD: keystorePassword,
  });
  write('cassandra', 'cassandra.yaml', yaml);
  // cqlsh, for the healthcheck: TLS to the local CA, and the pipeline's role from a file.
  write('cassandra', 'cqlshrc', `[connection]\nhostname = localhost\nport = 9042\n\n[ssl]\ncertfile = ${dir}/ca.pem\nvalidate = true\n`);
  const { username, password } = await material.credentials('cassandra-client');
  write('cassandra', 'credentials', `[PlainTextAuthProvider]\nusername = ${username}\npassword = ${password}\n`);
}

/** The context the material is made in: the secure stack's rules, compose's folder, the host's loopback address. */
export function composeContext(progress: (message: string) => void, home: string = COMPOSE_SECURE_HOME): StackContext {
  return createContext(progress, loadConfig({ ...process.env, TRIBUTARY_SECURE: 'true', TRIBUTARY_STACK_HOME: home, TRIBUTARY_HOST: '127.0.0.1' }));
}

if (require.main === module) {
  const ctx = composeContext((m) => console.log(m));
  composeSecureMaterial(ctx)
    .then((made) =>
      console.log(`the secure material is in ${path.relative(repoRoot, made.home)}/: docker compose -f docker-compose.yml -f docker-compose.secure.yml up -d`),
    )
    .catch((err: unknown) => {
      console.error(`compose:secure failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
