/**
 * The fetch side against real HTTP: the randomuser client (layers/adapters/randomuser.ts), response
 * validation and fetchAndHandOff, driven by the project's randomuser-compatible server and its fault
 * knobs (HTTP 500, 429 past the quota, latency, truncated bodies, forced bodies). A few faults that
 * server cannot produce (a body that stalls, a 10 MB body streamed without Content-Length) come
 * from tiny node:http servers in this file. Nothing here mocks HTTP; the only double is `persist`,
 * which stands for the Lambda invocation hop and records what fetch handed it.
 *
 * Backoff uses a 5 ms base so retries are fast; where the test asserts exact delays, Math.random
 * (the client's jitter source) is pinned to 0.8, so a retry n waits 0.8 × 5 × factor × 2^(n-1) ms.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchUsers, RandomUserError, type RandomUserClientOptions, type UsersRequest } from '../../layers/adapters/randomuser';
import { type Config, loadConfig } from '../../layers/config';
import type { RandomUser } from '../../layers/domain/randomuser';
import type { PersistBatch } from '../../layers/domain/requests';
import { MalformedResponseError, parseRandomUserResponse } from '../../layers/domain/validate';
import { type FetchDeps, type FetchReport, fetchAndHandOff } from '../../layers/pipeline/fetch-users';
import { quotaExceededMessage } from '../../scripts/randomuser/quota';
import { type RandomUserServer, type RandomUserServerOptions, SERVER_ERROR_MESSAGE } from '../../scripts/randomuser/server';
import { startPinnedRandomUserServer, useRandomUserServer } from '../support/randomuser-server';

const MiB = 1024 * 1024;
const BASE_MS = 5;
const JITTER = 0.8;

const server = useRandomUserServer();

afterEach(() => {
  jest.restoreAllMocks();
});

type ClientEnv = { timeoutMs?: number; maxRetries?: number; maxBytes?: number; url?: string };

function clientConfig(env: ClientEnv = {}): Config['randomUser'] {
  return loadConfig({
    RANDOMUSER_URL: env.url ?? server().apiUrl,
    RANDOMUSER_TIMEOUT_MS: String(env.timeoutMs ?? 10_000),
    RANDOMUSER_MAX_RETRIES: String(env.maxRetries ?? 4),
    // Between the largest real page (5000 users, ~5.4 MB; ~8.0 MB pretty-printed) and a hostile 10 MB body.
    RANDOMUSER_MAX_BYTES: String(env.maxBytes ?? 8 * MiB),
  }).randomUser;
}

interface RetrySeen {
  kind: RandomUserError['kind'];
  status: number | undefined;
  attempt: number;
  delayMs: number;
  message: string;
}

/** fetchUsers with a fast backoff and every onRetry call recorded. */
function client(env: ClientEnv = {}, options: RandomUserClientOptions = {}) {
  const config = clientConfig(env);
  const retries: RetrySeen[] = [];
  const fetch = (request: UsersRequest) =>
    fetchUsers(config, request, {
      backoffBaseMs: BASE_MS,
      ...options,
      onRetry: (error, attempt, delayMs) => {
        retries.push({ kind: error.kind, status: error.status, attempt, delayMs, message: error.message });
        options.onRetry?.(error, attempt, delayMs);
      },
    });
  return { config, retries, fetch };
}

/** The error a promise rejects with, checked to be a RandomUserError. */
async function randomUserError(promise: Promise<unknown>): Promise<RandomUserError> {
  const outcome = await promise.then(
    () => new Error('expected the fetch to fail, it succeeded'),
    (err: unknown) => err,
  );
  expect(outcome).toBeInstanceOf(RandomUserError);
  return outcome as RandomUserError;
}

function uuidsOf(body: unknown): string[] {
  return parseRandomUserResponse(body).users.map((u) => u.login.uuid);
}

function pinJitter(): void {
  jest.spyOn(Math, 'random').mockReturnValue(JITTER);
}

/** Expected delay before retry n: full jitter pinned at JITTER, doubling per attempt. */
function delayFor(attempt: number, factor: number): number {
  return Math.round(JITTER * BASE_MS * factor * 2 ** (attempt - 1));
}

/** A server of its own for tests whose slow responses must not outlive the test. */
async function withOwnServer<T>(options: RandomUserServerOptions, run: (own: RandomUserServer) => Promise<T>): Promise<T> {
  const own = await startPinnedRandomUserServer(options);
  try {
    return await run(own);
  } finally {
    await own.close();
  }
}

interface CraftedServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

/** A bare node:http server for faults the randomuser server cannot produce. */
async function craftedServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<CraftedServer> {
  const state = { requests: 0 };
  const http: Server = createServer((req, res) => {
    state.requests += 1;
    handler(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

/** persist stands in for the Lambda invocation; it records what fetch handed over, in order. */
function handOffDeps(fetch: FetchDeps['fetchUsers']) {
  const batches: PersistBatch[] = [];
  const events: string[] = [];
  const warnings: unknown[][] = [];
  const deps: FetchDeps = {
    fetchUsers: fetch,
    persist: async (batch) => {
      batches.push(batch);
      events.push(`persist users=${batch.users.length} rejected=${batch.rejected.length}`);
      return { batchId: batch.batchId, persisted: batch.users.length, queued: batch.users.length, rejected: batch.rejected.length };
    },
    log: {
      info: () => undefined,
      debug: () => undefined,
      error: () => undefined,
      warn: (...args: unknown[]) => {
        warnings.push(args);
      },
    },
  };
  return { deps, batches, events, warnings };
}

/** The server answers every API request with exactly this 200 body. */
function serveBody(target: RandomUserServer, body: string): void {
  target.setFaults({ statusOverride: { status: 200, body } });
}

describe('HTTP 5xx', () => {
  it.each([500, 503])('retries %i on the first two requests, then returns the same users as without faults', async (status) => {
    const request = { results: 50, seed: `five-hundred-${status}`, page: 2 };
    const clean = await client().fetch(request);
    expect(clean.attempts).toBe(1);

    server().reset();
    server().setFaults({ failNext: 2, errorStatus: status });
    const { fetch, retries } = client({ maxRetries: 4 });
    const result = await fetch(request);

    expect(result.attempts).toBe(3);
    expect(retries.map((r) => [r.attempt, r.kind, r.status])).toEqual([
      [1, 'http', status],
      [2, 'http', status],
    ]);
    expect(retries[0]?.message).toContain(SERVER_ERROR_MESSAGE);
    expect(server().stats()).toMatchObject({ requests: 3, byStatus: { [status]: 2, 200: 1 }, injected: { failed: 2 } });
    expect(result.body).toEqual(clean.body);
    expect(uuidsOf(result.body)).toHaveLength(50);
  });

  it('gives up after maxRetries + 1 attempts with kind "http", status 500, the URL and the attempt count', async () => {
    pinJitter();
    server().setFaults({ errorRate: 1 });
    const { fetch, retries } = client({ maxRetries: 3 });
    const started = Date.now();

    const error = await randomUserError(fetch({ results: 5, seed: 'always-500' }));

    expect(error.name).toBe('RandomUserError');
    expect(error.kind).toBe('http');
    expect(error.status).toBe(500);
    expect(error.message).toBe(
      `randomuser ${server().apiUrl}?results=5&seed=always-500: HTTP 500: ${JSON.stringify({ error: SERVER_ERROR_MESSAGE })} (after 4 attempts)`,
    );
    expect(server().stats()).toMatchObject({ requests: 4, byStatus: { 500: 4 }, usersServed: 0 });
    // Exponential backoff: base × 2^(n-1), full jitter pinned.
    expect(retries.map((r) => r.delayMs)).toEqual([1, 2, 3].map((n) => delayFor(n, 1)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(delayFor(1, 1) + delayFor(2, 1) + delayFor(3, 1));
  });

  it('does not retry a 4xx and reports its status', async () => {
    server().setFaults({ statusOverride: { status: 404, body: 'Not Found', contentType: 'text/plain' } });
    const { fetch, retries } = client({ maxRetries: 4 });

    const error = await randomUserError(fetch({ results: 5, seed: 'four-oh-four' }));

    expect([error.kind, error.status, error.retryable]).toEqual(['http', 404, false]);
    expect(error.message).toMatch(/HTTP 404: Not Found \(after 1 attempt\)$/);
    expect(retries).toEqual([]);
    expect(server().stats().requests).toBe(1);
  });
});

describe('HTTP 429 past the quota', () => {
  it('backs off rateLimitFactor (10) times longer than for a 5xx, and succeeds once the quota window has passed', async () => {
    pinJitter();
    server().setFaults({ quota: 10, quotaWindowMs: 150 });
    const { fetch, retries } = client({ maxRetries: 6 });
    const request = { results: 10, seed: 'quota-window' };

    const beforeWindow = Date.now();
    const first = await fetch(request); // served: this request reaches the quota and opens the window
    expect(first.attempts).toBe(1);
    const second = await fetch(request);

    expect(second.attempts).toBeGreaterThanOrEqual(2);
    expect(Date.now() - beforeWindow).toBeGreaterThanOrEqual(150); // the window was really waited out
    expect(retries).toHaveLength(second.attempts - 1);
    for (const [i, r] of retries.entries()) {
      expect([r.attempt, r.kind, r.status, r.delayMs]).toEqual([i + 1, 'rate-limited', 429, delayFor(i + 1, 10)]);
    }
    expect(server().stats()).toMatchObject({ usersServed: 20, injected: { rateLimited: second.attempts - 1 } });
    expect(second.body).toEqual(first.body);
  });

  it('uses the given rateLimitFactor, and fails with the real 429 message when the quota persists', async () => {
    pinJitter();
    server().setFaults({ quota: 10, quotaWindowMs: 60_000 });
    const { fetch, retries } = client({ maxRetries: 2 }, { rateLimitFactor: 3 });
    await fetch({ results: 10, seed: 'quota-spent' });

    const error = await randomUserError(fetch({ results: 10, seed: 'quota-spent' }));

    expect([error.kind, error.status]).toEqual(['rate-limited', 429]);
    expect(error.message).toContain(`${server().apiUrl}?results=10&seed=quota-spent`);
    expect(error.message).toContain(`rate limited (HTTP 429): ${JSON.stringify({ error: quotaExceededMessage(10) })}`);
    expect(error.message).toMatch(/\(after 3 attempts\)$/);
    expect(retries.map((r) => [r.kind, r.delayMs])).toEqual([
      ['rate-limited', delayFor(1, 3)],
      ['rate-limited', delayFor(2, 3)],
    ]);
    expect(server().stats()).toMatchObject({ requests: 4, usersServed: 10, byStatus: { 200: 1, 429: 3 }, injected: { rateLimited: 3 } });
  });

  it('the default factor makes 429 waits exactly 10× the 5xx waits', async () => {
    pinJitter();
    server().setFaults({ errorRate: 1 });
    const http = client({ maxRetries: 3 });
    expect((await randomUserError(http.fetch({ results: 1, seed: 'ratio' }))).kind).toBe('http');

    server().reset();
    server().setFaults({ quota: 0 });
    const limited = client({ maxRetries: 3 });
    expect((await randomUserError(limited.fetch({ results: 1, seed: 'ratio' }))).kind).toBe('rate-limited');

    const httpDelays = http.retries.map((r) => r.delayMs);
    expect(httpDelays).toEqual([4, 8, 16]);
    expect(limited.retries.map((r) => r.delayMs)).toEqual(httpDelays.map((d) => d * 10));
  });
});

describe('timeouts and network errors', () => {
  it('times out a slow response (kind "timeout"), then succeeds once the latency is gone', async () => {
    await withOwnServer({}, async (own) => {
      const request = { results: 20, seed: 'slow' };
      const clean = await client({ url: own.apiUrl }).fetch(request);

      own.setFaults({ latencyMs: 2000 });
      const { fetch, retries } = client(
        { url: own.apiUrl, timeoutMs: 150, maxRetries: 3 },
        { onRetry: (error) => (error.kind === 'timeout' ? own.setFaults({ latencyMs: 0 }) : undefined) },
      );
      const started = Date.now();
      const result = await fetch(request);

      expect(result.attempts).toBe(2);
      expect(retries.map((r) => [r.kind, r.status])).toEqual([['timeout', undefined]]);
      expect(retries[0]?.message).toBe('no response within 150 ms');
      expect(Date.now() - started).toBeLessThan(1500); // never waited for the 2 s latency
      expect(result.body).toEqual(clean.body);
    });
  });

  it('fails with kind "timeout" when every attempt is too slow', async () => {
    await withOwnServer({ latencyMs: 3000 }, async (own) => {
      const { fetch, retries } = client({ url: own.apiUrl, timeoutMs: 100, maxRetries: 2 });
      const started = Date.now();

      const error = await randomUserError(fetch({ results: 5, seed: 'always-slow' }));

      expect(error.kind).toBe('timeout');
      expect(error.message).toBe(`randomuser ${own.apiUrl}?results=5&seed=always-slow: no response within 100 ms (after 3 attempts)`);
      expect(retries.map((r) => r.kind)).toEqual(['timeout', 'timeout']);
      expect(own.stats().requests).toBe(3);
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });

  it('times out a body that stops arriving after the headers', async () => {
    const stalled = await craftedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"results":[{"gender":"female"'); // and nothing more
    });
    try {
      const { fetch, retries } = client({ url: stalled.url, timeoutMs: 150, maxRetries: 1 });
      const error = await randomUserError(fetch({ results: 1 }));

      expect(error.kind).toBe('timeout');
      expect(error.message).toMatch(/body not received within 150 ms \(after 2 attempts\)$/);
      expect(retries.map((r) => r.kind)).toEqual(['timeout']);
      expect(stalled.requests).toBe(2);
    } finally {
      await stalled.close();
    }
  });

  it('retries a refused connection as kind "network"', async () => {
    const gone = await craftedServer(() => undefined);
    await gone.close();
    const { fetch, retries } = client({ url: gone.url, maxRetries: 2 });

    const error = await randomUserError(fetch({ results: 1 }));

    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/request failed: connect ECONNREFUSED 127\.0\.0\.1:\d+ \(after 3 attempts\)$/);
    expect(retries.map((r) => r.kind)).toEqual(['network', 'network']);
  });
});

describe('truncated JSON', () => {
  it.each([
    ['end', 'malformed-json', /^body is not valid JSON/],
    ['abort', 'network', /^reading the body failed/],
  ] as const)('a body cut in "%s" mode is retried (kind %s) and the next attempt returns the full users', async (mode, kind, message) => {
    const request = { results: 300, seed: `truncated-${mode}` };
    const clean = await client().fetch(request);

    server().reset();
    server().setFaults({ truncateNext: 1, truncateMode: mode, truncateAt: 0.6 });
    const { fetch, retries } = client({ maxRetries: 2 });
    const result = await fetch(request);

    expect(result.attempts).toBe(2);
    expect(retries.map((r) => r.kind)).toEqual([kind]);
    expect(retries[0]?.message).toMatch(message);
    expect(server().stats()).toMatchObject({ requests: 2, injected: { truncated: 1 } });
    expect(result.body).toEqual(clean.body);
  });

  it('fails with kind "malformed-json" when every body is cut', async () => {
    server().setFaults({ truncateRate: 1, truncateMode: 'end' });
    const { fetch, retries } = client({ maxRetries: 2 });

    const error = await randomUserError(fetch({ results: 10, seed: 'always-cut' }));

    expect(error.kind).toBe('malformed-json');
    expect(error.message).toMatch(/body is not valid JSON \(\d+ chars, ends ".*"\): .*\(after 3 attempts\)$/s);
    expect(retries).toHaveLength(2);
    expect(server().stats().injected.truncated).toBe(3);
  });
});

describe('response size limit', () => {
  it('rejects 5000 users (~5.4 MB) against a 1 MiB limit as kind "too-large", without retrying', async () => {
    const { fetch, retries } = client({ maxBytes: MiB, maxRetries: 4 });

    const error = await randomUserError(fetch({ results: 5000, seed: 'big-page' }));

    expect([error.kind, error.retryable]).toEqual(['too-large', false]);
    expect(error.message).toMatch(/: response of \d{7} bytes exceeds the 1048576-byte limit \(after 1 attempt\)$/);
    expect(retries).toEqual([]);
    expect(server().stats().requests).toBe(1);
  });

  it('accepts a real 5000-user page but rejects a 10 MB body under the same 8 MiB limit', async () => {
    const { fetch } = client({ maxBytes: 8 * MiB });
    const page = await fetch({ results: 5000, seed: 'limit-ok' });
    expect(page.bytes).toBeGreaterThan(5 * 1000 * 1000);
    expect(uuidsOf(page.body)).toHaveLength(5000);

    const tenMegabytes = JSON.stringify({ results: [], info: { seed: 'x', results: 0, page: 1, version: '1.4' }, padding: 'x'.repeat(10 * 1000 * 1000) });
    server().reset();
    serveBody(server(), tenMegabytes);
    const { fetch: fetchAgain, retries } = client({ maxBytes: 8 * MiB, maxRetries: 3 });
    const error = await randomUserError(fetchAgain({ results: 5000, seed: 'limit-hostile' }));

    expect(error.kind).toBe('too-large');
    expect(error.message).toContain(`response of ${Buffer.byteLength(tenMegabytes)} bytes exceeds the ${8 * MiB}-byte limit`);
    expect(retries).toEqual([]);
    expect(server().stats().requests).toBe(1);
  });

  /**
   * A sender of 10 MB, with or without Content-Length, that writes only as fast as the client reads
   * and notes when the client hangs up. The client must stop reading at the limit and release the
   * connection at once, not when its (here 30 s) timeout finally fires.
   */
  it.each([
    ['with Content-Length', true],
    ['chunked, no Content-Length', false],
  ])('stops reading a 10 MB body sent %s and closes the connection', async (_label, announce) => {
    const total = 10 * MiB;
    const seen = { written: 0, closed: 0 };
    let resolveClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      resolveClosed = resolve;
    });
    const sender = await craftedServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...(announce ? { 'content-length': String(total) } : {}) });
      req.socket.on('close', () => {
        seen.closed = Date.now();
        resolveClosed();
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (seen.written < total && !res.destroyed) {
          seen.written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
    try {
      const { fetch, retries } = client({ url: sender.url, maxBytes: MiB, timeoutMs: 30_000, maxRetries: 3 });
      const failedAt = Date.now();
      const error = await randomUserError(fetch({ results: 5000 }));

      expect(error.kind).toBe('too-large');
      expect(error.message).toContain(announce ? `response of ${total} bytes exceeds the ${MiB}-byte limit` : `response exceeds the ${MiB}-byte limit`);
      expect(retries).toEqual([]);
      expect(sender.requests).toBe(1);
      const outcome = await Promise.race([closed.then(() => 'closed'), sleep(3000, undefined, { ref: false }).then(() => 'still open')]);
      expect(outcome).toBe('closed');
      expect(seen.closed - failedAt).toBeLessThan(3000);
      expect(seen.written).toBeLessThan(total);
    } finally {
      await sender.close();
    }
  });
});

describe('fetchAndHandOff: validation and hand-off to persist', () => {
  function handOff(env: ClientEnv = {}) {
    const { fetch } = client(env);
    return handOffDeps(fetch);
  }

  async function sampleRecords(results: number, seed: string): Promise<Record<string, unknown>[]> {
    const { body } = await client().fetch({ results, seed });
    return structuredClone((body as { results: Record<string, unknown>[] }).results);
  }

  const INFO = { seed: 'crafted', results: 10, page: 1, version: '1.4' };

  it.each([
    ['an {error} body', { error: SERVER_ERROR_MESSAGE }, `randomuser API error: ${SERVER_ERROR_MESSAGE}`],
    ['results of the wrong type', { results: 'none today', info: INFO }, 'randomuser response: results: expected array, got string'],
    ['a JSON array instead of an object', [{ gender: 'male' }], 'randomuser response: expected a JSON object, got array'],
    ['info missing', { results: [] }, 'randomuser response: info: missing'],
    ['info of the wrong type', { results: [], info: { ...INFO, page: '1' } }, 'randomuser response: info.page: expected number, got string'],
  ])('keeps %s with its reason in persist, then throws MalformedResponseError', async (_label, body, reason) => {
    serveBody(server(), JSON.stringify(body));
    const { deps, batches, events } = handOff();

    const outcome = await fetchAndHandOff(deps, { results: 10, seed: 'envelope' }).then(
      () => new Error('expected fetchAndHandOff to throw'),
      (err: unknown) => err,
    );
    events.push('threw');

    expect(outcome).toBeInstanceOf(MalformedResponseError);
    expect((outcome as Error).message).toBe(reason);
    if ('error' in body) expect((outcome as MalformedResponseError).apiError).toBe(SERVER_ERROR_MESSAGE);
    expect(events).toEqual(['persist users=0 rejected=1', 'threw']);
    expect(batches).toEqual([{ batchId: 'seed:envelope:page:1:n:10', users: [], rejected: [{ reason: `response: ${reason}`, record: body }] }]);
    expect(server().stats().requests).toBe(1); // a well-formed HTTP answer: not retried
  });

  it('keeps a body that never parses, as text with the reason, in persist, then throws', async () => {
    server().setFaults({ truncateRate: 1, truncateMode: 'end', truncateAt: 0.5 });
    const { deps, batches, events } = handOff({ maxRetries: 1 });

    const outcome = await fetchAndHandOff(deps, { results: 10, seed: 'always-cut' }).then(
      () => new Error('expected fetchAndHandOff to throw'),
      (err: unknown) => err,
    );
    events.push('threw');

    expect((outcome as { kind?: string }).kind).toBe('malformed-json');
    expect(events).toEqual(['persist users=0 rejected=1', 'threw']);
    const [kept] = batches[0]?.rejected ?? [];
    expect(kept?.reason).toMatch(/^response: randomuser .*body is not valid JSON/);
    expect(kept?.rawText).toMatch(/^\{"results":\[/);
    expect(() => JSON.parse(kept?.rawText ?? '')).toThrow();
  });

  it('hands good records on and rejects bad ones with index and reason', async () => {
    const records: unknown[] = await sampleRecords(10, 'crafted');
    const mutate = (i: number, change: (r: Record<string, Record<string, unknown>>) => void): void => {
      change(records[i] as Record<string, Record<string, unknown>>);
    };
    mutate(1, (r) => {
      (r.dob as Record<string, unknown>).age = '42';
    });
    mutate(3, (r) => {
      delete (r.login as Record<string, unknown>).uuid;
    });
    mutate(4, (r) => {
      (r.login as Record<string, unknown>).uuid = 12345;
    });
    mutate(5, (r) => {
      (r.location as Record<string, unknown>).postcode = null;
    });
    records[6] = 'not a user';
    mutate(7, (r) => {
      (r.name as Record<string, unknown>).first = '   ';
    });
    mutate(8, (r) => {
      (r.login as Record<string, unknown>).uuid = 'not-a-uuid';
    });
    mutate(9, (r) => {
      (r.login as Record<string, unknown>).uuid = String((r.login as Record<string, unknown>).uuid).toUpperCase();
    });
    serveBody(server(), JSON.stringify({ results: records, info: INFO }));
    const { deps, batches, warnings } = handOff();

    const report = await fetchAndHandOff(deps, { results: 10, seed: 'crafted' });

    const expectedRejected = [
      { reason: 'results[1] dob.age: expected number, got string', record: records[1] },
      { reason: 'results[3] login.uuid: missing', record: records[3] },
      { reason: 'results[4] login.uuid: expected string, got number', record: records[4] },
      { reason: 'results[5] location.postcode: expected string or number, got null', record: records[5] },
      { reason: 'results[6] record: expected object, got string', record: 'not a user' },
      { reason: 'results[7] name.first: empty', record: records[7] },
      { reason: 'results[8] login.uuid: not a UUID', record: records[8] },
    ];
    expect(batches).toHaveLength(1);
    expect(batches[0]?.rejected).toEqual(expectedRejected);
    const goodUuids = [0, 2, 9].map((i) =>
      String(((records[i] as Record<string, Record<string, unknown>>).login as Record<string, unknown>).uuid).toLowerCase(),
    );
    expect(batches[0]?.users.map((u) => u.login.uuid)).toEqual(goodUuids);
    expect(report).toMatchObject<Partial<FetchReport>>({ fetched: 10, valid: 3, rejected: 7, persisted: 3, queued: 3, attempts: 1 });
    expect(warnings).toEqual([
      ['records rejected', { batchId: 'seed:crafted:page:1:n:10', rejected: 7, first: 'results[1] dob.age: expected number, got string' }],
    ]);
  });

  it('hands duplicates within a batch on as they came (persist dedupes by login.uuid)', async () => {
    const [a, b, c] = await sampleRecords(3, 'dupes');
    serveBody(server(), JSON.stringify({ results: [a, b, a, c, b, a], info: { ...INFO, results: 6 } }));
    const { deps, batches } = handOff();

    const report = await fetchAndHandOff(deps, { results: 6, seed: 'dupes' });

    expect(report).toMatchObject({ fetched: 6, valid: 6, rejected: 0, persisted: 6 });
    const ids = batches.flatMap((batch) => batch.users.map((u) => u.login.uuid));
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(3);
  });

  it('passes non-Latin (Persian) names through validation unchanged', async () => {
    const { deps, batches } = handOff();

    const report = await fetchAndHandOff(deps, { results: 200, seed: 'persian', nat: 'IR' });

    expect(report).toMatchObject({ fetched: 200, valid: 200, rejected: 0 });
    const users: RandomUser[] = batches.flatMap((batch) => batch.users);
    expect(users).toHaveLength(200);
    for (const user of users) {
      expect(user.nat).toBe('IR');
      expect(`${user.name.first} ${user.name.last}`).toMatch(/^[\p{Script=Arabic}\s\u200C]+$/u);
      expect(user.email).toMatch(/^[\x21-\x7e]+@example\.com$/);
      expect(user.id).toEqual({ name: '', value: null });
    }
  });

  it('hands 5000 users to persist as 5 calls of 1000, in order, rejected only with the first', async () => {
    const { deps, batches } = handOff();

    const report = await fetchAndHandOff(deps, { results: 5000, seed: 'five-thousand' });

    expect(batches.map((b) => [b.batchId, b.users.length, b.rejected.length])).toEqual(
      Array.from({ length: 5 }, () => ['seed:five-thousand:page:1:n:5000', 1000, 0]),
    );
    expect(report).toMatchObject({ fetched: 5000, valid: 5000, rejected: 0, persisted: 5000, queued: 5000, attempts: 1 });
    const direct = await client().fetch({ results: 5000, seed: 'five-thousand' });
    expect(batches.flatMap((b) => b.users.map((u) => u.login.uuid))).toEqual(uuidsOf(direct.body));
  });

  it('gives identical user ids for the same seed and page, other ids for another page', async () => {
    const request = { results: 300, seed: 'tributary-2024-01-01', page: 2 };
    const first = handOff();
    const second = handOff();
    const other = handOff();

    const reports = [
      await fetchAndHandOff(first.deps, request),
      await fetchAndHandOff(second.deps, request),
      await fetchAndHandOff(other.deps, { ...request, page: 3 }),
    ];

    const ids = (batches: PersistBatch[]): string[] => batches.flatMap((b) => b.users.map((u) => u.login.uuid));
    expect(ids(first.batches)).toHaveLength(300);
    expect(new Set(ids(first.batches)).size).toBe(300);
    expect(ids(second.batches)).toEqual(ids(first.batches));
    expect(reports[1]?.batchId).toBe(reports[0]?.batchId);
    expect(reports[0]?.batchId).toBe('seed:tributary-2024-01-01:page:2:n:300');
    expect(ids(other.batches).filter((id) => ids(first.batches).includes(id))).toEqual([]);
  });

  it('retries through a 500 and a truncated body inside fetchAndHandOff and hands on every user once', async () => {
    const request = { results: 1500, seed: 'faulty-handoff' };
    server().setFaults({ failNext: 1, truncateNext: 1, truncateMode: 'abort' });
    const { deps, batches } = handOff({ maxRetries: 3 });

    const report = await fetchAndHandOff(deps, request);

    expect(report).toMatchObject({ attempts: 3, fetched: 1500, valid: 1500, persisted: 1500 });
    expect(batches.map((b) => b.users.length)).toEqual([1000, 500]);
    expect(server().stats()).toMatchObject({ requests: 3, injected: { failed: 1, truncated: 1 } });
    const direct = await client().fetch(request);
    expect(batches.flatMap((b) => b.users.map((u) => u.login.uuid))).toEqual(uuidsOf(direct.body));
  });
});
