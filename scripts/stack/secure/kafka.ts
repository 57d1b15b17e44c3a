/**
 * Kafka on the secure stack: one SASL_SSL listener (SCRAM-SHA-512) for clients and for the broker
 * itself, TLS from the JVM keystore. Its users live in ZooKeeper as SCRAM credentials, put there
 * before the broker starts by Kafka's own ConfigCommand, which reads them from an owner-only file.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SASLOptions } from 'kafkajs';
import { StackError, type JavaRuntime, type StackContext } from '../service';
import { secureMaterial, writeSecretFile } from './material';

const run = promisify(execFile);
const MECHANISM = 'SCRAM-SHA-512';

/** The broker's users (its own and the pipeline's) in ZooKeeper; again only when a password changed. */
export async function bootstrapScramUsers(ctx: StackContext, java: JavaRuntime, classpath: string): Promise<void> {
  const material = await secureMaterial(ctx);
  const users = await Promise.all([material.credentials('kafka-admin'), material.credentials('kafka-client')]);
  const stamp = path.join(ctx.optDir('kafka'), 'scram-users');
  const digest = createHash('sha256').update(JSON.stringify(users)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  ctx.progress(`kafka: creating the SCRAM users ${users.map((u) => u.username).join(', ')} (once)`);
  const file = path.join(ctx.optDir('kafka'), 'scram-user.properties');
  const { host, ports } = ctx.config;
  try {
    for (const { username, password } of users) {
      // A properties value, not --add-config's bracketed list: ConfigCommand matches it as is.
      writeSecretFile(file, `${MECHANISM}=iterations=8192,password=${password}\n`);
      const args = [
        '-cp',
        classpath,
        'kafka.admin.ConfigCommand',
        '--zookeeper',
        `${host}:${ports.zookeeper}`,
        '--alter',
        '--add-config-file',
        file,
        '--entity-type',
        'users',
        '--entity-name',
        username,
      ];
      await run(java.bin, args, { timeout: 120_000 }).catch((err: { stderr?: string }) => {
        // ConfigCommand quotes the credential it refuses: never let it through.
        const reason = (err.stderr ?? '').trim().split('\n').slice(-1)[0]?.replaceAll(password, '<password>');
        throw new StackError('kafka', `could not create the SCRAM user ${username}: ${reason}`);
      });
    }
  } finally {
    rmSync(file, { force: true });
  }
  writeFileSync(stamp, digest);
}

/** server.properties entries for the SASL_SSL listener; the file holding them must be owner-only. */
export async function secureBrokerProperties(ctx: StackContext): Promise<Record<string, string>> {
  const material = await secureMaterial(ctx);
  const broker = await material.credentials('kafka-admin');
  const keystorePassword = (await material.credentials('keystore')).password;
  const { host, ports } = ctx.config;
  const listener = `SASL_SSL://${host}:${ports.kafka}`;
  return {
    listeners: listener,
    'advertised.listeners': listener,
    'security.inter.broker.protocol': 'SASL_SSL',
    'sasl.enabled.mechanisms': MECHANISM,
    'sasl.mechanism.inter.broker.protocol': MECHANISM,
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${broker.username}" password="${broker.password}";`,
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': material.serverKeystore,
    'ssl.keystore.password': keystorePassword,
    'ssl.truststore.type': 'PKCS12',
    'ssl.truststore.location': material.truststore,
    'ssl.truststore.password': keystorePassword,
    'ssl.enabled.protocols': 'TLSv1.3,TLSv1.2',
  };
}

/** What the stack's own kafkajs clients (the probe) add on the secure stack: TLS to the local CA, SCRAM as the broker's user. */
export async function stackKafkaAccess(ctx: StackContext): Promise<{ ssl?: { ca: string; rejectUnauthorized: true }; sasl?: SASLOptions }> {
  if (!ctx.config.secure) return {};
  const material = await secureMaterial(ctx);
  const { username, password } = await material.credentials('kafka-admin');
  return { ssl: { ca: readFileSync(material.caPem, 'utf8'), rejectUnauthorized: true }, sasl: { mechanism: 'scram-sha-512', username, password } };
}
