/**
 * Reads every function's `kafka` and `msk` events, each mapping's `resources.extensions` and the
 * `custom.offlineKafka` section once: the event becomes the CloudFormation Properties `sls package`
 * writes, the extension is merged over them as osls merges it (mapping-template.ts), and those
 * Properties are read with AWS's defaults and limits (mapping-properties.ts). What AWS would refuse
 * is refused here, naming where it was written. The result is the whole description the consumers
 * run from; nothing else reads serverless.yml.
 */
import { brokerList, isObject, requiredString } from './config-values';
import { EventDefinitionError } from './errors';
import type { KafkaEventSource } from './event';
import { type MappingAccess, readMappingAccess } from './mapping-access';
import { type MappingProperties, readMappingProperties } from './mapping-properties';
import { buildTemplate, type EventSourceType, type MappingNaming } from './mapping-template';
import { type Backoff, type PluginSettings, readSettings } from './plugin-settings';

export type { EventSourceType } from './mapping-template';
export type { MetricGroup, OnFailureDestination, StartingPosition } from './mapping-properties';

export interface EventSourceMapping extends Omit<MappingProperties, 'bootstrapServers' | 'eventSourceArn' | 'consumerGroupId'> {
  /** The AWS::Lambda::EventSourceMapping's logical id in the packaged template. */
  logicalId: string;
  functionKey: string;
  /** The function's ARN as offline names it (account 000000000000), for on-failure records. */
  functionArn: string;
  type: EventSourceType;
  /** Brokers the consumer connects to. */
  brokers: string[];
  source: KafkaEventSource;
  consumerGroupId: string;
  /** The local files its SourceAccessConfigurations and registry AccessConfigs resolve to. */
  access: MappingAccess;
  retryBackoff: Backoff;
  reconnectBackoff: Backoff;
}

/** What the plugin hands over from the serverless instance: plain data, so this module stays pure. */
export interface ServiceDescription {
  region: string;
  functions: Array<{ key: string; name: string; events: readonly unknown[] }>;
  /** `custom.offlineKafka`, unvalidated. */
  settings: unknown;
  /** `resources.extensions`, unvalidated. */
  extensions: unknown;
  naming: MappingNaming;
}

export interface EventDefinitions {
  mappings: EventSourceMapping[];
  /** Things offline cannot do the way AWS would, and deprecated settings; the plugin logs them at start. */
  warnings: string[];
  settings: Pick<PluginSettings, 'scalingIntervalMs' | 'metricsIntervalMs' | 'metricsFile'>;
}

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
/** Where `msk` events connect offline when no setting says (their ARN names no broker reachable from here). */
export const DEFAULT_MSK_BROKERS: readonly string[] = ['127.0.0.1:9092'];

/**
 * @param localBrokers where `msk` ARNs point offline unless `custom.offlineKafka.brokers` or
 *   `custom.offlineKafka.mskBrokers` says otherwise.
 */
export function readEventDefinitions(service: ServiceDescription, localBrokers: readonly string[] = DEFAULT_MSK_BROKERS): EventDefinitions {
  const settings = readSettings(service.settings, new Set(service.functions.map((f) => f.key)));
  const mappings: EventSourceMapping[] = [];
  const warnings: string[] = [];
  for (const fn of service.functions) {
    fn.events.forEach((event, index) => {
      if (!isObject(event)) return;
      for (const type of ['kafka', 'msk'] as const) {
        if (!(type in event)) continue;
        const where = `functions.${fn.key}.events[${index}].${type}`;
        mappings.push(readEvent(type, event[type], where, fn, service, settings, localBrokers, warnings));
      }
    });
  }
  const { scalingIntervalMs, metricsIntervalMs, metricsFile } = settings;
  return { mappings, warnings, settings: { scalingIntervalMs, metricsIntervalMs, metricsFile } };
}

function readEvent(
  type: EventSourceType,
  raw: unknown,
  where: string,
  fn: ServiceDescription['functions'][number],
  service: ServiceDescription,
  settings: PluginSettings,
  localBrokers: readonly string[],
  warnings: string[],
): EventSourceMapping {
  if (!isObject(raw)) throw new EventDefinitionError(where, 'must be an object');
  for (const key of Object.keys(raw)) {
    if (!EVENT_KEYS[type].has(key)) throw new EventDefinitionError(`${where}.${key}`, `unknown property for a ${type} event`);
  }
  requiredString(raw.topic, `${where}.topic`);
  if (type === 'msk' && raw.arn === undefined) throw new EventDefinitionError(`${where}.arn`, 'is required');
  const deprecated = settings.functions.get(fn.key);
  const template = buildTemplate({
    type,
    functionKey: fn.key,
    event: raw,
    where,
    naming: service.naming,
    extensions: service.extensions,
    deprecated: deprecated && { settings: deprecated, where: `custom.offlineKafka.functions.${fn.key}` },
  });
  warnings.push(...template.deprecations);
  const { bootstrapServers, eventSourceArn, consumerGroupId, ...properties } = readMappingProperties(type, template, warnings);
  if (raw.maximumBatchingWindow === 0 && template.properties.MaximumBatchingWindowInSeconds === undefined) {
    warnings.push(
      `${where}.maximumBatchingWindow: 0 is left out of the template by sls package, so AWS batches for its default 500 ms, and so does offline;` +
        ` for no window set resources.extensions.${template.logicalId}.Properties.MaximumBatchingWindowInSeconds: 0`,
    );
  }

  const sourceConfig = type === 'kafka' ? 'SelfManagedKafkaEventSourceConfig' : 'AmazonManagedKafkaEventSourceConfig';
  const access = readMappingAccess(
    {
      source: template.properties.SourceAccessConfigurations,
      sourceWhere: template.pathOf('SourceAccessConfigurations'),
      registry: properties.schemaRegistry,
      registryWhere: template.pathOf(sourceConfig, '.SchemaRegistryConfig'),
    },
    settings.secrets,
    warnings,
  );

  let brokers: string[];
  let source: KafkaEventSource;
  if (type === 'kafka') {
    const configured = bootstrapServers === undefined ? undefined : brokerList(bootstrapServers, template.pathOf('SelfManagedEventSource'));
    brokers = settings.brokers ?? configured ?? [...localBrokers];
    source = { eventSource: 'SelfManagedKafka', bootstrapServers: brokers.join(',') };
  } else {
    brokers = settings.brokers ?? settings.mskBrokers ?? [...localBrokers];
    let arn = eventSourceArn;
    if (typeof arn !== 'string') {
      arn = `arn:aws:kafka:${service.region}:000000000000:cluster/offline/${fn.key}`;
      warnings.push(`${template.pathOf('EventSourceArn')} is a CloudFormation reference; offline events carry eventSourceArn ${arn}`);
    }
    source = { eventSource: 'aws:kafka', eventSourceArn: arn as string, bootstrapServers: brokers.join(',') };
  }

  return {
    ...properties,
    logicalId: template.logicalId,
    functionKey: fn.key,
    functionArn: `arn:aws:lambda:${service.region}:000000000000:function:${fn.name}`,
    type,
    brokers,
    source,
    consumerGroupId: consumerGroupId ?? `${fn.name}-${properties.topic}`,
    access,
    retryBackoff: settings.retryBackoff,
    reconnectBackoff: settings.reconnectBackoff,
  };
}
