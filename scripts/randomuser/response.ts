/**
 * Shapes a generated batch into the API body: `inc`/`exc` projection, the `info` block (or none
 * with `noinfo`), and serialization (compact JSON, pretty JSON, JSONP callback).
 */
import type { RandomUser } from '../../layers/domain/randomuser';
import { generateUsers } from './generator';
import type { ResponseFormat, UserQuery } from './params';
import { API_VERSION, type PartialUser, type ServedResponse, USER_FIELDS, type UserField } from './types';

export interface ResponseOptions {
  now: Date;
  pictureBaseUrl?: string;
}

export function buildResponse(query: UserQuery, options: ResponseOptions): ServedResponse {
  const users = generateUsers({
    results: query.results,
    seed: query.seed,
    page: query.page,
    nats: query.nats,
    gender: query.gender,
    password: query.password,
    now: options.now,
    pictureBaseUrl: options.pictureBaseUrl,
  });
  const results = query.fields.length === USER_FIELDS.length ? users : users.map((u) => projectUser(u, query.fields));
  const body: ServedResponse = { results };
  if (!query.noinfo) body.info = { seed: query.seed, results: query.results, page: query.page, version: API_VERSION };
  return body;
}

/** Keeps only `fields`, in canonical order. */
export function projectUser(user: RandomUser, fields: readonly UserField[]): PartialUser {
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field] = user[field];
  return out as PartialUser;
}

export function serializeResponse(body: ServedResponse, format: ResponseFormat, callback?: string): string {
  const json = format === 'pretty' ? JSON.stringify(body, null, 2) : JSON.stringify(body);
  return callback === undefined ? json : `${callback}(${json});`;
}
