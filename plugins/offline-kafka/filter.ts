/**
 * Lambda event filtering for Kafka event sources: patterns match the record's `value` — and its
 * `key` where a schema registry validates the key — each decoded: the registry-decoded record when
 * the mapping validates that attribute, else JSON when the bytes are valid JSON and the UTF-8
 * string otherwise. Filters are OR-ed; within one pattern every field must match; a field's array
 * of matchers is OR-ed. The documented Lambda subset: exact values (string, number, boolean, null,
 * ""), prefix, suffix, equals-ignore-case, numeric (=, <, <=, >, >=), exists, anything-but, and $or.
 */
import { FilterPatternError } from './errors';

/** A record's attributes as filters see them (already decoded). */
export interface FilterFields {
  value: unknown;
  key?: unknown;
}

/** Decides from a record's decoded attributes whether the function gets the record. */
export type RecordFilter = (fields: FilterFields) => boolean;

export interface FilterOptions {
  /** Patterns may name `key`: only when the schema registry validates (and decodes) the key. */
  key: boolean;
}

type Predicate = (field: unknown) => boolean;
type Scalar = string | number | boolean | null;

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

export const acceptAll: RecordFilter = () => true;

/** Compiles serverless.yml `filterPatterns` once; throws FilterPatternError on an invalid pattern. */
export function compileFilters(patterns: readonly unknown[], options: FilterOptions = { key: false }): RecordFilter {
  if (patterns.length === 0) return acceptAll;
  const compiled = patterns.map((pattern, index) => compilePattern(pattern, `filterPatterns[${index}]`, options));
  return (fields) => compiled.some((matches) => matches(fields));
}

/** The value as Lambda filters it: JSON when it parses, the string otherwise; absent when null. */
export function decodeValue(value: Buffer | null): unknown {
  if (value === null) return undefined;
  const text = value.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function compilePattern(pattern: unknown, path: string, options: FilterOptions): Predicate {
  if (!isPlainObject(pattern)) throw new FilterPatternError(`${path} must be an object such as { value: { field: [...] } }`);
  for (const key of Object.keys(pattern)) {
    if (key === 'key' && !options.key) {
      throw new FilterPatternError(`${path}.key: Kafka event sources filter on "key" only when SchemaRegistryConfig validates KEY`);
    }
    if (key !== 'value' && key !== 'key' && key !== '$or') {
      throw new FilterPatternError(`${path}.${key}: Kafka event sources only filter on "value" (and "key" with a schema registry)`);
    }
  }
  return compileObject(pattern, path);
}

function compileObject(pattern: Record<string, unknown>, path: string): Predicate {
  const checks: Predicate[] = Object.entries(pattern).map(([key, spec]) => {
    const at = `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(spec) || spec.length < 2) throw new FilterPatternError(`${at} must list at least two patterns`);
      const alternatives = spec.map((alternative, i) => {
        if (!isPlainObject(alternative)) throw new FilterPatternError(`${at}[${i}] must be an object`);
        return compileObject(alternative, `${at}[${i}]`);
      });
      return (data) => alternatives.some((matches) => matches(data));
    }
    if (Array.isArray(spec)) {
      const leaf = compileMatchers(spec, at);
      return (data) => leaf(fieldOf(data, key));
    }
    if (isPlainObject(spec)) {
      const nested = compileObject(spec, at);
      return (data) => nested(fieldOf(data, key));
    }
    throw new FilterPatternError(`${at} must be an array of matchers or a nested object`);
  });
  return (data) => checks.every((check) => check(data));
}

function compileMatchers(matchers: unknown[], path: string): Predicate {
  if (matchers.length === 0) throw new FilterPatternError(`${path} must not be empty`);
  const presence: boolean[] = [];
  const onValue: Predicate[] = [];
  matchers.forEach((matcher, i) => {
    const at = `${path}[${i}]`;
    if (isScalar(matcher)) {
      onValue.push((v) => v === matcher);
      return;
    }
    if (!isPlainObject(matcher)) throw new FilterPatternError(`${at} must be a value or an operator object`);
    const keys = Object.keys(matcher);
    if (keys.length !== 1) throw new FilterPatternError(`${at} must have exactly one operator, got ${keys.join(', ') || 'none'}`);
    const operator = keys[0] as string;
    const operand = matcher[operator];
    if (operator === 'exists') {
      if (typeof operand !== 'boolean') throw new FilterPatternError(`${at}.exists must be true or false`);
      presence.push(operand);
      return;
    }
    onValue.push(compileOperator(operator, operand, at));
  });
  return (field) => {
    if (field === undefined) return presence.includes(false);
    if (presence.includes(true)) return true;
    const values = Array.isArray(field) ? (field as unknown[]) : [field];
    return values.some((v) => onValue.some((matches) => matches(v)));
  };
}

function compileOperator(operator: string, operand: unknown, at: string): Predicate {
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      const { text, ignoreCase } = stringOperand(operand, `${at}.${operator}`);
      const test = operator === 'prefix' ? (v: string) => v.startsWith(text) : (v: string) => v.endsWith(text);
      return (v) => typeof v === 'string' && test(ignoreCase ? v.toLowerCase() : v);
    }
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') throw new FilterPatternError(`${at}.equals-ignore-case must be a string`);
      const lower = operand.toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === lower;
    }
    case 'numeric':
      return compileNumeric(operand, `${at}.numeric`);
    case 'anything-but':
      return compileAnythingBut(operand, `${at}.anything-but`);
    default:
      throw new FilterPatternError(`${at}: unsupported operator "${operator}"`);
  }
}

function stringOperand(operand: unknown, at: string): { text: string; ignoreCase: boolean } {
  if (typeof operand === 'string') return { text: operand, ignoreCase: false };
  if (isPlainObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string') {
    return { text: operand['equals-ignore-case'].toLowerCase(), ignoreCase: true };
  }
  throw new FilterPatternError(`${at} must be a string or { "equals-ignore-case": string }`);
}

function compileNumeric(operand: unknown, at: string): Predicate {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new FilterPatternError(`${at} must be [op, number] or [op, number, op, number]`);
  }
  const conditions: Array<(v: number) => boolean> = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op: unknown = operand[i];
    const bound: unknown = operand[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.has(op)) throw new FilterPatternError(`${at}[${i}] must be one of = < <= > >=`);
    if (typeof bound !== 'number' || !Number.isFinite(bound)) throw new FilterPatternError(`${at}[${i + 1}] must be a finite number`);
    conditions.push(numericCondition(op, bound));
  }
  return (v) => typeof v === 'number' && conditions.every((holds) => holds(v));
}

function numericCondition(op: string, bound: number): (v: number) => boolean {
  switch (op) {
    case '=':
      return (v) => v === bound;
    case '<':
      return (v) => v < bound;
    case '<=':
      return (v) => v <= bound;
    case '>':
      return (v) => v > bound;
    default:
      return (v) => v >= bound;
  }
}

function compileAnythingBut(operand: unknown, at: string): Predicate {
  if (isScalar(operand)) return (v) => v !== operand;
  if (Array.isArray(operand)) {
    if (operand.length === 0 || !operand.every(isScalar)) throw new FilterPatternError(`${at} must list values`);
    const excluded = new Set<unknown>(operand);
    return (v) => !excluded.has(v);
  }
  if (isPlainObject(operand) && Object.keys(operand).length === 1) {
    const [operator] = Object.keys(operand) as [string];
    if (operator === 'prefix' || operator === 'suffix' || operator === 'equals-ignore-case') {
      const inner = compileOperator(operator, operand[operator], at);
      return (v) => typeof v === 'string' && !inner(v);
    }
  }
  throw new FilterPatternError(`${at} must be a value, a list of values, or { prefix | suffix | equals-ignore-case }`);
}

function fieldOf(data: unknown, key: string): unknown {
  if (!isPlainObject(data) || !Object.hasOwn(data, key)) return undefined;
  return data[key];
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
