/**
 * Cassandra on the secure stack: clients over TLS only (the JVM keystore), PasswordAuthenticator,
 * and no default superuser left. Cassandra creates cassandra/cassandra on a new node; the first
 * `initialize` logs in with it once, creates the pipeline's role from its secret, and drops it.
 */
import { readFileSync } from 'node:fs';
import { auth, Client, errors } from 'cassandra-driver';
import { StackError, type StackContext } from '../service';
import { secureMaterial } from './material';

const DEFAULT_ROLE = 'cassandra';

/** The cassandra.yaml placeholders for authentication and client encryption (the secure stack's holds the keystore's password). */
export async function secureCassandraYaml(ctx: StackContext): Promise<Record<string, string>> {
  // Disabled, Cassandra reads none of the keystore settings: its own defaults stand in.
  if (!ctx.config.secure) return { AUTHENTICATOR: 'AllowAllAuthenticator', CLIENT_TLS: 'false', KEYSTORE: 'conf/.keystore', KEYSTORE_PASSWORD: 'cassandra' };
  const material = await secureMaterial(ctx);
  const keystore = await material.credentials('keystore');
  return { AUTHENTICATOR: 'PasswordAuthenticator', CLIENT_TLS: 'true', KEYSTORE: material.serverKeystore, KEYSTORE_PASSWORD: keystore.password };
}

/** JVM flags: the default role is made at once on a new node, not after Cassandra's 10 s delay. */
export const SECURE_CASSANDRA_FLAGS = ['-Dcassandra.superuser_setup_delay_ms=0'];

async function tlsClient(ctx: StackContext, login: { username: string; password: string }): Promise<Client> {
  const material = await secureMaterial(ctx);
  return new Client({
    contactPoints: ctx.config.cassandra.contactPoints,
    localDataCenter: ctx.config.cassandra.localDataCenter,
    authProvider: new auth.PlainTextAuthProvider(login.username, login.password),
    sslOptions: { ca: readFileSync(material.caPem, 'utf8'), rejectUnauthorized: true },
    socketOptions: { connectTimeout: 2000, readTimeout: 5000 },
    isMetadataSyncEnabled: false,
  });
}

function refusedLogin(err: unknown): boolean {
  if (err instanceof errors.AuthenticationError) return true;
  if (err instanceof errors.NoHostAvailableError)
    return Object.values(err.innerErrors as Record<string, unknown>).some((e) => e instanceof errors.AuthenticationError);
  return false;
}

/**
 * A client logged in as the pipeline's role, or, on a node that has not got it yet, as the default
 * superuser (the probe needs an answer before `initialize` made the role).
 */
export async function secureCassandraClient(ctx: StackContext): Promise<{ client: Client; asDefaultRole: boolean }> {
  const login = await (await secureMaterial(ctx)).credentials('cassandra-client');
  const client = await tlsClient(ctx, login);
  try {
    await client.connect();
    return { client, asDefaultRole: false };
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    if (!refusedLogin(err)) throw err;
  }
  const fallback = await tlsClient(ctx, { username: DEFAULT_ROLE, password: DEFAULT_ROLE });
  try {
    await fallback.connect();
  } catch (err) {
    await fallback.shutdown().catch(() => undefined);
    if (refusedLogin(err)) {
      throw new StackError(
        'cassandra',
        `neither the role ${login.username} (${ctx.home}/secrets/cassandra-client.json) nor the default role is accepted: the node was set up with other credentials; remove ${ctx.home}/data/cassandra to start it afresh`,
      );
    }
    throw err;
  }
  return { client: fallback, asDefaultRole: true };
}

/** Creates the pipeline's role (a superuser: provisioning creates the keyspace) and drops the default one. */
export async function ensureCassandraRoles(ctx: StackContext): Promise<void> {
  const { client, asDefaultRole } = await secureCassandraClient(ctx);
  try {
    if (!asDefaultRole) return;
    const { username, password } = await (await secureMaterial(ctx)).credentials('cassandra-client');
    ctx.progress(`cassandra: creating the role ${username} and dropping the default superuser (once)`);
    // CQL takes no bind marker for a password; the generated one is base64url, so it needs no escaping.
    await client.execute(`CREATE ROLE IF NOT EXISTS ${username} WITH PASSWORD = '${password}' AND SUPERUSER = true AND LOGIN = true`);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
  const { client: own, asDefaultRole: stillDefault } = await secureCassandraClient(ctx);
  try {
    if (stillDefault) throw new StackError('cassandra', 'the new role is not accepted yet');
    await own.execute(`DROP ROLE IF EXISTS ${DEFAULT_ROLE}`);
  } finally {
    await own.shutdown().catch(() => undefined);
  }
}
