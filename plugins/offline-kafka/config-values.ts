/** Readers for single configuration values: each checks one value and names its path when it refuses it. */
import { EventDefinitionError } from './errors';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function rejectUnknownKeys(raw: Record<string, unknown>, allowed: ReadonlySet<string>, where: string, what = 'setting'): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) throw new EventDefinitionError(`${where}.${key}`, `unknown ${what} (allowed: ${[...allowed].join(', ')})`);
  }
}

export function requiredString(raw: unknown, where: string): string {
  if (typeof raw !== 'string' || raw === '') throw new EventDefinitionError(where, 'must be a non-empty string');
  return raw;
}

export function optionalNumber(raw: unknown, where: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min || raw > max) {
    throw new EventDefinitionError(where, `must be a number from ${min} to ${max}`);
  }
  return raw;
}

export function optionalInteger(raw: unknown, where: string, min: number, max: number): number | undefined {
  const value = optionalNumber(raw, where, min, max);
  if (value !== undefined && !Number.isInteger(value)) throw new EventDefinitionError(where, `must be an integer from ${min} to ${max}`);
  return value;
}

export function optionalBoolean(raw: unknown, where: string): boolean | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'boolean') throw new EventDefinitionError(where, 'must be true or false');
  return raw;
}

/** A list of host:port, or comma-separated strings of them (how a stage parameter often arrives). */
export function brokerList(raw: unknown, where: string): string[] {
  const list: unknown[] = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
  const brokers = list.flatMap((entry) => (typeof entry === 'string' ? entry.split(',') : [entry]));
  if (brokers.length === 0) throw new EventDefinitionError(where, 'must be a non-empty list of host:port');
  return brokers.map((entry) => {
    if (typeof entry !== 'string' || !/^[^\s:]+:\d+$/.test(entry.trim())) {
      throw new EventDefinitionError(where, `"${String(entry)}" is not host:port`);
    }
    return entry.trim();
  });
}
