/**
 * The inputs of fetch and persist, checked at the handler's door: a scheduled event, an Airflow
 * invocation or a person's `sls invoke local` all arrive as untrusted JSON.
 */
import type { RandomUser } from './randomuser';

export class InvalidRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

export const MAX_RESULTS_PER_REQUEST = 5000;
const LOWER_CASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface FetchRequest {
  results: number;
  seed?: string;
  page?: number;
  nat?: string;
  /** Caller-chosen id (Airflow: the run's logical date); derived from seed and page otherwise. */
  batchId?: string;
}

function optionalString(value: unknown, name: string, pattern: RegExp): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw new InvalidRequestError(`${name} must match ${pattern}, got ${JSON.stringify(value)}`);
  return value;
}

function asInteger(value: unknown, name: string, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new InvalidRequestError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function parseFetchRequest(event: unknown, defaultResults: number): FetchRequest {
  const e = (event ?? {}) as Record<string, unknown>;
  if (typeof e !== 'object' || Array.isArray(e)) throw new InvalidRequestError('fetch expects a JSON object');
  const request: FetchRequest = {
    results: e.results === undefined ? defaultResults : asInteger(e.results, 'results', 1, MAX_RESULTS_PER_REQUEST),
  };
  const seed = optionalString(e.seed, 'seed', /^[\w.-]{1,64}$/);
  if (seed !== undefined) request.seed = seed;
  if (e.page !== undefined && e.page !== null) request.page = asInteger(e.page, 'page', 1, 1_000_000);
  const nat = optionalString(e.nat, 'nat', /^[A-Za-z]{2}(,[A-Za-z]{2})*$/);
  if (nat !== undefined) request.nat = nat;
  const batchId = optionalString(e.batchId, 'batchId', /^[\w:.@+-]{1,128}$/);
  if (batchId !== undefined) request.batchId = batchId;
  return request;
}

/** What fetch hands to persist: validated users, and every rejected record with its reason. */
export interface PersistBatch {
  batchId: string;
  users: RandomUser[];
  rejected: { reason: string; record?: unknown; rawText?: string }[];
}

export function parsePersistBatch(event: unknown): PersistBatch {
  const e = event as Partial<PersistBatch> | null;
  if (!e || typeof e !== 'object') throw new InvalidRequestError('persist expects a JSON object');
  if (typeof e.batchId !== 'string' || e.batchId.length === 0) throw new InvalidRequestError('persist: batchId must be a non-empty string');
  if (!Array.isArray(e.users)) throw new InvalidRequestError('persist: users must be an array');
  if (e.rejected !== undefined && !Array.isArray(e.rejected)) throw new InvalidRequestError('persist: rejected must be an array');
  // Users were validated by fetch; here only what persist keys them by, so a hand-made batch fails whole and clearly.
  for (const [index, user] of e.users.entries()) {
    const uuid = (user as { login?: { uuid?: unknown } } | null)?.login?.uuid;
    if (typeof uuid !== 'string' || !LOWER_CASE_UUID.test(uuid))
      throw new InvalidRequestError(`persist: users[${index}].login.uuid must be a lower-case UUID, got ${JSON.stringify(uuid)}`);
  }
  return { batchId: e.batchId, users: e.users, rejected: e.rejected ?? [] };
}
