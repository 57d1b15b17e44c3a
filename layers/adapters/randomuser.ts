/**
 * randomuser.me API client: one request per batch (up to 5000 users), request timeout, a bounded
 * response size, retries with exponential backoff and full jitter on 5xx, timeouts, network errors
 * and truncated bodies, and a longer backoff on 429. Returns the parsed JSON body; validating it is
 * the domain's job (layers/domain/validate.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config';

export interface UsersRequest {
  results: number;
  seed?: string;
  page?: number;
  nat?: string;
}

export class RandomUserError extends Error {
  constructor(
    message: string,
    readonly kind: 'http' | 'timeout' | 'network' | 'too-large' | 'malformed-json' | 'rate-limited',
    readonly status?: number,
    /** The body as received, for 'malformed-json': what fetch keeps in rejected_users. */
    readonly body?: string,
  ) {
    super(message);
    this.name = 'RandomUserError';
  }

  get retryable(): boolean {
    return this.kind !== 'too-large' && !(this.kind === 'http' && this.status !== undefined && this.status < 500);
  }
}

export interface FetchResult {
  body: unknown;
  attempts: number;
  bytes: number;
}

export interface RandomUserClientOptions {
  /** Base delay for backoff; tests shorten it. */
  backoffBaseMs?: number;
  /** 429 waits this much longer than other retries (the API's quota is per time window). */
  rateLimitFactor?: number;
  onRetry?: (error: RandomUserError, attempt: number, delayMs: number) => void;
}

export function buildUsersUrl(baseUrl: string, request: UsersRequest): string {
  const url = new URL(baseUrl);
  url.searchParams.set('results', String(request.results));
  if (request.seed !== undefined) url.searchParams.set('seed', request.seed);
  if (request.page !== undefined) url.searchParams.set('page', String(request.page));
  if (request.nat !== undefined) url.searchParams.set('nat', request.nat);
  return url.toString();
}

/** The body as text, and its size in bytes (counted as it arrives: measuring the text again is a scan of megabytes). */
async function readLimited(response: Response, maxBytes: number): Promise<{ text: string; bytes: number }> {
  const declared = Number(response.headers.get('content-length') ?? 'NaN');
  if (declared > maxBytes) {
    // Release the connection now: an unread body keeps the socket (and the sender) busy until the
    // request's timeout fires, 30 s by default, for every oversized response.
    await response.body?.cancel().catch(() => undefined);
    throw new RandomUserError(`response of ${declared} bytes exceeds the ${maxBytes}-byte limit`, 'too-large');
  }
  if (!response.body) return { text: '', bytes: 0 };
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new RandomUserError(`response exceeds the ${maxBytes}-byte limit`, 'too-large');
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks, total).toString('utf8'), bytes: total };
}

async function attempt(url: string, config: Config['randomUser']): Promise<{ body: unknown; bytes: number }> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(config.timeoutMs), headers: { accept: 'application/json' } });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new RandomUserError(`no response within ${config.timeoutMs} ms`, 'timeout');
    throw new RandomUserError(`request failed: ${(e.cause as Error | undefined)?.message ?? e.message}`, 'network');
  }
  let text: string;
  let bytes: number;
  try {
    ({ text, bytes } = await readLimited(response, config.maxResponseBytes));
  } catch (err) {
    if (err instanceof RandomUserError) throw err;
    const e = err as Error;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new RandomUserError(`body not received within ${config.timeoutMs} ms`, 'timeout');
    throw new RandomUserError(`reading the body failed: ${e.message}`, 'network');
  }
  if (response.status === 429) throw new RandomUserError(`rate limited (HTTP 429): ${text.slice(0, 200)}`, 'rate-limited', 429);
  if (!response.ok) throw new RandomUserError(`HTTP ${response.status}: ${text.slice(0, 200)}`, 'http', response.status);
  try {
    return { body: JSON.parse(text) as unknown, bytes };
  } catch (err) {
    throw new RandomUserError(
      `body is not valid JSON (${text.length} chars, ends "${text.slice(-40)}"): ${(err as Error).message}`,
      'malformed-json',
      undefined,
      text,
    );
  }
}

export async function fetchUsers(config: Config['randomUser'], request: UsersRequest, options: RandomUserClientOptions = {}): Promise<FetchResult> {
  const url = buildUsersUrl(config.baseUrl, request);
  const base = options.backoffBaseMs ?? 500;
  const deadline = Date.now() + config.deadlineMs;
  for (let n = 1; ; n += 1) {
    try {
      const { body, bytes } = await attempt(url, config);
      return { body, bytes, attempts: n };
    } catch (err) {
      const error = err instanceof RandomUserError ? err : new RandomUserError(String(err), 'network');
      if (!error.retryable || n > config.maxRetries) {
        error.message = `randomuser ${url}: ${error.message} (after ${n} attempt${n > 1 ? 's' : ''})`;
        throw error;
      }
      const factor = error.kind === 'rate-limited' ? (options.rateLimitFactor ?? 10) : 1;
      const delay = Math.round(Math.random() * base * factor * 2 ** (n - 1));
      if (Date.now() + delay + config.timeoutMs > deadline) {
        error.message = `randomuser ${url}: ${error.message} (after ${n} attempt${n > 1 ? 's' : ''}; no time left within ${config.deadlineMs} ms for another)`;
        throw error;
      }
      options.onRetry?.(error, n, delay);
      await sleep(delay);
    }
  }
}
