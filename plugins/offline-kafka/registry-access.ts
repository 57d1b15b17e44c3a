/**
 * GET requests to a protected schema registry: basic auth from the BASIC_AUTH secret's file and TLS
 * verified against the SERVER_ROOT_CA_CERTIFICATE's. fetch() takes no CA of ours, hence node:https.
 * Without access settings the registry is asked with fetch(), as before.
 */
import http from 'node:http';
import https from 'node:https';
import type { RegistryAccess } from './mapping-access';
import { readCertificateFile, readCredentialsFile } from './secret-files';

export interface RegistryAnswer {
  status: number;
  body: string;
}

/** One GET of a URL; rejects only when no answer came (network, TLS, timeout). */
export type RegistryGet = (url: string, timeoutMs: number) => Promise<RegistryAnswer>;

export function registryGet(access: RegistryAccess): RegistryGet {
  if (!access.credentialsFile && !access.caFile) return plainGet;
  return async (url, timeoutMs) => {
    const headers: Record<string, string> = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
    if (access.credentialsFile) {
      const { username, password } = await readCredentialsFile(access.credentialsFile);
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const ca = access.caFile ? await readCertificateFile(access.caFile) : undefined;
    const transport = url.startsWith('https:') ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.get(url, { headers, ...(ca ? { ca } : {}), timeout: timeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', reject);
    });
  };
}

export async function plainGet(url: string, timeoutMs: number): Promise<RegistryAnswer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}
