/**
 * A local randomuser.me v1.4-compatible HTTP server (node:http only) with fault injection.
 *
 *   GET /api/, /api, /api/1.4, /api/1.4/   the API (other versions and paths: 404 "Not Found")
 *   GET|POST|DELETE /__admin/faults        read / patch / reset the fault knobs
 *   GET /__admin/stats                     request counters
 *   POST /__admin/reset                    faults back to start values, counters and quotas cleared
 *
 * An API request goes: latency -> status override -> version/format checks -> quota (429) ->
 * injected 5xx -> generate -> maybe truncate -> respond.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_FAULTS, FaultConfigError, FaultInjector, type FaultPatch, type FaultSettings, validateFaultPatch } from './faults';
import { clientOf, JSON_HEADERS, readBody, send, sendJson, sendNotFound, sendTruncated } from './http';
import { parseUserQuery, UNSUPPORTED_FORMATS } from './params';
import { quotaExceededMessage, UserQuota } from './quota';
import { buildResponse, serializeResponse } from './response';
import { API_VERSION } from './types';

/** The real API's body when something goes wrong on its side. */
export const SERVER_ERROR_MESSAGE = 'Uh oh, something has gone wrong. Please tweet us @randomapi about the issue. Thank you.';

/** Fault knobs as start values (see faults.ts; their `seed` seeds fault decisions, not users), plus: */
export interface RandomUserServerOptions extends Partial<FaultSettings> {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Clock for dob/registered ages. */
  now?: () => Date;
  pictureBaseUrl?: string;
  /** One line per request when given. */
  log?: (line: string) => void;
  /**
   * Answer a repeated query from memory instead of generating the users again (a seed and page
   * always name the same users). For benchmarks: the live API's own work does not run on the
   * pipeline's machine, so the local stand-in should not take that machine's CPU either.
   */
  cacheResponses?: boolean;
}

export interface ServerStats {
  /** Requests to the API paths. */
  requests: number;
  usersServed: number;
  /** API responses by HTTP status. */
  byStatus: Record<string, number>;
  injected: { delayed: number; failed: number; truncated: number; overridden: number; rateLimited: number };
  /** Requests to paths that are neither API nor admin. */
  notFound: number;
}

export interface RandomUserServer {
  /** http://host:port, no trailing slash. */
  url: string;
  /** url + "/api/". */
  apiUrl: string;
  port: number;
  faults(): FaultSettings;
  setFaults(patch: FaultPatch): FaultSettings;
  resetFaults(): FaultSettings;
  stats(): ServerStats;
  /** Faults back to start values, counters and quota windows cleared. */
  reset(): void;
  close(): Promise<void>;
}

const API_PATH = /^\/api(?:\/([^/]+))?\/?$/;
const ADMIN_PATHS = ['/__admin/faults', '/__admin/stats', '/__admin/reset'];

function emptyStats(): ServerStats {
  return {
    requests: 0,
    usersServed: 0,
    byStatus: {},
    injected: { delayed: 0, failed: 0, truncated: 0, overridden: 0, rateLimited: 0 },
    notFound: 0,
  };
}

function faultKnobs(options: RandomUserServerOptions): FaultSettings {
  const given: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_FAULTS)) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) given[key] = value;
  }
  return { ...DEFAULT_FAULTS, ...validateFaultPatch(given) };
}

async function readFaultPatch(req: IncomingMessage): Promise<FaultPatch> {
  const text = await readBody(req);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw new FaultConfigError('body must be JSON');
  }
  return validateFaultPatch(parsed);
}

export async function startRandomUserServer(options: RandomUserServerOptions = {}): Promise<RandomUserServer> {
  const injector = new FaultInjector(faultKnobs(options));
  const quota = new UserQuota();
  const now = options.now ?? (() => new Date());
  const shutdown = new AbortController();
  let stats = emptyStats();
  const responseCache = new Map<string, string>();

  const countStatus = (status: number): void => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, version: string | undefined): Promise<number> {
    const n = ++stats.requests;
    const latency = injector.settings().latencyMs;
    if (latency > 0) {
      stats.injected.delayed++;
      await sleep(latency, undefined, { signal: shutdown.signal });
    }
    const settings = injector.settings();
    const client = clientOf(req);

    if (settings.statusOverride) {
      stats.injected.overridden++;
      const { status, body, contentType } = settings.statusOverride;
      const fallback =
        status === 429
          ? JSON.stringify({ error: quotaExceededMessage(quota.served(client, settings.quotaWindowMs)) })
          : JSON.stringify({ error: SERVER_ERROR_MESSAGE });
      return send(res, status, body ?? fallback, { ...JSON_HEADERS, ...(contentType ? { 'Content-Type': contentType } : {}) });
    }
    if ((req.method !== 'GET' && req.method !== 'HEAD') || (version !== undefined && version !== API_VERSION)) {
      return sendNotFound(res);
    }

    const query = parseUserQuery(url.searchParams);
    if ((UNSUPPORTED_FORMATS as readonly string[]).includes(query.format)) {
      return sendJson(res, 400, { error: `format "${query.format}" is not served by the local randomuser server; use json (default) or pretty` });
    }

    if (settings.quota !== null) {
      const decision = quota.check(client, settings.quota, settings.quotaWindowMs);
      if (!decision.allowed) {
        stats.injected.rateLimited++;
        return sendJson(res, 429, { error: quotaExceededMessage(decision.count) });
      }
    }

    const failure = injector.takeFailure(n);
    if (failure) {
      stats.injected.failed++;
      return sendJson(res, failure.status, { error: SERVER_ERROR_MESSAGE });
    }

    const cached = options.cacheResponses ? responseCache.get(url.search) : undefined;
    const body =
      cached ??
      serializeResponse(
        buildResponse(query, { now: now(), pictureBaseUrl: options.pictureBaseUrl }),
        query.format === 'pretty' ? 'pretty' : 'json',
        query.callback,
      );
    if (options.cacheResponses && cached === undefined) responseCache.set(url.search, body);
    quota.record(client, query.results, settings.quotaWindowMs);
    stats.usersServed += query.results;

    const truncation = injector.takeTruncation(n);
    if (truncation) {
      stats.injected.truncated++;
      sendTruncated(res, body, truncation);
      return 200;
    }
    return send(res, 200, body);
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string): Promise<number> {
    switch (`${req.method} ${path}`) {
      case 'GET /__admin/faults':
        return sendJson(res, 200, injector.settings());
      case 'DELETE /__admin/faults':
        return sendJson(res, 200, injector.reset());
      case 'POST /__admin/faults':
      case 'PATCH /__admin/faults':
        try {
          return sendJson(res, 200, injector.update(await readFaultPatch(req)));
        } catch (err) {
          if (err instanceof FaultConfigError) return sendJson(res, 400, { error: err.message });
          throw err;
        }
      case 'GET /__admin/stats':
        return sendJson(res, 200, stats);
      case 'POST /__admin/reset':
        resetAll();
        return sendJson(res, 200, { faults: injector.settings(), stats });
      default:
        if (!ADMIN_PATHS.includes(path)) return sendNotFound(res);
        return sendJson(res, 405, { error: `${req.method} is not allowed on ${path}` });
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
    const api = API_PATH.exec(url.pathname);
    if (api) {
      const status = await handleApi(req, res, url, api[1]);
      countStatus(status);
      return status;
    }
    if (url.pathname.startsWith('/__admin/')) return handleAdmin(req, res, url.pathname);
    stats.notFound++;
    return sendNotFound(res);
  }

  function resetAll(): void {
    injector.reset();
    quota.reset();
    stats = emptyStats();
  }

  const server = createServer((req, res) => {
    const started = Date.now();
    route(req, res, new URL(req.url ?? '/', 'http://localhost'))
      .then((status) => options.log?.(`${req.method} ${req.url} ${status} ${Date.now() - started}ms`))
      .catch((err: unknown) => {
        if (shutdown.signal.aborted) {
          res.destroy();
          return;
        }
        options.log?.(`${req.method} ${req.url} failed: ${err instanceof Error ? err.stack : String(err)}`);
        if (!res.headersSent) sendJson(res, 500, { error: SERVER_ERROR_MESSAGE });
        else res.destroy();
      });
  });

  // Warm the JIT (a few tens of ms) so the first 5000-user request is as fast as the next ones.
  buildResponse(parseUserQuery(new URLSearchParams('results=300&seed=warm-up')), { now: now() });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    port,
    faults: () => injector.settings(),
    setFaults: (patch) => injector.update(patch),
    resetFaults: () => injector.reset(),
    stats: () => structuredClone(stats),
    reset: resetAll,
    close: () =>
      new Promise<void>((resolve, reject) => {
        shutdown.abort();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
