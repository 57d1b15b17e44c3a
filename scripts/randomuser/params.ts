/**
 * Query parameters -> a UserQuery, with the real API's leniency: nothing is rejected, bad values
 * fall back (results -> 1, page -> 1, unknown nat -> all, unknown gender -> both). A repeated
 * parameter counts with its last value.
 */
import { randomInt } from 'node:crypto';
import type { Gender } from '../../layers/domain/randomuser';
import { HEX_LOWER } from './prng';
import { NAT_CODES, type NatCode, USER_FIELDS, type UserField } from './types';

export const MAX_RESULTS = 5000;
export const MAX_PAGE = 10000;

/** Formats served; the real API also has csv, yaml and xml, which this server answers with 400. */
export type ResponseFormat = 'json' | 'pretty';
export const UNSUPPORTED_FORMATS = ['csv', 'yaml', 'xml'] as const;
export type UnsupportedFormat = (typeof UNSUPPORTED_FORMATS)[number];

export interface UserQuery {
  results: number;
  /** As given, or a fresh 16-hex-character seed when absent (reported back in info.seed). */
  seed: string;
  seedWasGiven: boolean;
  page: number;
  nats: NatCode[] | null;
  gender: Gender | null;
  /** Fields to show, in canonical order. */
  fields: UserField[];
  noinfo: boolean;
  format: ResponseFormat | UnsupportedFormat;
  password: string | undefined;
  /** JSONP callback name. */
  callback: string | undefined;
}

/** A seed like the real API's own: 16 characters of [a-f0-9]. */
export function drawSeed(): string {
  let seed = '';
  for (let i = 0; i < 16; i++) seed += HEX_LOWER[randomInt(HEX_LOWER.length)];
  return seed;
}

export function parseUserQuery(params: URLSearchParams, newSeed: () => string = drawSeed): UserQuery {
  const last = (name: string): string | undefined => {
    const all = params.getAll(name);
    return all.length === 0 ? undefined : all[all.length - 1];
  };

  const givenSeed = last('seed') ?? '';
  const seed = givenSeed === '' ? newSeed() : givenSeed;

  let nats = parseNats(last('nat') || last('nationality'));
  // An 18-character seed carries its nationality in its last two hex digits.
  if (givenSeed.length === 18) {
    const forced = NAT_CODES[parseInt(givenSeed.slice(-2), 16)];
    if (forced !== undefined) nats = [forced];
  }

  const genderParam = last('gender');
  // The real API ignores gender for seeded requests.
  const gender = givenSeed === '' && (genderParam === 'male' || genderParam === 'female') ? genderParam : null;

  return {
    results: parseResults(last('results')),
    seed,
    seedWasGiven: givenSeed !== '',
    page: parsePage(last('page')),
    nats,
    gender,
    fields: parseFields(last('inc'), last('exc')),
    noinfo: params.has('noinfo'),
    format: parseFormat(last('format') || last('fmt')),
    password: last('password'),
    callback: last('callback'),
  };
}

/** 1..5000; anything else (0, 5001, 2.5, "abc", absent) is 1, as on the real API. */
export function parseResults(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (Number.isNaN(n) || !Number.isInteger(n) || n < 1 || n > MAX_RESULTS) return 1;
  return n;
}

export function parsePage(raw: string | undefined): number {
  const n = Number(raw) || 1;
  return n < 0 || n > MAX_PAGE ? 1 : n;
}

/** Comma list, case-insensitive; one unknown code and the whole filter is dropped. */
export function parseNats(raw: string | undefined): NatCode[] | null {
  if (!raw) return null;
  const codes = raw
    .split(',')
    .filter((c) => c !== '')
    .map((c) => c.toUpperCase());
  if (codes.length === 0) return null;
  const known = new Set<string>(NAT_CODES);
  if (!codes.every((c) => known.has(c))) return null;
  return codes as NatCode[];
}

export function parseFields(inc: string | undefined, exc: string | undefined): UserField[] {
  const list = (raw: string): string[] =>
    raw
      .split(',')
      .filter((f) => f !== '')
      .map((f) => f.trim().toLowerCase());
  const excluded = new Set(list(exc || ''));
  const included = new Set(list(inc || USER_FIELDS.join(',')).filter((f) => !excluded.has(f)));
  return USER_FIELDS.filter((f) => included.has(f));
}

function parseFormat(raw: string | undefined): ResponseFormat | UnsupportedFormat {
  const value = (raw || 'json').toLowerCase();
  if (value === 'pretty' || value === 'prettyjson') return 'pretty';
  if ((UNSUPPORTED_FORMATS as readonly string[]).includes(value)) return value as UnsupportedFormat;
  return 'json';
}
