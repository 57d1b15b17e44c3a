/**
 * Credentials by reference. On AWS a reference is a Secrets Manager ARN or an SSM parameter (ARN or
 * `ssm:/path`), read through Powertools Parameters, which caches each value for five minutes so
 * a rotated secret is picked up by the next connection after that. Locally it is `file:<path>`,
 * a file only its owner may read. The value is `{"username": …, "password": …}` (the format MSK's
 * SCRAM secrets and RDS's managed secrets already have). No error message carries a secret.
 */
import { readFileSync, statSync } from 'node:fs';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';

export interface Credentials {
  username: string;
  password: string;
}

/** How long a value read from AWS is reused: a rotated secret reaches new connections within this. */
const MAX_AGE_SECONDS = 300;

export interface ReadOptions {
  /** Skip the cache: after an authentication failure the secret may have been rotated. */
  forceFetch?: boolean;
}

/** Names the reference and the cause, never the value. */
export class SecretAccessError extends Error {
  constructor(
    readonly reference: string,
    cause: string,
  ) {
    super(`secret ${reference}: ${cause}`);
    this.name = 'SecretAccessError';
  }
}

type Source = { kind: 'file'; path: string } | { kind: 'secretsmanager'; id: string } | { kind: 'ssm'; name: string };

export function parseReference(reference: string): Source {
  if (reference.startsWith('file:')) return { kind: 'file', path: reference.slice('file:'.length) };
  if (/^arn:aws[a-z-]*:secretsmanager:/.test(reference)) return { kind: 'secretsmanager', id: reference };
  if (/^arn:aws[a-z-]*:ssm:/.test(reference)) return { kind: 'ssm', name: reference };
  if (reference.startsWith('ssm:/')) return { kind: 'ssm', name: reference.slice('ssm:'.length) };
  // Not echoed: a password pasted where its reference belongs would land in the message.
  throw new SecretAccessError(`of ${reference.length} characters`, 'not a reference (file:<path>, a Secrets Manager or SSM parameter ARN, or ssm:/<path>)');
}

/** A secret file must be its owner's alone: readable by nobody else, owned by whoever reads it. */
function readOwnerOnlyFile(reference: string, file: string): string {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch (err) {
    throw new SecretAccessError(reference, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  if ((stat.mode & 0o077) !== 0) throw new SecretAccessError(reference, `mode ${(stat.mode & 0o777).toString(8)} lets others read it; chmod 600 ${file}`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) throw new SecretAccessError(reference, `owned by uid ${stat.uid}, not by this process (uid ${uid})`);
  return readFileSync(file, 'utf8');
}

async function readRaw(reference: string, options: ReadOptions): Promise<unknown> {
  const source = parseReference(reference);
  const cache = { maxAge: MAX_AGE_SECONDS, forceFetch: options.forceFetch ?? false };
  try {
    switch (source.kind) {
      case 'file':
        return readOwnerOnlyFile(reference, source.path);
      case 'secretsmanager':
        return await getSecret(source.id, cache);
      case 'ssm':
        return await getParameter(source.name, { ...cache, decrypt: true });
    }
  } catch (err) {
    if (err instanceof SecretAccessError) throw err;
    // The SDK's messages name the resource and the refusal (AccessDenied, ResourceNotFound), not a value.
    throw new SecretAccessError(reference, `${(err as Error).name}: ${(err as Error).message}`);
  }
}

/** `{"username","password"}` from the reference; anything else is refused without quoting it. */
export async function readCredentials(reference: string, options: ReadOptions = {}): Promise<Credentials> {
  const raw = await readRaw(reference, options);
  let value: unknown;
  try {
    value = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    // JSON.parse's message quotes the text it choked on.
    throw new SecretAccessError(reference, 'is not JSON');
  }
  const { username, password } = (value ?? {}) as Record<string, unknown>;
  if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
    throw new SecretAccessError(reference, 'must be JSON with a non-empty "username" and "password"');
  }
  return { username, password };
}
