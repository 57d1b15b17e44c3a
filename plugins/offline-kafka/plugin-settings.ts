/**
 * `custom.offlineKafka`: what only offline needs (brokers to reach, backoffs, how often lag is read,
 * where metrics go) plus the per-function settings that predate their CloudFormation properties
 * (deprecated: mapping-template.ts turns them into those properties, with a line saying so).
 */
import { brokerList, isObject, optionalInteger, rejectUnknownKeys } from './config-values';
import { EventDefinitionError } from './errors';
import { readSecretFiles, type SecretFiles } from './mapping-access';
import { DEPRECATED_PROPERTIES, type DeprecatedSettings } from './mapping-template';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export interface PluginSettings {
  brokers: string[] | undefined;
  mskBrokers: string[] | undefined;
  retryBackoff: Backoff;
  reconnectBackoff: Backoff;
  /** Deprecated settings by function key; their values are checked as the properties they stand for. */
  functions: Map<string, DeprecatedSettings>;
  /** How often each mapping reads its offset lag, rescales its pollers and rewrites the metrics file. */
  scalingIntervalMs: number;
  /** How often a mapping with MetricsConfig logs its metrics line. */
  metricsIntervalMs: number;
  /** Relative to the service directory; null writes none. */
  metricsFile: string | null;
  /** Secrets Manager ARNs the mappings name → the local `file:` reference each stands for offline. */
  secrets: SecretFiles;
}

export const SETTINGS_DEFAULTS = {
  retryBackoff: { initialMs: 1000, maxMs: 60_000 },
  reconnectBackoff: { initialMs: 1000, maxMs: 30_000 },
  scalingIntervalMs: 5000,
  /** CloudWatch's one-minute period. */
  metricsIntervalMs: 60_000,
  metricsFile: '.stack/run/offline-kafka/metrics.json',
} as const;

const SETTINGS_KEYS = new Set([
  'brokers',
  'mskBrokers',
  'retryBackoff',
  'reconnectBackoff',
  'functions',
  'scalingIntervalMs',
  'metricsIntervalMs',
  'metricsFile',
  'secrets',
]);
const FUNCTION_SETTINGS_KEYS = new Set(Object.keys(DEPRECATED_PROPERTIES));
const HOUR_MS = 3_600_000;

export function readSettings(raw: unknown, functionKeys: ReadonlySet<string>): PluginSettings {
  const where = 'custom.offlineKafka';
  const settings = raw ?? {};
  if (!isObject(settings)) throw new EventDefinitionError(where, 'must be an object');
  rejectUnknownKeys(settings, SETTINGS_KEYS, where);
  const functions = new Map<string, DeprecatedSettings>();
  if (settings.functions !== undefined && settings.functions !== null) {
    if (!isObject(settings.functions)) throw new EventDefinitionError(`${where}.functions`, 'must map function names to settings');
    for (const [key, value] of Object.entries(settings.functions)) {
      const at = `${where}.functions.${key}`;
      if (!functionKeys.has(key)) throw new EventDefinitionError(at, 'no function with that name in serverless.yml');
      if (!isObject(value)) throw new EventDefinitionError(at, 'must be an object');
      rejectUnknownKeys(value, FUNCTION_SETTINGS_KEYS, at);
      functions.set(key, value);
    }
  }
  const metricsFile = settings.metricsFile;
  if (metricsFile !== undefined && metricsFile !== null && (typeof metricsFile !== 'string' || metricsFile === '')) {
    throw new EventDefinitionError(`${where}.metricsFile`, 'must be a file path, or null for none');
  }
  return {
    brokers: settings.brokers === undefined || settings.brokers === null ? undefined : brokerList(settings.brokers, `${where}.brokers`),
    mskBrokers: settings.mskBrokers === undefined || settings.mskBrokers === null ? undefined : brokerList(settings.mskBrokers, `${where}.mskBrokers`),
    retryBackoff: readBackoff(settings.retryBackoff, `${where}.retryBackoff`, SETTINGS_DEFAULTS.retryBackoff),
    reconnectBackoff: readBackoff(settings.reconnectBackoff, `${where}.reconnectBackoff`, SETTINGS_DEFAULTS.reconnectBackoff),
    functions,
    scalingIntervalMs: optionalInteger(settings.scalingIntervalMs, `${where}.scalingIntervalMs`, 100, HOUR_MS) ?? SETTINGS_DEFAULTS.scalingIntervalMs,
    metricsIntervalMs: optionalInteger(settings.metricsIntervalMs, `${where}.metricsIntervalMs`, 100, HOUR_MS) ?? SETTINGS_DEFAULTS.metricsIntervalMs,
    metricsFile: metricsFile === undefined ? SETTINGS_DEFAULTS.metricsFile : (metricsFile as string | null),
    secrets: readSecretFiles(settings.secrets, `${where}.secrets`),
  };
}

function readBackoff(raw: unknown, where: string, fallback: Backoff): Backoff {
  if (raw === undefined) return { ...fallback };
  if (!isObject(raw)) throw new EventDefinitionError(where, 'must be { initialMs, maxMs }');
  rejectUnknownKeys(raw, new Set(['initialMs', 'maxMs']), where);
  const initialMs = optionalInteger(raw.initialMs, `${where}.initialMs`, 1, HOUR_MS) ?? fallback.initialMs;
  const maxMs = optionalInteger(raw.maxMs, `${where}.maxMs`, 1, HOUR_MS) ?? Math.max(fallback.maxMs, initialMs);
  if (maxMs < initialMs) throw new EventDefinitionError(where, 'maxMs must not be below initialMs');
  return { initialMs, maxMs };
}
