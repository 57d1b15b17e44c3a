/**
 * Cassandra on the secure stack: clients over TLS only (the JVM keystore), PasswordAuthenticator,
 * and no default superuser left. Cassandra creates cassandra/cassandra on a new node; the first
 * `initialize` logs in with it once, creates the pipeline's role from its secret, and drops it
 * (compose's secure provisioning does the same with its own files: ensurePipelineRole).
 */
import { readFileSync } from 'node:fs';
import { auth, Client, errors } from 'cassandra-driver';
import type { Credentials } from '../../../layers/secrets';
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

/** How to reach the node over TLS, and the pipeline's role: the native stack's files, or compose's. */
export interface CassandraRoleAccess {
  contactPoints: string[];
  localDataCenter: string;
  /** The PEM file of the CA the node's certificate chains to. */
  caFile: string;
  pipeline(): Promise<Credentials>;
  /** Where the pipeline's secret is and how to start the node afresh, for when neither role is accepted. */
  afresh: string;
}

async function stackRoleAccess(ctx: StackContext): Promise<CassandraRoleAccess> {
  const material = await secureMaterial(ctx);
  return {
    contactPoints: ctx.config.cassandra.contactPoints,
    localDataCenter: ctx.config.cassandra.localDataCenter,
    caFile: material.caPem,
    pipeline: () => material.credentials('cassandra-client'),
    afresh: `(${ctx.home}/secrets/cassandra-client.json) nor the default role is accepted: the node was set up with other credentials; remove ${ctx.home}/data/cassandra to start it afresh`,
  };
}

function tlsClient(access: CassandraRoleAccess, login: { username: string; password: string }): Client {
  return new Client({
    contactPoints: access.contactPoints,
    localDataCenter: access.localDataCenter,
    authProvider: new auth.PlainTextAuthProvider(login.username, login.password),
    sslOptions: { ca: readFileSync(access.caFile, 'utf8'), rejectUnauthorized: true },
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
  return pipelineOrDefaultClient(await stackRoleAccess(ctx));
}

async function pipelineOrDefaultClient(access: CassandraRoleAccess): Promise<{ client: Client; asDefaultRole: boolean }> {
  const login = await access.pipeline();
  const client = tlsClient(access, login);
  try {
    await client.connect();
    return { client, asDefaultRole: false };
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    if (!refusedLogin(err)) throw err;
  }
  const fallback = tlsClient(access, { username: DEFAULT_ROLE, password: DEFAULT_ROLE });
  try {
    await fallback.connect();
  } catch (err) {
    await fallback.shutdown().catch(() => undefined);
    if (refusedLogin(err)) throw new StackError('cassandra', `neither the role ${login.username} ${access.afresh}`);
    throw err;
  }
  return { client: fallback, asDefaultRole: true };
}

/** Creates the pipeline's role (a superuser: provisioning creates the keyspace) and drops the default one. */
export async function ensureCassandraRoles(ctx: StackContext): Promise<void> {
  await ensurePipelineRole(await stackRoleAccess(ctx), ctx.progress);
}

export async function ensurePipelineRole(access: CassandraRoleAccess, progress: (message: string) => void): Promise<void> {
  const { client, asDefaultRole } = await pipelineOrDefaultClient(access);
  try {
    if (!asDefaultRole) return;
    const { username, password } = await access.pipeline();
    progress(`cassandra: creating the role ${username} and dropping the default superuser (once)`);
    // CQL takes no bind marker for a password; the generated one is base64url, so it needs no escaping.
    await client.execute(`CREATE ROLE IF NOT EXISTS ${username} WITH PASSWORD = '${password}' AND SUPERUSER = true AND LOGIN = true`);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
  const { client: own, asDefaultRole: stillDefault } = await pipelineOrDefaultClient(access);
  try {
    if (stillDefault) throw new StackError('cassandra', 'the new role is not accepted yet');
    await own.execute(`DROP ROLE IF EXISTS ${DEFAULT_ROLE}`);
  } finally {
    await own.shutdown().catch(() => undefined);
  }
}
