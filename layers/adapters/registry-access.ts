/**
 * How a client reaches the schema registry when it is protected: HTTPS verified against the
 * configured CA, and basic auth with credentials read from their secret. `registryClientArgs` is for
 * the Confluent client, `registryFetch` for plain REST calls (fetch() takes no CA of our choosing).
 */
import http from 'node:http';
import https from 'node:https';
import type { Config } from '../config';
import { readCredentials } from '../secrets';
import { describeAccessFailure, tlsOptions } from './access';

type RegistryConnection = Pick<Config['schemaRegistry'], 'url'> & Partial<Pick<Config['schemaRegistry'], 'tls' | 'credentials'>>;

export interface RegistryClientArgs {
  host: string;
  auth?: { username: string; password: string };
  agent?: https.Agent;
}

const agents = new WeakMap<object, https.Agent>();

function agentFor(config: RegistryConnection): https.Agent | undefined {
  const tls = tlsOptions(config.tls);
  if (!tls || !config.tls) return undefined;
  let agent = agents.get(config.tls);
  if (!agent) agents.set(config.tls, (agent = new https.Agent({ ...tls, keepAlive: true })));
  return agent;
}

/** What `new SchemaRegistry(…)` takes: the URL, the credentials when the registry asks for them, the TLS agent. */
export async function registryClientArgs(config: RegistryConnection): Promise<RegistryClientArgs> {
  const agent = agentFor(config);
  const auth = config.credentials ? await readCredentials(config.credentials) : undefined;
  return { host: config.url, ...(auth ? { auth } : {}), ...(agent ? { agent } : {}) };
}

export interface RegistryResponse {
  status: number;
  ok: boolean;
  text(): Promise<string>;
}

export interface RegistryRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/** One REST call to `<registry url><path>` with the registry's TLS and basic auth; a refusal names its cause. */
export async function registryFetch(config: RegistryConnection, path: string, request: RegistryRequest = {}): Promise<RegistryResponse> {
  const { auth, agent } = await registryClientArgs(config);
  const headers: Record<string, string> = { ...request.headers };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const url = new URL(`${config.url}${path}`);
  const transport = url.protocol === 'https:' ? https : http;
  try {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = transport.request(url, { method: request.method ?? 'GET', headers, agent, timeout: request.timeoutMs ?? 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${(request.timeoutMs ?? 10_000) / 1000}s`)));
      req.on('error', reject);
      req.end(request.body);
    });
    if (status === 401) throw new Error(`HTTP 401 Unauthorized from ${url.origin}`);
    return { status, ok: status >= 200 && status < 300, text: async () => body };
  } catch (err) {
    throw describeAccessFailure('schema-registry', err);
  }
}
