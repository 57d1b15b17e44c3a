/**
 * The field checks validate.ts builds records from: each returns the value it vouched for or throws
 * a FieldProblem with the field's path, so a record's shape reads as one line per field.
 */

/** Longest text field accepted; real values are under 100 characters, so this only stops hostile records. */
export const MAX_TEXT_LENGTH = 1024;

/** Thrown inside the checks and caught at the top, so each check reads as one line. */
export class FieldProblem {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {}
}

export type Fields = Record<string, unknown>;

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function objectAt(value: unknown, path: string): Fields {
  if (value === undefined) throw new FieldProblem(path, 'missing');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldProblem(path, `expected object, got ${kindOf(value)}`);
  return value as Fields;
}

function checkLength(value: string, path: string): void {
  if (value.length > MAX_TEXT_LENGTH) throw new FieldProblem(path, `longer than ${MAX_TEXT_LENGTH} characters (${value.length})`);
}

// NUL: PostgreSQL text and jsonb cannot store it. Unpaired surrogates: not valid UTF-8 for Kafka/Cassandra.
// The first pattern is a cheap screen (any surrogate at all is rare); the second finds only unpaired ones.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const NUL_OR_SURROGATE = /[\u0000\uD800-\uDFFF]/;
const UNPAIRED_SURROGATE = /\p{Cs}/u;

export function checkText(value: string, path: string): string {
  checkLength(value, path);
  if (NUL_OR_SURROGATE.test(value)) {
    if (value.includes('\u0000')) throw new FieldProblem(path, 'contains a NUL character');
    if (UNPAIRED_SURROGATE.test(value)) throw new FieldProblem(path, 'contains an unpaired surrogate (not valid Unicode)');
  }
  return value;
}

export function text(value: unknown, path: string): string {
  if (typeof value === 'string') return checkText(value, path);
  if (value === undefined) throw new FieldProblem(path, 'missing');
  throw new FieldProblem(path, `expected string, got ${kindOf(value)}`);
}

export function nonEmptyText(value: unknown, path: string): string {
  const result = text(value, path);
  if (result.trim() === '') throw new FieldProblem(path, 'empty');
  return result;
}

export function matching(value: unknown, path: string, pattern: RegExp, problem: string): string {
  const result = text(value, path);
  if (!pattern.test(result)) throw new FieldProblem(path, problem);
  return result;
}

/** For patterns that admit printable ASCII only, which already rules out NUL and surrogates. */
export function asciiFormat(value: unknown, path: string, pattern: RegExp, problem: string): string {
  if (typeof value !== 'string') return text(value, path);
  checkLength(value, path);
  if (!pattern.test(value)) throw new FieldProblem(path, problem);
  return value;
}

export function integer(value: unknown, path: string, max: number): number {
  if (typeof value !== 'number') {
    if (value === undefined) throw new FieldProblem(path, 'missing');
    throw new FieldProblem(path, `expected number, got ${kindOf(value)}`);
  }
  if (!Number.isInteger(value)) throw new FieldProblem(path, `expected an integer, got ${value}`);
  if (value < 0 || value > max) throw new FieldProblem(path, `out of range 0..${max}, got ${value}`);
  return value;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** The number written by `count` ASCII digits at `at` (the pattern has already vouched for them). */
function digitsAt(value: string, at: number, count: number): number {
  let result = 0;
  for (let i = at; i < at + count; i += 1) result = result * 10 + value.charCodeAt(i) - 48;
  return result;
}

/** ISO 8601 date-time with a zone, calendar-checked: Date.parse quietly rolls "02-30" into March. */
export function isoDateTime(value: unknown, path: string): string {
  const result = asciiFormat(value, path, ISO_DATE_TIME, 'not an ISO date');
  const month = digitsAt(result, 5, 2);
  const day = digitsAt(result, 8, 2);
  const end = result.length;
  const inRange =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(digitsAt(result, 0, 4), month) &&
    digitsAt(result, 11, 2) <= 23 &&
    digitsAt(result, 14, 2) <= 59 &&
    digitsAt(result, 17, 2) <= 59 &&
    (result.endsWith('Z') || (digitsAt(result, end - 5, 2) <= 23 && digitsAt(result, end - 2, 2) <= 59));
  if (!inRange) throw new FieldProblem(path, 'not an ISO date');
  return result;
}
