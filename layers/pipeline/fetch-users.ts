/**
 * fetch: one randomuser request, validated record by record, handed to persist in chunks that
 * fit a synchronous Lambda invocation (6 MB payload limit: 1000 users is about 1.3 MB).
 */
import { randomUUID } from 'node:crypto';
import { type FetchResult, RandomUserError, type UsersRequest } from '../adapters/randomuser';
import type { PersistBatch, FetchRequest } from '../domain/requests';
import type { RandomUser } from '../domain/randomuser';
import { MalformedResponseError, parseRandomUserResponse } from '../domain/validate';
import type { PersistReport } from './persist-users';
import type { Log } from '../logging/logger';

export const USERS_PER_PERSIST_CALL = 1000;
/** A kept body must fit one persist invocation (Lambda's 6 MB payload limit, JSON-escaped). */
export const MAX_KEPT_BODY_CHARS = 4 * 1024 * 1024;

function keptText(body: string): string {
  if (body.length <= MAX_KEPT_BODY_CHARS) return body;
  return `${body.slice(0, MAX_KEPT_BODY_CHARS)}\n[tributary: kept the first ${MAX_KEPT_BODY_CHARS} of ${body.length} characters]`;
}

export interface FetchDeps {
  fetchUsers(request: UsersRequest): Promise<FetchResult>;
  persist(batch: PersistBatch): Promise<PersistReport>;
  log: Log;
}

export interface FetchReport {
  batchId: string;
  fetched: number;
  valid: number;
  rejected: number;
  persisted: number;
  queued: number;
  attempts: number;
  seed: string | undefined;
  page: number | undefined;
}

/** Seed and page name the same users every time, so the batch id is derived from them when given. */
export function batchIdFor(request: FetchRequest): string {
  if (request.batchId) return request.batchId;
  if (request.seed !== undefined) return `seed:${request.seed}:page:${request.page ?? 1}:n:${request.results}`;
  return `adhoc:${randomUUID()}`;
}

/** What fetch keeps of a response while persist runs: the valid users and what the report needs. */
interface Received {
  users: RandomUser[];
  rejected: PersistBatch['rejected'];
  attempts: number;
  seed: string | undefined;
  page: number | undefined;
}

/**
 * One request, parsed and validated. Its own function so that the response's parsed body (every
 * record as the API sent it) is garbage once validated: while persist runs, fetch holds only the
 * valid users not yet handed on, not a second copy of the page.
 */
async function receive(deps: FetchDeps, request: FetchRequest, batchId: string): Promise<Received> {
  let fetched: FetchResult;
  try {
    fetched = await deps.fetchUsers({ results: request.results, seed: request.seed, page: request.page, nat: request.nat });
  } catch (err) {
    // A body that never parsed, after every retry: kept as text with the reason, then the failure.
    if (err instanceof RandomUserError && err.kind === 'malformed-json' && err.body !== undefined) {
      await deps.persist({ batchId, users: [], rejected: [{ reason: `response: ${err.message}`, rawText: keptText(err.body) }] });
    }
    throw err;
  }
  let parsed: ReturnType<typeof parseRandomUserResponse>;
  try {
    parsed = parseRandomUserResponse(fetched.body);
  } catch (err) {
    if (!(err instanceof MalformedResponseError)) throw err;
    // Keep what came back, with the reason, before failing the invocation.
    await deps.persist({ batchId, users: [], rejected: [{ reason: `response: ${err.message}`, record: fetched.body }] });
    throw err;
  }
  const rejected = parsed.rejected.map((r) => ({ reason: `results[${r.index}] ${r.reason}`, record: r.record }));
  if (rejected.length > 0) deps.log.warn('records rejected', { batchId, rejected: rejected.length, first: rejected[0]?.reason });
  return { users: parsed.users, rejected, attempts: fetched.attempts, seed: parsed.info?.seed ?? request.seed, page: parsed.info?.page ?? request.page };
}

export async function fetchAndHandOff(deps: FetchDeps, request: FetchRequest): Promise<FetchReport> {
  const batchId = batchIdFor(request);
  const { users, rejected, attempts, seed, page } = await receive(deps, request, batchId);
  const valid = users.length;
  let persisted = 0;
  let queued = 0;
  const chunks = Math.max(1, Math.ceil(valid / USERS_PER_PERSIST_CALL));
  for (let i = 0; i < chunks; i += 1) {
    // Taken off the front: a chunk persisted is no longer held.
    const chunk = users.splice(0, USERS_PER_PERSIST_CALL);
    const report = await deps.persist({ batchId, users: chunk, rejected: i === 0 ? rejected : [] });
    persisted += report.persisted;
    queued += report.queued;
  }
  return { batchId, fetched: valid + rejected.length, valid, rejected: rejected.length, persisted, queued, attempts, seed, page };
}
