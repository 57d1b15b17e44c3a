/**
 * Fault-injection knobs for tests: latency, 5xx (by rate or for the next n requests), bodies cut
 * mid-JSON, a forced status, and the user quota. Rates are decided by hashing (seed, kind,
 * request number), so a run with the same knobs and request order fails the same requests.
 */
import { createHash } from 'node:crypto';

export type TruncateMode = 'end' | 'abort';

export interface StatusOverride {
  status: number;
  /** Defaults to the real API's error JSON. */
  body?: string;
  contentType?: string;
}

export interface FaultSettings {
  /** Delay before every API response, in ms. */
  latencyMs: number;
  /** Share (0..1) of API requests answered with `errorStatus`. */
  errorRate: number;
  /** The 5xx used by errorRate and failNext. */
  errorStatus: number;
  /** The next n API requests fail with `errorStatus`. */
  failNext: number;
  /** Share (0..1) of 200 bodies cut mid-JSON. */
  truncateRate: number;
  /** The next n 200 bodies are cut. */
  truncateNext: number;
  /** "end": a complete HTTP response whose body is cut; "abort": the connection drops mid-body. */
  truncateMode: TruncateMode;
  /** Share of the body kept when cutting, strictly between 0 and 1. */
  truncateAt: number;
  /** Every API request answers this status (before quota and other faults). */
  statusOverride: StatusOverride | null;
  /** Users per client per window before 429; null for no limit. */
  quota: number | null;
  quotaWindowMs: number;
  /** Seeds the rate decisions. */
  seed: string;
}

export const DEFAULT_FAULTS: Readonly<FaultSettings> = {
  latencyMs: 0,
  errorRate: 0,
  errorStatus: 500,
  failNext: 0,
  truncateRate: 0,
  truncateNext: 0,
  truncateMode: 'end',
  truncateAt: 0.5,
  statusOverride: null,
  quota: null,
  quotaWindowMs: 60_000,
  seed: 'tributary',
};

export class FaultConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultConfigError';
  }
}

export type FaultPatch = Partial<FaultSettings>;

const KNOWN_KEYS = [...Object.keys(DEFAULT_FAULTS), 'status'];

/** Checks an untrusted patch (admin JSON body, CLI flags); `status` is shorthand for statusOverride. */
export function validateFaultPatch(input: unknown): FaultPatch {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultConfigError('fault settings must be a JSON object');
  }
  const raw = input as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !KNOWN_KEYS.includes(k));
  if (unknown.length > 0) {
    throw new FaultConfigError(`unknown fault setting(s) ${unknown.join(', ')}; known: ${KNOWN_KEYS.join(', ')}`);
  }
  if ('status' in raw && 'statusOverride' in raw) throw new FaultConfigError('give status or statusOverride, not both');

  const patch: FaultPatch = {};
  if ('latencyMs' in raw) patch.latencyMs = number(raw.latencyMs, 'latencyMs', { min: 0, max: 600_000 });
  if ('errorRate' in raw) patch.errorRate = number(raw.errorRate, 'errorRate', { min: 0, max: 1 });
  if ('errorStatus' in raw) patch.errorStatus = number(raw.errorStatus, 'errorStatus', { min: 500, max: 599, integer: true });
  if ('failNext' in raw) patch.failNext = number(raw.failNext, 'failNext', { min: 0, integer: true });
  if ('truncateRate' in raw) patch.truncateRate = number(raw.truncateRate, 'truncateRate', { min: 0, max: 1 });
  if ('truncateNext' in raw) patch.truncateNext = number(raw.truncateNext, 'truncateNext', { min: 0, integer: true });
  if ('truncateMode' in raw) {
    if (raw.truncateMode !== 'end' && raw.truncateMode !== 'abort') throw new FaultConfigError('truncateMode must be "end" or "abort"');
    patch.truncateMode = raw.truncateMode;
  }
  if ('truncateAt' in raw) {
    const at = number(raw.truncateAt, 'truncateAt', { min: 0, max: 1 });
    if (at <= 0 || at >= 1) throw new FaultConfigError('truncateAt must be strictly between 0 and 1');
    patch.truncateAt = at;
  }
  const override = 'status' in raw ? raw.status : raw.statusOverride;
  if ('status' in raw || 'statusOverride' in raw) patch.statusOverride = statusOverride(override);
  if ('quota' in raw) patch.quota = raw.quota === null ? null : number(raw.quota, 'quota', { min: 0, integer: true });
  if ('quotaWindowMs' in raw) patch.quotaWindowMs = number(raw.quotaWindowMs, 'quotaWindowMs', { min: 1, integer: true });
  if ('seed' in raw) {
    if (typeof raw.seed !== 'string') throw new FaultConfigError('seed must be a string');
    patch.seed = raw.seed;
  }
  return patch;
}

function number(value: unknown, name: string, rule: { min: number; max?: number; integer?: boolean }): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new FaultConfigError(`${name} must be a number`);
  if (rule.integer && !Number.isInteger(value)) throw new FaultConfigError(`${name} must be an integer`);
  if (value < rule.min || (rule.max !== undefined && value > rule.max)) {
    throw new FaultConfigError(`${name} must be between ${rule.min} and ${rule.max ?? 'infinity'}, got ${value}`);
  }
  return value;
}

function statusOverride(value: unknown): StatusOverride | null {
  if (value === null) return null;
  if (typeof value === 'number') return { status: number(value, 'status', { min: 100, max: 599, integer: true }) };
  if (typeof value !== 'object' || Array.isArray(value)) throw new FaultConfigError('status must be null, a number or {status, body?, contentType?}');
  const o = value as Record<string, unknown>;
  const result: StatusOverride = { status: number(o.status, 'status', { min: 100, max: 599, integer: true }) };
  if (o.body !== undefined) {
    if (typeof o.body !== 'string') throw new FaultConfigError('status.body must be a string');
    result.body = o.body;
  }
  if (o.contentType !== undefined) {
    if (typeof o.contentType !== 'string') throw new FaultConfigError('status.contentType must be a string');
    result.contentType = o.contentType;
  }
  return result;
}

/** A reproducible draw in [0, 1) for request `n` and a kind of fault. */
export function roll(seed: string, kind: string, n: number): number {
  const hex = createHash('md5').update(`${seed}:${kind}:${n}`).digest('hex').slice(0, 8);
  return parseInt(hex, 16) / 4294967296;
}

export interface FailurePlan {
  status: number;
  cause: 'failNext' | 'errorRate';
}

export interface TruncationPlan {
  mode: TruncateMode;
  keep: number;
  cause: 'truncateNext' | 'truncateRate';
}

export class FaultInjector {
  private current: FaultSettings;
  private baseline: FaultSettings;

  constructor(initial: FaultSettings) {
    this.baseline = { ...initial };
    this.current = { ...initial };
  }

  settings(): FaultSettings {
    return { ...this.current };
  }

  update(patch: FaultPatch): FaultSettings {
    this.current = { ...this.current, ...validateFaultPatch(patch) };
    return this.settings();
  }

  /** Back to the settings the server started with. */
  reset(): FaultSettings {
    this.current = { ...this.baseline };
    return this.settings();
  }

  /** Consumes failNext first; otherwise rolls errorRate for request `n`. */
  takeFailure(n: number): FailurePlan | null {
    if (this.current.failNext > 0) {
      this.current.failNext--;
      return { status: this.current.errorStatus, cause: 'failNext' };
    }
    if (this.current.errorRate > 0 && roll(this.current.seed, 'error', n) < this.current.errorRate) {
      return { status: this.current.errorStatus, cause: 'errorRate' };
    }
    return null;
  }

  takeTruncation(n: number): TruncationPlan | null {
    const { truncateMode: mode, truncateAt: keep } = this.current;
    if (this.current.truncateNext > 0) {
      this.current.truncateNext--;
      return { mode, keep, cause: 'truncateNext' };
    }
    if (this.current.truncateRate > 0 && roll(this.current.seed, 'truncate', n) < this.current.truncateRate) {
      return { mode, keep, cause: 'truncateRate' };
    }
    return null;
  }
}
