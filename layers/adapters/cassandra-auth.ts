/**
 * Cassandra's authentication for the pipeline's clients: a password read from its secret at each
 * connection, or Amazon Keyspaces' SigV4 (the function's role signs the challenge). Keyspaces is
 * not Cassandra in two ways a client meets: it writes at LOCAL_QUORUM only and reads at ONE,
 * LOCAL_ONE or LOCAL_QUORUM, and it takes unlogged batches of at most 30 statements. A request it
 * would refuse is refused here first, saying so, rather than by a server error far from the cause.
 */
import { computeSigV4SignatureCassandraRequest } from 'aws-sigv4-auth-cassandra-plugin/lib/sigv4-auth-signature';
import { auth, type Client, types } from 'cassandra-driver';
import type { CassandraAuth } from '../config';
import { readCredentials } from '../secrets';

type Callback = (err: Error | null, response?: Buffer) => void;

/** The driver's base class (its typings declare an interface): the driver accepts instances of it only. */
const AuthProviderBase = (auth as unknown as { AuthProvider: new () => object }).AuthProvider;

/** PlainText authentication with the credentials of a secret, read (cached) when a connection opens. */
class SecretAuthProvider extends AuthProviderBase implements auth.AuthProvider {
  private forceFetch = false;

  constructor(private readonly reference: string) {
    super();
  }

  newAuthenticator(endpoint: string, name: string): auth.Authenticator {
    let inner: auth.Authenticator | undefined;
    return {
      initialResponse: (callback: Callback) => {
        readCredentials(this.reference, { forceFetch: this.forceFetch }).then(
          ({ username, password }) => {
            inner = new auth.PlainTextAuthProvider(username, password).newAuthenticator(endpoint, name);
            // Until this connection succeeds, a refusal may mean a rotated secret: read it afresh.
            this.forceFetch = true;
            inner.initialResponse(callback);
          },
          (err: Error) => callback(err),
        );
      },
      evaluateChallenge: (challenge: Buffer, callback: Callback) => inner?.evaluateChallenge(challenge, callback),
      onAuthenticationSuccess: () => {
        this.forceFetch = false;
      },
    };
  }
}

type CredentialProvider = () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;

/**
 * Amazon Keyspaces' SigV4 exchange, as aws-sigv4-auth-cassandra-plugin's SigV4Authenticator does it
 * (its signature code), with the SDK v3's default credential chain (the function's role) instead of
 * the plugin's SDK v2: esbuild bundled all of v2 (23 MB of source) into every function that reaches
 * Cassandra, and the process running it held that source, its source map and its line table.
 */
class KeyspacesSigV4AuthProvider extends AuthProviderBase implements auth.AuthProvider {
  private credentials: CredentialProvider | undefined;

  constructor(private readonly region: string) {
    super();
  }

  newAuthenticator(): auth.Authenticator {
    return {
      initialResponse: (callback: Callback) => callback(null, Buffer.from('SigV4\0\0', 'utf8')),
      evaluateChallenge: (challenge: Buffer, callback: Callback) => {
        const nonce = /nonce=([^,]*)/.exec(challenge.toString())?.[1];
        if (!nonce) return callback(new Error(`[SIGV4_MISSING_NONCE] Did not find nonce in SigV4 challenge:[${challenge}]`));
        // Required here: the SDK (provided by the Lambda runtime, not bundled) loads only for Keyspaces.
        this.credentials ??= (require('@aws-sdk/credential-providers') as { fromNodeProviderChain: () => CredentialProvider }).fromNodeProviderChain();
        this.credentials().then(
          ({ accessKeyId, secretAccessKey, sessionToken }) =>
            callback(
              null,
              Buffer.from(computeSigV4SignatureCassandraRequest({ region: this.region, nonce, date: new Date(), accessKeyId, secretAccessKey, sessionToken })),
            ),
          (err: Error) => callback(err),
        );
      },
      onAuthenticationSuccess: () => undefined,
    };
  }
}

export function cassandraAuthProvider(settings: CassandraAuth | undefined): auth.AuthProvider | undefined {
  if (!settings || settings.mechanism === 'none') return undefined;
  if (settings.mechanism === 'sigv4') return new KeyspacesSigV4AuthProvider(settings.region);
  return new SecretAuthProvider(settings.credentials);
}

const KEYSPACES_READS = new Set<number>([types.consistencies.one, types.consistencies.localOne, types.consistencies.localQuorum]);
const KEYSPACES_BATCH_LIMIT = 30;

export class KeyspacesUnsupportedError extends Error {
  constructor(message: string) {
    super(`Amazon Keyspaces: ${message}`);
    this.name = 'KeyspacesUnsupportedError';
  }
}

function consistencyName(level: number): string {
  const name = Object.entries(types.consistencies).find(([, value]) => value === level)?.[0];
  // The driver's names are camelCase (localQuorum); CQL's are LOCAL_QUORUM.
  return name ? name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase() : String(level);
}

type Options = { consistency?: number; logged?: boolean } | undefined;

/** Refuses, before sending, what Keyspaces does not take: see the file comment. */
export function keyspacesGuard(client: Client): Client {
  const execute = client.execute.bind(client) as (...args: unknown[]) => unknown;
  const batch = client.batch.bind(client) as (...args: unknown[]) => unknown;
  const checkConsistency = (options: Options, query: string): void => {
    const level = options?.consistency;
    if (level === undefined) return;
    const isRead = /^\s*select\b/i.test(query);
    if (isRead ? !KEYSPACES_READS.has(level) : level !== types.consistencies.localQuorum) {
      throw new KeyspacesUnsupportedError(
        `${isRead ? 'reads' : 'writes'} at ${consistencyName(level)} are not supported (${isRead ? 'ONE, LOCAL_ONE or LOCAL_QUORUM' : 'LOCAL_QUORUM only'})`,
      );
    }
  };
  Object.assign(client, {
    execute: (query: string, params?: unknown, options?: Options, ...rest: unknown[]) => {
      checkConsistency(options, query);
      return execute(query, params, options, ...rest);
    },
    batch: (queries: unknown[], options?: Options, ...rest: unknown[]) => {
      if (options?.logged !== false) throw new KeyspacesUnsupportedError('logged batches are not supported; pass { logged: false }');
      if (queries.length > KEYSPACES_BATCH_LIMIT)
        throw new KeyspacesUnsupportedError(`a batch holds at most ${KEYSPACES_BATCH_LIMIT} statements, got ${queries.length}`);
      if (options.consistency !== undefined && options.consistency !== types.consistencies.localQuorum) {
        throw new KeyspacesUnsupportedError(`writes at ${consistencyName(options.consistency)} are not supported (LOCAL_QUORUM only)`);
      }
      return batch(queries, options, ...rest);
    },
  });
  return client;
}
