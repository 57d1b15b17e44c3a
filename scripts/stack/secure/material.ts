/**
 * The secure stack's keys and credentials, made once under its home with what the machine has:
 * a local CA and server certificates from openssl (Debian), the Java services' keystores from the
 * JDK's keytool. tls/ca.pem is public (clients trust it); everything else is owner-only, and no
 * password ever reaches a command line (keytool reads them from files).
 *
 * tls/   ca.pem, ca.key, postgres.pem + postgres.key (PEM, for PostgreSQL), server.p12 (Kafka,
 *        Cassandra, the registry), truststore.p12 (the broker's own client: inter-broker SASL_SSL)
 * secrets/<name>.json  {"username","password"}: one per client (kafka-client, postgres,
 *        cassandra-client, registry-client), the broker's own (kafka-admin), the keystores' (keystore)
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { secureStackFiles } from '../../../layers/config';
import { type Credentials, readCredentials } from '../../../layers/secrets';
import { StackError, type StackContext } from '../service';

const run = promisify(execFile);

/** Every credential the secure stack has, by the name of its file. */
export const SECRET_NAMES = ['kafka-admin', 'kafka-client', 'postgres', 'cassandra-client', 'registry-client', 'keystore'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
/** The user each credential is for; the services create exactly these. */
const USERS: Record<SecretName, string> = {
  'kafka-admin': 'broker',
  'kafka-client': 'tributary',
  postgres: 'tributary',
  'cassandra-client': 'tributary',
  'registry-client': 'tributary',
  keystore: 'keystore',
};
const DAYS = 825;

export interface SecureMaterial {
  caPem: string;
  postgresCert: string;
  postgresKey: string;
  serverKeystore: string;
  truststore: string;
  /** A file holding the keystores' password, for keytool's -storepass:file. */
  keystorePasswordFile: string;
  secretFile(name: SecretName): string;
  credentials(name: SecretName): Promise<Credentials>;
}

function tlsDir(ctx: StackContext): string {
  return path.join(ctx.home, 'tls');
}

async function tool(command: string, args: string[], what: string): Promise<void> {
  try {
    await run(command, args, { timeout: 60_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? (err as Error).message;
    throw new StackError('secure-stack', `${what} failed (${command}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
}

function ensureSecrets(ctx: StackContext): void {
  const dir = path.join(ctx.home, 'secrets');
  // The home stays traversable: PostgreSQL runs as its own user when the stack runs as root.
  mkdirSync(ctx.home, { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const name of SECRET_NAMES) {
    const file = secureStackFiles(ctx.home).secret(name);
    if (existsSync(file)) continue;
    const password = randomBytes(24).toString('base64url');
    writeFileSync(file, `${JSON.stringify({ username: USERS[name], password })}\n`, { mode: 0o600 });
  }
}

/** The names server certificates are issued for besides the stack's host address. */
const DEFAULT_DNS_NAMES: readonly string[] = ['localhost'];

/**
 * The CA, then the PEM pair for PostgreSQL and the keystore for the JVMs, each signed by it; again
 * only when the host (or the names) changed.
 */
async function ensureCertificates(ctx: StackContext, keystorePasswordFile: string, dnsNames: readonly string[]): Promise<void> {
  const dir = tlsDir(ctx);
  const host = ctx.config.host;
  const marker = path.join(dir, 'issued-for');
  const issuedFor = dnsNames === DEFAULT_DNS_NAMES ? host : `${host} ${dnsNames.join(',')}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === issuedFor) return;
  ctx.progress(`secure stack: making a local CA and certificates for ${issuedFor} (once)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = (name: string): string => path.join(dir, name);
  const names = [`IP:${host}`, ...dnsNames.map((name) => `DNS:${name}`)].join(',');
  const san = `subjectAltName=${names}`;
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await tool(
    'openssl',
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
      '-days',
      String(DAYS),
      '-subj',
      '/CN=Tributary local CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    'making the CA',
  );
  const sign = (csr: string, out: string): Promise<void> =>
    tool(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        file('ca.pem'),
        '-CAkey',
        file('ca.key'),
        '-CAcreateserial',
        '-out',
        out,
        '-days',
        String(DAYS),
        '-copy_extensions',
        'copy',
      ],
      'signing a certificate',
    );
  await tool(
    'openssl',
    ['req', ...ec, '-keyout', file('postgres.key'), '-out', file('postgres.csr'), '-subj', `/CN=${host}`, '-addext', san],
    'making the PostgreSQL key',
  );
  await sign(file('postgres.csr'), file('postgres.pem'));
  const keytool = (args: string[], what: string): Promise<void> =>
    tool('keytool', [...args, '-storetype', 'PKCS12', '-storepass:file', keystorePasswordFile], what);
  const keystore = ['-keystore', file('server.p12'), '-alias', 'server'];
  await keytool(
    ['-genkeypair', ...keystore, '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', `CN=${host}`, '-ext', `SAN=${names}`, '-validity', String(DAYS)],
    "making the JVM services' key",
  );
  await keytool(['-certreq', ...keystore, '-ext', `SAN=${names}`, '-file', file('server.csr')], "requesting the JVM services' certificate");
  await sign(file('server.csr'), file('server.pem'));
  await keytool(['-importcert', '-noprompt', '-keystore', file('server.p12'), '-alias', 'ca', '-file', file('ca.pem')], 'adding the CA to the keystore');
  await keytool(['-importcert', ...keystore, '-file', file('server.pem')], 'adding the signed certificate to the keystore');
  await keytool(['-importcert', '-noprompt', '-keystore', file('truststore.p12'), '-alias', 'ca', '-file', file('ca.pem')], 'making the truststore');
  for (const name of ['ca.key', 'postgres.key', 'server.p12', 'truststore.p12']) chmodSync(file(name), 0o600);
  for (const name of ['postgres.csr', 'server.csr', 'ca.srl']) rmSync(file(name), { force: true });
  writeFileSync(marker, issuedFor);
}

/** One making of the certificates per folder at a time: `up` starts the services at once, and each asks. */
const making = new Map<string, Promise<void>>();

function ensureCertificatesOnce(ctx: StackContext, keystorePasswordFile: string, dnsNames: readonly string[]): Promise<void> {
  const key = tlsDir(ctx);
  let made = making.get(key);
  if (!made) {
    made = ensureCertificates(ctx, keystorePasswordFile, dnsNames).finally(() => making.delete(key));
    making.set(key, made);
  }
  return made;
}

/**
 * Makes what is missing and describes where everything is. Idempotent: a warm `up` changes nothing.
 * `dnsNames`: the server certificates' names besides the host's address (compose's service names).
 */
export async function secureMaterial(ctx: StackContext, dnsNames: readonly string[] = DEFAULT_DNS_NAMES): Promise<SecureMaterial> {
  if (!ctx.config.secure) throw new StackError('secure-stack', 'asked for TLS material on the plain stack');
  ensureSecrets(ctx);
  const files = secureStackFiles(ctx.home);
  // keytool's -storepass:file reads the password alone from a file: one derived from the secret, owner-only.
  const keystore = await readCredentials(`file:${files.secret('keystore')}`);
  const keystorePasswordFile = path.join(ctx.home, 'secrets', 'keystore.password');
  if (!existsSync(keystorePasswordFile) || readFileSync(keystorePasswordFile, 'utf8') !== keystore.password) {
    writeFileSync(keystorePasswordFile, keystore.password, { mode: 0o600 });
  }
  await ensureCertificatesOnce(ctx, keystorePasswordFile, dnsNames);
  const dir = tlsDir(ctx);
  return {
    caPem: files.ca,
    postgresCert: path.join(dir, 'postgres.pem'),
    postgresKey: path.join(dir, 'postgres.key'),
    serverKeystore: path.join(dir, 'server.p12'),
    truststore: path.join(dir, 'truststore.p12'),
    keystorePasswordFile,
    secretFile: (name) => files.secret(name),
    credentials: (name) => readCredentials(`file:${files.secret(name)}`),
  };
}

/** A generated configuration file that holds a secret: written owner-only, rewritten only when it changed. */
export function writeSecretFile(file: string, content: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) {
    chmodSync(file, 0o600);
    return;
  }
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}
