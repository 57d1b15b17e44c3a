/**
 * What every adapter shares about reaching a protected service: the TLS options a client verifies
 * the server with, and one error that names the service and why it refused us (a bad certificate,
 * failed authentication, no TLS) — in words a person acts on, never with the credentials.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { TlsSettings } from '../config';
import { SecretAccessError } from '../secrets';

export type AccessService = 'kafka' | 'postgres' | 'cassandra' | 'schema-registry';
export type AccessCause = 'bad certificate' | 'authentication failed' | 'TLS refused' | 'credentials unavailable';

export class ServiceAccessError extends Error {
  constructor(
    readonly service: AccessService,
    readonly reason: AccessCause,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${service}: ${reason} (${detail})`, options);
    this.name = 'ServiceAccessError';
  }
}

/** Verify the server against the configured CAs (or Node's), TLS 1.2 at least; undefined when TLS is off. */
export function tlsOptions(tls: TlsSettings | undefined): ConnectionOptions | undefined {
  if (!tls?.enabled) return undefined;
  return { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(tls.caFile ? { ca: readFileSync(tls.caFile, 'utf8') } : {}) };
}

/** OpenSSL's and Node's codes for a server certificate this client does not accept. */
const CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const CERTIFICATE_TEXT =
  /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate has expired|does not match certificate's altnames|IP: .* is not in the cert's list/i;
/** kafkajs (SASL), PostgreSQL (28P01 invalid_password, 28000 invalid_authorization), Cassandra, HTTP 401. */
const AUTHENTICATION_TEXT = /authentication failed|password authentication|Provided username .* incorrect|invalid credentials|HTTP 401|Unauthorized/i;
/** A server that wants TLS met a plaintext client, or the reverse. */
const TLS_TEXT =
  /no pg_hba\.conf entry .*no encryption|does not support SSL|wrong version number|packet length too long|Client network socket disconnected before secure TLS connection/i;

/** Every message and code down an error's cause chain (drivers wrap the socket's error). */
function chain(err: unknown): { messages: string; codes: Set<string> } {
  const messages: string[] = [];
  const codes = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (e: unknown): void => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const { message, code, cause, innerErrors, originalError } = e as Record<string, unknown>;
    if (typeof message === 'string') messages.push(message);
    if (typeof code === 'string') codes.add(code);
    visit(cause);
    visit(originalError);
    if (innerErrors && typeof innerErrors === 'object') for (const inner of Object.values(innerErrors)) visit(inner);
  };
  visit(err);
  return { messages: messages.join(' | '), codes };
}

/** The error a refused connection becomes; anything else is returned as it was. */
export function describeAccessFailure(service: AccessService, err: unknown): unknown {
  if (err instanceof ServiceAccessError) return err;
  if (err instanceof SecretAccessError) return new ServiceAccessError(service, 'credentials unavailable', err.message, { cause: err });
  const { messages, codes } = chain(err);
  const firstLine = messages.split('\n')[0] ?? '';
  if ([...codes].some((c) => CERTIFICATE_CODES.has(c)) || CERTIFICATE_TEXT.test(messages)) {
    return new ServiceAccessError(service, 'bad certificate', firstLine, { cause: err });
  }
  if (AUTHENTICATION_TEXT.test(messages) || codes.has('28P01') || codes.has('28000')) {
    return new ServiceAccessError(service, 'authentication failed', firstLine, { cause: err });
  }
  if (TLS_TEXT.test(messages)) return new ServiceAccessError(service, 'TLS refused', firstLine, { cause: err });
  return err;
}
