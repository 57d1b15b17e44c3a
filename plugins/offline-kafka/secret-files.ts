/**
 * The local files a mapping's secrets resolve to offline (custom.offlineKafka.secrets maps each
 * Secrets Manager ARN to a `file:` reference). Credentials use AWS's secret format
 * {"username","password"} and must be readable by their owner only; a CA certificate is a PEM file or
 * AWS's {"certificate": "<PEM>"}. Read when a connection opens, so a rewritten file is picked up.
 * No error quotes a file's content.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export interface Credentials {
  username: string;
  password: string;
}

/** A secret file that cannot be used; names the file and the reason, never its content. */
export class SecretFileError extends Error {
  constructor(file: string, reason: string) {
    super(`secret ${file}: ${reason}`);
    this.name = 'SecretFileError';
  }
}

/** `file:<path>` → the path, absolute (relative to the directory sls runs in); anything else → undefined. */
export function filePathOf(reference: string): string | undefined {
  if (!reference.startsWith('file:') || reference.length === 'file:'.length) return undefined;
  return path.resolve(reference.slice('file:'.length));
}

export async function readCredentialsFile(file: string): Promise<Credentials> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new SecretFileError(file, `cannot be read (${error.code ?? error.message})`);
  });
  // Group or others may read it: a password there is not a secret any more.
  if ((info.mode & 0o077) !== 0) throw new SecretFileError(file, `must be readable by its owner only (mode ${(info.mode & 0o777).toString(8)}; chmod 600)`);
  const parsed = parseJson(await readFile(file, 'utf8'));
  const username = parsed?.username;
  const password = parsed?.password;
  if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
    throw new SecretFileError(file, 'must hold JSON {"username": …, "password": …}');
  }
  return { username, password };
}

export async function readCertificateFile(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new SecretFileError(file, `cannot be read (${error.code ?? error.message})`);
  });
  const certificate = text.trimStart().startsWith('{') ? parseJson(text)?.certificate : text;
  if (typeof certificate !== 'string' || !certificate.includes('-----BEGIN CERTIFICATE-----')) {
    throw new SecretFileError(file, 'must be a PEM certificate or JSON {"certificate": "<PEM>"}');
  }
  return certificate;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
