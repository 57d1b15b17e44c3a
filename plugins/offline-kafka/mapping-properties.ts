/**
 * Reads a Kafka event source mapping's CloudFormation Properties (as `sls package` writes them,
 * mapping-template.ts) with AWS's ranges and defaults, refusing unknown properties, properties that do
 * not apply to Kafka and invalid values with the path where they were written.
 */
import { isObject, optionalBoolean, optionalInteger, optionalNumber, rejectUnknownKeys, requiredString } from './config-values';
import { EventDefinitionError } from './errors';
import { compileFilters, type RecordFilter } from './filter';
import type { EventSourceType, MappingTemplate } from './mapping-template';
import { type PollerBounds, readPollers } from './poller-scaling';
import { readSchemaRegistryConfig, type SchemaRegistrySettings } from './schema-registry-config';

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
export type MetricGroup = 'EventCount' | 'ErrorCount' | 'KafkaMetrics';

/** Where discarded batches go: a Kafka topic, or a destination offline cannot reach (SQS, SNS, S3). */
export type OnFailureDestination = { kind: 'kafka'; topic: string; uri: string } | { kind: 'unsupported'; uri: string };

export interface MappingProperties {
  topic: string;
  /** SelfManagedEventSource's KafkaBootstrapServers (kafka), unchecked: brokers are resolved later. */
  bootstrapServers: unknown;
  /** msk: a string ARN or a CloudFormation reference. */
  eventSourceArn: unknown;
  batchSize: number;
  maximumBatchingWindowMs: number;
  startingPosition: StartingPosition;
  startingPositionTimestampMs: number | undefined;
  consumerGroupId: string | undefined;
  enabled: boolean;
  filter: RecordFilter;
  filterPatternCount: number;
  onFailure: OnFailureDestination | undefined;
  /** -1 retries forever. */
  maximumRetryAttempts: number;
  /** undefined: records never get too old (-1). */
  maximumRecordAgeMs: number | undefined;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
  pollers: PollerBounds;
  metrics: ReadonlySet<MetricGroup>;
  schemaRegistry: SchemaRegistrySettings | undefined;
}

export const PROPERTY_DEFAULTS = {
  batchSize: 100,
  /** Kafka mappings batch for 500 ms unless MaximumBatchingWindowInSeconds says otherwise. */
  maximumBatchingWindowMs: 500,
  maximumRetryAttempts: -1,
  /** AWS caps infinite retries at 10 once an on-failure destination is configured. */
  retriesWithDestination: 10,
} as const;

const COMMON = [
  'BatchSize',
  'BisectBatchOnFunctionError',
  'DestinationConfig',
  'Enabled',
  'FilterCriteria',
  'FunctionName',
  'FunctionResponseTypes',
  'KmsKeyArn',
  'LoggingConfig',
  'MaximumBatchingWindowInSeconds',
  'MaximumRecordAgeInSeconds',
  'MaximumRetryAttempts',
  'MetricsConfig',
  'ProvisionedPollerConfig',
  'SourceAccessConfigurations',
  'StartingPosition',
  'StartingPositionTimestamp',
  'Tags',
  'Topics',
];
const PROPERTIES: Record<EventSourceType, ReadonlySet<string>> = {
  kafka: new Set([...COMMON, 'SelfManagedEventSource', 'SelfManagedKafkaEventSourceConfig']),
  msk: new Set([...COMMON, 'EventSourceArn', 'AmazonManagedKafkaEventSourceConfig']),
};
/** Properties of the resource that other event sources use. */
const NOT_FOR_KAFKA = new Set(['ParallelizationFactor', 'TumblingWindowInSeconds', 'Queues', 'ScalingConfig', 'DocumentDBEventSourceConfig']);
const STARTING_POSITIONS: ReadonlySet<string> = new Set(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']);
const METRIC_GROUPS: ReadonlySet<string> = new Set(['EventCount', 'ErrorCount', 'KafkaMetrics']);
const CONSUMER_GROUP_ID = /^[a-zA-Z0-9\-/*:_+=.@]*$/;
/** Settings AWS offers only in provisioned mode; named in a warning when ProvisionedPollerConfig is missing. */
const PROVISIONED_ONLY = ['MaximumRetryAttempts', 'MaximumRecordAgeInSeconds', 'BisectBatchOnFunctionError', 'FunctionResponseTypes'];

export function readMappingProperties(type: EventSourceType, template: MappingTemplate, warnings: string[]): MappingProperties {
  const { properties: p, pathOf } = template;
  for (const name of Object.keys(p)) {
    if (PROPERTIES[type].has(name)) continue;
    const why =
      NOT_FOR_KAFKA.has(name) || PROPERTIES.kafka.has(name) || PROPERTIES.msk.has(name)
        ? `does not apply to ${type} event source mappings`
        : 'is not a property of AWS::Lambda::EventSourceMapping';
    throw new EventDefinitionError(pathOf(name), why);
  }

  const topic = readTopic(p.Topics, pathOf('Topics'));
  const sourceConfigName = type === 'kafka' ? 'SelfManagedKafkaEventSourceConfig' : 'AmazonManagedKafkaEventSourceConfig';
  const sourceConfig = readSourceConfig(p[sourceConfigName], (inner) => pathOf(sourceConfigName, inner));

  const startingPosition = readStartingPosition(p.StartingPosition, pathOf('StartingPosition'));
  const timestampSeconds = optionalNumber(p.StartingPositionTimestamp, pathOf('StartingPositionTimestamp'), 0, Number.MAX_SAFE_INTEGER);
  if (startingPosition === 'AT_TIMESTAMP' && timestampSeconds === undefined) {
    throw new EventDefinitionError(pathOf('StartingPositionTimestamp'), 'is required when startingPosition is AT_TIMESTAMP');
  }
  if (startingPosition !== 'AT_TIMESTAMP' && timestampSeconds !== undefined) {
    throw new EventDefinitionError(pathOf('StartingPositionTimestamp'), 'is only valid with startingPosition AT_TIMESTAMP');
  }

  const windowSeconds = optionalInteger(p.MaximumBatchingWindowInSeconds, pathOf('MaximumBatchingWindowInSeconds'), 0, 300);
  const { filter, count: filterPatternCount } = readFilterCriteria(p.FilterCriteria, pathOf, sourceConfig.schemaRegistry);
  const onFailure = readDestinationConfig(p.DestinationConfig, topic, (inner) => pathOf('DestinationConfig', inner));
  if (onFailure?.kind === 'unsupported') {
    warnings.push(`${pathOf('DestinationConfig', '.OnFailure.Destination')}: ${onFailure.uri} is not emulated offline; discarded batches are only logged`);
  }
  const retries = optionalInteger(p.MaximumRetryAttempts, pathOf('MaximumRetryAttempts'), -1, 10_000) ?? PROPERTY_DEFAULTS.maximumRetryAttempts;
  const pollers = readPollers(p.ProvisionedPollerConfig, (inner) => pathOf('ProvisionedPollerConfig', inner));
  const needsProvisioned = PROVISIONED_ONLY.filter((name) => p[name] !== undefined);
  if (sourceConfig.schemaRegistry) needsProvisioned.push(`${sourceConfigName}.SchemaRegistryConfig`);
  if (onFailure?.kind === 'kafka') needsProvisioned.push('DestinationConfig (a Kafka topic)');
  if (!pollers.provisioned && needsProvisioned.length > 0) {
    warnings.push(
      `${template.logicalId}: AWS configures ${needsProvisioned.join(', ')} only in provisioned mode; add ProvisionedPollerConfig so the deployed mapping has them too (offline applies them either way)`,
    );
  }

  return {
    topic,
    bootstrapServers:
      isObject(p.SelfManagedEventSource) && isObject(p.SelfManagedEventSource.Endpoints) ? p.SelfManagedEventSource.Endpoints.KafkaBootstrapServers : undefined,
    eventSourceArn: p.EventSourceArn,
    batchSize: optionalInteger(p.BatchSize, pathOf('BatchSize'), 1, 10_000) ?? PROPERTY_DEFAULTS.batchSize,
    maximumBatchingWindowMs: windowSeconds === undefined ? PROPERTY_DEFAULTS.maximumBatchingWindowMs : windowSeconds * 1000,
    startingPosition,
    startingPositionTimestampMs: timestampSeconds === undefined ? undefined : Math.round(timestampSeconds * 1000),
    consumerGroupId: sourceConfig.consumerGroupId,
    enabled: optionalBoolean(p.Enabled, pathOf('Enabled')) ?? true,
    filter,
    filterPatternCount,
    onFailure,
    maximumRetryAttempts: retries === -1 && onFailure ? PROPERTY_DEFAULTS.retriesWithDestination : retries,
    maximumRecordAgeMs: readRecordAge(p.MaximumRecordAgeInSeconds, pathOf('MaximumRecordAgeInSeconds')),
    bisectBatchOnFunctionError: optionalBoolean(p.BisectBatchOnFunctionError, pathOf('BisectBatchOnFunctionError')) ?? false,
    reportBatchItemFailures: readResponseTypes(p.FunctionResponseTypes, pathOf('FunctionResponseTypes')),
    pollers,
    metrics: readMetricsConfig(p.MetricsConfig, (inner) => pathOf('MetricsConfig', inner)),
    schemaRegistry: sourceConfig.schemaRegistry,
  };
}

function readTopic(raw: unknown, where: string): string {
  if (!Array.isArray(raw) || raw.length !== 1) throw new EventDefinitionError(where, 'must list exactly one topic');
  return requiredString(raw[0], where);
}

function readSourceConfig(
  raw: unknown,
  pathOf: (inner: string) => string,
): { consumerGroupId: string | undefined; schemaRegistry: SchemaRegistrySettings | undefined } {
  if (raw === undefined) return { consumerGroupId: undefined, schemaRegistry: undefined };
  if (!isObject(raw)) throw new EventDefinitionError(pathOf(''), 'must be an object with ConsumerGroupId and/or SchemaRegistryConfig');
  rejectUnknownKeys(raw, new Set(['ConsumerGroupId', 'SchemaRegistryConfig']), pathOf(''), 'property');
  let consumerGroupId: string | undefined;
  if (raw.ConsumerGroupId !== undefined) {
    consumerGroupId = requiredString(raw.ConsumerGroupId, pathOf('.ConsumerGroupId'));
    if (consumerGroupId.length > 200 || !CONSUMER_GROUP_ID.test(consumerGroupId)) {
      throw new EventDefinitionError(pathOf('.ConsumerGroupId'), `"${consumerGroupId}" must be at most 200 of [a-zA-Z0-9-/*:_+=.@]`);
    }
  }
  const registryWhere = pathOf('.SchemaRegistryConfig');
  const schemaRegistry = raw.SchemaRegistryConfig === undefined ? undefined : readSchemaRegistryConfig(raw.SchemaRegistryConfig, registryWhere);
  return { consumerGroupId, schemaRegistry };
}

function readStartingPosition(raw: unknown, where: string): StartingPosition {
  if (raw === undefined) return 'TRIM_HORIZON';
  if (typeof raw !== 'string' || !STARTING_POSITIONS.has(raw)) throw new EventDefinitionError(where, 'must be TRIM_HORIZON, LATEST or AT_TIMESTAMP');
  return raw as StartingPosition;
}

function readFilterCriteria(
  raw: unknown,
  pathOf: MappingTemplate['pathOf'],
  registry: SchemaRegistrySettings | undefined,
): { filter: RecordFilter; count: number } {
  const options = { key: registry?.validate.key ?? false };
  if (raw === undefined) return { filter: compileFilters([], options), count: 0 };
  const filters = isObject(raw) ? raw.Filters : undefined;
  if (!Array.isArray(filters))
    throw new EventDefinitionError(pathOf('FilterCriteria'), 'must be { Filters: [{ Pattern }] } (filterPatterns: a list of patterns)');
  const patterns = filters.map((entry: unknown, index) => {
    const where = pathOf('FilterCriteria', `.Filters[${index}].Pattern`);
    const text = isObject(entry) ? entry.Pattern : undefined;
    if (typeof text !== 'string') throw new EventDefinitionError(where, 'must be a JSON string');
    let pattern: unknown;
    try {
      pattern = JSON.parse(text);
    } catch {
      throw new EventDefinitionError(where, `is not valid JSON: ${text}`);
    }
    try {
      compileFilters([pattern], options);
    } catch (error) {
      // The compiler names the pattern "filterPatterns[0]"; name its place in serverless.yml instead.
      const [, inner = '', message = (error as Error).message] = /^filterPatterns\[0\]([^:\s]*):? (.*)$/s.exec((error as Error).message) ?? [];
      throw new EventDefinitionError(`${where}${inner}`, message);
    }
    return pattern;
  });
  return { filter: compileFilters(patterns, options), count: patterns.length };
}

function readDestinationConfig(raw: unknown, sourceTopic: string, pathOf: (inner: string) => string): OnFailureDestination | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) throw new EventDefinitionError(pathOf(''), 'must be { OnFailure: { Destination } }');
  rejectUnknownKeys(raw, new Set(['OnFailure']), pathOf(''), 'property');
  if (!isObject(raw.OnFailure)) throw new EventDefinitionError(pathOf('.OnFailure'), 'must be { Destination }');
  rejectUnknownKeys(raw.OnFailure, new Set(['Destination']), pathOf('.OnFailure'), 'property');
  const where = pathOf('.OnFailure.Destination');
  const uri = requiredString(raw.OnFailure.Destination, where);
  if (!uri.startsWith('kafka://')) return { kind: 'unsupported', uri };
  const topic = uri.slice('kafka://'.length);
  if (topic === '') throw new EventDefinitionError(where, 'kafka:// needs a topic name');
  // AWS refuses a destination equal to the source: it would loop forever.
  if (topic === sourceTopic) throw new EventDefinitionError(where, `must differ from the source topic ${sourceTopic}`);
  return { kind: 'kafka', topic, uri };
}

/** -1 (never too old) or 60–604800 s; AWS refuses 0–59. */
function readRecordAge(raw: unknown, where: string): number | undefined {
  const seconds = optionalInteger(raw, where, -1, 604_800);
  if (seconds === undefined || seconds === -1) return undefined;
  if (seconds < 60) throw new EventDefinitionError(where, 'must be -1 or an integer from 60 to 604800');
  return seconds * 1000;
}

function readResponseTypes(raw: unknown, where: string): boolean {
  if (raw === undefined) return false;
  if (!Array.isArray(raw) || raw.length > 1 || raw.some((type) => type !== 'ReportBatchItemFailures')) {
    throw new EventDefinitionError(where, 'must be [] or [ReportBatchItemFailures]');
  }
  return raw.length === 1;
}

function readMetricsConfig(raw: unknown, pathOf: (inner: string) => string): ReadonlySet<MetricGroup> {
  if (raw === undefined) return new Set();
  if (!isObject(raw)) throw new EventDefinitionError(pathOf(''), 'must be { Metrics: [EventCount | ErrorCount | KafkaMetrics] }');
  rejectUnknownKeys(raw, new Set(['Metrics']), pathOf(''), 'property');
  const metrics = raw.Metrics ?? [];
  if (!Array.isArray(metrics) || metrics.length > 3)
    throw new EventDefinitionError(pathOf('.Metrics'), 'must list up to 3 of EventCount, ErrorCount, KafkaMetrics');
  const groups = new Set<MetricGroup>();
  metrics.forEach((group: unknown, index) => {
    if (typeof group !== 'string' || !METRIC_GROUPS.has(group)) {
      throw new EventDefinitionError(pathOf(`.Metrics[${index}]`), 'must be EventCount, ErrorCount or KafkaMetrics');
    }
    if (groups.has(group as MetricGroup)) throw new EventDefinitionError(pathOf(`.Metrics[${index}]`), `${group} is listed twice`);
    groups.add(group as MetricGroup);
  });
  return groups;
}
