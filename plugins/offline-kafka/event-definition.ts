/**
 * Reads every function's `kafka` and `msk` events and the `custom.offlineKafka` section once,
 * applies AWS's event source mapping defaults and rejects what AWS would reject. The result is the
 * whole description the consumers run from; nothing else reads serverless.yml.
 */
import { EventDefinitionError } from './errors';
import type { KafkaEventSource } from './event';
import { compileFilters, type RecordFilter } from './filter';

export type EventSourceType = 'kafka' | 'msk';
export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** Where discarded batches go: a Kafka topic, or a destination offline cannot reach (SQS, SNS, S3). */
export type OnFailureDestination = { kind: 'kafka'; topic: string; uri: string } | { kind: 'unsupported'; uri: string };

export interface EventSourceMapping {
  functionKey: string;
  type: EventSourceType;
  topic: string;
  /** Brokers the consumer connects to. */
  brokers: string[];
  source: KafkaEventSource;
  batchSize: number;
  maximumBatchingWindowMs: number;
  startingPosition: StartingPosition;
  startingPositionTimestampMs: number | undefined;
  consumerGroupId: string;
  enabled: boolean;
  filter: RecordFilter;
  filterPatternCount: number;
  onFailure: OnFailureDestination | undefined;
  /** -1 retries forever. */
  maximumRetryAttempts: number;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  retryBackoff: Backoff;
  reconnectBackoff: Backoff;
}

/** What the plugin hands over from the serverless instance: plain data, so this module stays pure. */
export interface ServiceDescription {
  region: string;
  functions: Array<{ key: string; name: string; events: readonly unknown[] }>;
  /** `custom.offlineKafka`, unvalidated. */
  settings: unknown;
}

export interface EventDefinitions {
  mappings: EventSourceMapping[];
  /** Things offline cannot do the way AWS would; the plugin logs them at start. */
  warnings: string[];
}

export const DEFAULTS = {
  batchSize: 100,
  maxBatchSize: 10_000,
  /** Kafka event sources batch for 500 ms by default. */
  maximumBatchingWindowSeconds: 0.5,
  maxBatchingWindowSeconds: 300,
  startingPosition: 'TRIM_HORIZON' as StartingPosition,
  maximumRetryAttempts: -1,
  /** AWS caps infinite retries at 10 once an on-failure destination is configured. */
  retriesWithDestination: 10,
  maxRetryAttempts: 10_000,
  retryBackoff: { initialMs: 1000, maxMs: 60_000 },
  reconnectBackoff: { initialMs: 1000, maxMs: 30_000 },
} as const;

const EVENT_KEYS: Record<EventSourceType, ReadonlySet<string>> = {
  kafka: new Set([
    'topic',
    'bootstrapServers',
    'accessConfigurations',
    'batchSize',
    'maximumBatchingWindow',
    'enabled',
    'startingPosition',
    'startingPositionTimestamp',
    'consumerGroupId',
    'filterPatterns',
    'onFailureDestination',
    'provisionedPollerConfig',
  ]),
  msk: new Set([
    'arn',
    'topic',
    'batchSize',
    'maximumBatchingWindow',
    'enabled',
    'startingPosition',
    'startingPositionTimestamp',
    'saslScram512',
    'consumerGroupId',
    'filterPatterns',
    'provisionedPollerConfig',
  ]),
};
const SETTINGS_KEYS = new Set(['brokers', 'mskBrokers', 'retryBackoff', 'reconnectBackoff', 'functions']);
/** Where `msk` events connect offline when no setting says (their ARN names no broker reachable from here). */
export const DEFAULT_MSK_BROKERS: readonly string[] = ['127.0.0.1:9092'];
const FUNCTION_SETTINGS_KEYS = new Set(['maximumRetryAttempts', 'bisectBatchOnFunctionError', 'functionResponseTypes', 'onFailureDestination']);
const STARTING_POSITIONS: ReadonlySet<string> = new Set(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']);
const CONSUMER_GROUP_ID = /^[a-zA-Z0-9\-/*:_+=.@]*$/;

interface PluginSettings {
  brokers: string[] | undefined;
  mskBrokers: string[] | undefined;
  retryBackoff: Backoff;
  reconnectBackoff: Backoff;
  functions: Map<string, FunctionSettings>;
}

interface FunctionSettings {
  maximumRetryAttempts: number | undefined;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  onFailureDestination: string | undefined;
}

/**
 * @param localBrokers where `msk` ARNs point offline unless `custom.offlineKafka.brokers` or
 *   `custom.offlineKafka.mskBrokers` says otherwise.
 */
export function readEventDefinitions(service: ServiceDescription, localBrokers: readonly string[] = DEFAULT_MSK_BROKERS): EventDefinitions {
  const functionKeys = new Set(service.functions.map((f) => f.key));
  const settings = readSettings(service.settings, functionKeys);
  const mappings: EventSourceMapping[] = [];
  const warnings: string[] = [];
  for (const fn of service.functions) {
    fn.events.forEach((event, index) => {
      if (!isObject(event)) return;
      for (const type of ['kafka', 'msk'] as const) {
        if (!(type in event)) continue;
        const where = `functions.${fn.key}.events[${index}].${type}`;
        mappings.push(readEvent(type, event[type], where, fn, settings, localBrokers, service.region, warnings));
      }
    });
  }
  return { mappings, warnings };
}

function readEvent(
  type: EventSourceType,
  raw: unknown,
  where: string,
  fn: ServiceDescription['functions'][number],
  settings: PluginSettings,
  localBrokers: readonly string[],
  region: string,
  warnings: string[],
): EventSourceMapping {
  if (!isObject(raw)) throw new EventDefinitionError(where, 'must be an object');
  for (const key of Object.keys(raw)) {
    if (!EVENT_KEYS[type].has(key)) throw new EventDefinitionError(`${where}.${key}`, `unknown property for a ${type} event`);
  }
  const topic = requiredString(raw.topic, `${where}.topic`);
  const fnSettings = settings.functions.get(fn.key);

  let brokers: string[];
  let source: KafkaEventSource;
  if (type === 'kafka') {
    const configured = raw.bootstrapServers === undefined ? undefined : brokerList(raw.bootstrapServers, `${where}.bootstrapServers`);
    brokers = settings.brokers ?? configured ?? [...localBrokers];
    source = { eventSource: 'SelfManagedKafka', bootstrapServers: brokers.join(',') };
  } else {
    brokers = settings.brokers ?? settings.mskBrokers ?? [...localBrokers];
    let arn = raw.arn;
    if (typeof arn !== 'string') {
      if (arn === undefined) throw new EventDefinitionError(`${where}.arn`, 'is required');
      arn = `arn:aws:kafka:${region}:000000000000:cluster/offline/${fn.key}`;
      warnings.push(`${where}.arn is a CloudFormation reference; offline events carry eventSourceArn ${String(arn)}`);
    }
    source = { eventSource: 'aws:kafka', eventSourceArn: arn as string, bootstrapServers: brokers.join(',') };
  }
  if (brokers.length === 0) throw new EventDefinitionError(where, 'no brokers to connect to');

  const batchSize = optionalInteger(raw.batchSize, `${where}.batchSize`, 1, DEFAULTS.maxBatchSize) ?? DEFAULTS.batchSize;
  const windowSeconds =
    optionalNumber(raw.maximumBatchingWindow, `${where}.maximumBatchingWindow`, 0, DEFAULTS.maxBatchingWindowSeconds) ?? DEFAULTS.maximumBatchingWindowSeconds;

  const startingPosition = readStartingPosition(raw.startingPosition, `${where}.startingPosition`);
  const timestampSeconds = optionalNumber(raw.startingPositionTimestamp, `${where}.startingPositionTimestamp`, 0, Number.MAX_SAFE_INTEGER);
  if (startingPosition === 'AT_TIMESTAMP' && timestampSeconds === undefined) {
    throw new EventDefinitionError(`${where}.startingPositionTimestamp`, 'is required when startingPosition is AT_TIMESTAMP');
  }
  if (startingPosition !== 'AT_TIMESTAMP' && timestampSeconds !== undefined) {
    throw new EventDefinitionError(`${where}.startingPositionTimestamp`, 'is only valid with startingPosition AT_TIMESTAMP');
  }

  const consumerGroupId = raw.consumerGroupId === undefined ? `${fn.name}-${topic}` : requiredString(raw.consumerGroupId, `${where}.consumerGroupId`);
  if (consumerGroupId.length > 200 || !CONSUMER_GROUP_ID.test(consumerGroupId)) {
    throw new EventDefinitionError(`${where}.consumerGroupId`, `"${consumerGroupId}" must be at most 200 of [a-zA-Z0-9-/*:_+=.@]`);
  }

  const enabled = optionalBoolean(raw.enabled, `${where}.enabled`) ?? true;

  let filter: RecordFilter;
  let filterPatternCount = 0;
  if (raw.filterPatterns !== undefined) {
    if (!Array.isArray(raw.filterPatterns)) throw new EventDefinitionError(`${where}.filterPatterns`, 'must be a list of patterns');
    try {
      filter = compileFilters(raw.filterPatterns);
    } catch (error) {
      throw new EventDefinitionError(where, (error as Error).message);
    }
    filterPatternCount = raw.filterPatterns.length;
  } else {
    filter = compileFilters([]);
  }

  const destinationUri =
    fnSettings?.onFailureDestination ??
    (raw.onFailureDestination === undefined ? undefined : requiredString(raw.onFailureDestination, `${where}.onFailureDestination`));
  const onFailure = destinationUri === undefined ? undefined : readDestination(destinationUri, topic, where);
  if (onFailure?.kind === 'unsupported') {
    warnings.push(`${where}: on-failure destination ${onFailure.uri} is not emulated offline; discarded batches are only logged`);
  }

  const configuredRetries = fnSettings?.maximumRetryAttempts ?? DEFAULTS.maximumRetryAttempts;
  const maximumRetryAttempts = configuredRetries === -1 && onFailure ? DEFAULTS.retriesWithDestination : configuredRetries;

  return {
    functionKey: fn.key,
    type,
    topic,
    brokers,
    source,
    batchSize,
    maximumBatchingWindowMs: Math.round(windowSeconds * 1000),
    startingPosition,
    startingPositionTimestampMs: timestampSeconds === undefined ? undefined : Math.round(timestampSeconds * 1000),
    consumerGroupId,
    enabled,
    filter,
    filterPatternCount,
    onFailure,
    maximumRetryAttempts,
    bisectBatchOnFunctionError: fnSettings?.bisectBatchOnFunctionError ?? false,
    reportBatchItemFailures: fnSettings?.reportBatchItemFailures ?? false,
    retryBackoff: settings.retryBackoff,
    reconnectBackoff: settings.reconnectBackoff,
  };
}

function readSettings(raw: unknown, functionKeys: ReadonlySet<string>): PluginSettings {
  const where = 'custom.offlineKafka';
  if (raw === undefined || raw === null) {
    return {
      brokers: undefined,
      mskBrokers: undefined,
      retryBackoff: { ...DEFAULTS.retryBackoff },
      reconnectBackoff: { ...DEFAULTS.reconnectBackoff },
      functions: new Map(),
    };
  }
  if (!isObject(raw)) throw new EventDefinitionError(where, 'must be an object');
  rejectUnknownKeys(raw, SETTINGS_KEYS, where);
  const functions = new Map<string, FunctionSettings>();
  if (raw.functions !== undefined) {
    if (!isObject(raw.functions)) throw new EventDefinitionError(`${where}.functions`, 'must map function names to settings');
    for (const [key, value] of Object.entries(raw.functions)) {
      const at = `${where}.functions.${key}`;
      if (!functionKeys.has(key)) throw new EventDefinitionError(at, 'no function with that name in serverless.yml');
      functions.set(key, readFunctionSettings(value, at));
    }
  }
  return {
    brokers: raw.brokers === undefined || raw.brokers === null ? undefined : brokerList(raw.brokers, `${where}.brokers`),
    mskBrokers: raw.mskBrokers === undefined || raw.mskBrokers === null ? undefined : brokerList(raw.mskBrokers, `${where}.mskBrokers`),
    retryBackoff: readBackoff(raw.retryBackoff, `${where}.retryBackoff`, DEFAULTS.retryBackoff),
    reconnectBackoff: readBackoff(raw.reconnectBackoff, `${where}.reconnectBackoff`, DEFAULTS.reconnectBackoff),
    functions,
  };
}

function readFunctionSettings(raw: unknown, where: string): FunctionSettings {
  if (!isObject(raw)) throw new EventDefinitionError(where, 'must be an object');
  rejectUnknownKeys(raw, FUNCTION_SETTINGS_KEYS, where);
  let reportBatchItemFailures = false;
  if (raw.functionResponseTypes !== undefined) {
    const types = raw.functionResponseTypes;
    if (!Array.isArray(types) || types.some((t) => t !== 'ReportBatchItemFailures')) {
      throw new EventDefinitionError(`${where}.functionResponseTypes`, 'must be [] or [ReportBatchItemFailures]');
    }
    reportBatchItemFailures = types.length > 0;
  }
  return {
    maximumRetryAttempts: optionalInteger(raw.maximumRetryAttempts, `${where}.maximumRetryAttempts`, -1, DEFAULTS.maxRetryAttempts),
    bisectBatchOnFunctionError: optionalBoolean(raw.bisectBatchOnFunctionError, `${where}.bisectBatchOnFunctionError`) ?? false,
    reportBatchItemFailures,
    onFailureDestination: raw.onFailureDestination === undefined ? undefined : requiredString(raw.onFailureDestination, `${where}.onFailureDestination`),
  };
}

function readDestination(uri: string, sourceTopic: string, where: string): OnFailureDestination {
  if (!uri.startsWith('kafka://')) return { kind: 'unsupported', uri };
  const topic = uri.slice('kafka://'.length);
  if (topic === '') throw new EventDefinitionError(`${where}.onFailureDestination`, 'kafka:// needs a topic name');
  // AWS refuses a destination equal to the source: it would loop forever.
  if (topic === sourceTopic) throw new EventDefinitionError(`${where}.onFailureDestination`, `must differ from the source topic ${sourceTopic}`);
  return { kind: 'kafka', topic, uri };
}

function readStartingPosition(raw: unknown, where: string): StartingPosition {
  if (raw === undefined) return DEFAULTS.startingPosition;
  if (typeof raw !== 'string' || !STARTING_POSITIONS.has(raw)) {
    throw new EventDefinitionError(where, 'must be TRIM_HORIZON, LATEST or AT_TIMESTAMP');
  }
  return raw as StartingPosition;
}

function readBackoff(raw: unknown, where: string, fallback: Backoff): Backoff {
  if (raw === undefined) return { ...fallback };
  if (!isObject(raw)) throw new EventDefinitionError(where, 'must be { initialMs, maxMs }');
  rejectUnknownKeys(raw, new Set(['initialMs', 'maxMs']), where);
  const initialMs = optionalInteger(raw.initialMs, `${where}.initialMs`, 1, 3_600_000) ?? fallback.initialMs;
  const maxMs = optionalInteger(raw.maxMs, `${where}.maxMs`, 1, 3_600_000) ?? Math.max(fallback.maxMs, initialMs);
  if (maxMs < initialMs) throw new EventDefinitionError(where, 'maxMs must not be below initialMs');
  return { initialMs, maxMs };
}

/** A list of host:port, or comma-separated strings of them (how a stage parameter often arrives). */
function brokerList(raw: unknown, where: string): string[] {
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

function rejectUnknownKeys(raw: Record<string, unknown>, allowed: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) throw new EventDefinitionError(`${where}.${key}`, `unknown setting (allowed: ${[...allowed].join(', ')})`);
  }
}

function requiredString(raw: unknown, where: string): string {
  if (typeof raw !== 'string' || raw === '') throw new EventDefinitionError(where, 'must be a non-empty string');
  return raw;
}

function optionalNumber(raw: unknown, where: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min || raw > max) {
    throw new EventDefinitionError(where, `must be a number from ${min} to ${max}`);
  }
  return raw;
}

function optionalInteger(raw: unknown, where: string, min: number, max: number): number | undefined {
  const value = optionalNumber(raw, where, min, max);
  if (value !== undefined && !Number.isInteger(value)) throw new EventDefinitionError(where, `must be an integer from ${min} to ${max}`);
  return value;
}

function optionalBoolean(raw: unknown, where: string): boolean | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'boolean') throw new EventDefinitionError(where, 'must be true or false');
  return raw;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
