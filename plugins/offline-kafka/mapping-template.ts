/**
 * The AWS::Lambda::EventSourceMapping resource `sls package` writes for one `kafka` or `msk` event:
 * its logical id (osls's own naming, handed in), the Properties osls compiles from the event, and
 * `resources.extensions.<LogicalId>.Properties` merged over them the way osls merges them (a shallow
 * assign: a top-level property given there replaces the generated one). The plugin reads the
 * mapping from these merged Properties, so offline honours exactly what the template carries.
 * Every property remembers where it was written, so a refused value names its place in serverless.yml.
 */
import { isObject } from './config-values';
import { EventDefinitionError } from './errors';
import { compileAccessConfigurations } from './mapping-access';

export type EventSourceType = 'kafka' | 'msk';

/** osls's provider.naming, for the two mapping kinds (plugin.ts passes the real one). */
export interface MappingNaming {
  kafka(functionKey: string, topic: string): string;
  msk(functionKey: string, clusterToken: string, topic: string): string;
}

/** custom.offlineKafka.functions.<fn> settings that now have a CloudFormation property (deprecated). */
export type DeprecatedSettings = Partial<Record<DeprecatedSetting, unknown>>;
export type DeprecatedSetting = keyof typeof DEPRECATED_PROPERTIES;

export const DEPRECATED_PROPERTIES = {
  maximumRetryAttempts: 'MaximumRetryAttempts',
  bisectBatchOnFunctionError: 'BisectBatchOnFunctionError',
  functionResponseTypes: 'FunctionResponseTypes',
  onFailureDestination: 'DestinationConfig',
} as const;

export interface MappingTemplate {
  logicalId: string;
  properties: Readonly<Record<string, unknown>>;
  /** Where `property` (and `inner`, e.g. ".OnFailure.Destination") was written. */
  pathOf(property: string, inner?: string): string;
  /** One line per deprecated custom setting this mapping took. */
  deprecations: string[];
}

export interface TemplateInput {
  type: EventSourceType;
  functionKey: string;
  event: Record<string, unknown>;
  /** The event's path, e.g. functions.transform.events[0].kafka */
  where: string;
  naming: MappingNaming;
  /** `resources.extensions`, unvalidated. */
  extensions: unknown;
  deprecated: { settings: DeprecatedSettings; where: string } | undefined;
}

/** Which event key osls compiles each property from. */
const EVENT_KEYS_OF: Record<string, string> = {
  Topics: 'topic',
  StartingPosition: 'startingPosition',
  StartingPositionTimestamp: 'startingPositionTimestamp',
  SelfManagedEventSource: 'bootstrapServers',
  SourceAccessConfigurations: 'accessConfigurations',
  EventSourceArn: 'arn',
  BatchSize: 'batchSize',
  MaximumBatchingWindowInSeconds: 'maximumBatchingWindow',
  Enabled: 'enabled',
  SelfManagedKafkaEventSourceConfig: 'consumerGroupId',
  AmazonManagedKafkaEventSourceConfig: 'consumerGroupId',
  FilterCriteria: 'filterPatterns',
  DestinationConfig: 'onFailureDestination',
  ProvisionedPollerConfig: 'provisionedPollerConfig',
};

export function buildTemplate(input: TemplateInput): MappingTemplate {
  const { type, functionKey, event, where, naming } = input;
  const topic = String(event.topic);
  const logicalId = type === 'kafka' ? naming.kafka(functionKey, topic) : naming.msk(functionKey, mskClusterToken(event.arn), topic);
  const extensionWhere = `resources.extensions.${logicalId}.Properties`;
  const properties = generatedProperties(type, event);
  const origins = new Map<string, (inner: string) => string>(Object.keys(properties).map((name) => [name, eventPath(where, name)]));
  const deprecations: string[] = [];

  if (input.deprecated) {
    const { settings, where: settingsWhere } = input.deprecated;
    for (const [setting, property] of Object.entries(DEPRECATED_PROPERTIES) as Array<[DeprecatedSetting, string]>) {
      if (settings[setting] === undefined) continue;
      const value = settings[setting];
      properties[property] = setting === 'onFailureDestination' ? { OnFailure: { Destination: value } } : value;
      origins.set(property, () => `${settingsWhere}.${setting}`);
      deprecations.push(
        `${settingsWhere}.${setting} is deprecated: set ${extensionWhere}.${property}${setting === 'onFailureDestination' ? '.OnFailure.Destination' : ''} instead, which sls package carries to AWS`,
      );
    }
  }

  const extension = isObject(input.extensions) ? input.extensions[logicalId] : undefined;
  if (extension !== undefined) {
    if (!isObject(extension)) throw new EventDefinitionError(`resources.extensions.${logicalId}`, 'must be an object');
    const extended = extension.Properties;
    if (extended !== undefined && !isObject(extended)) throw new EventDefinitionError(extensionWhere, 'must be an object');
    for (const [name, value] of Object.entries(extended ?? {})) {
      const earlier = origins.get(name)?.('');
      if (earlier?.startsWith('custom.')) {
        throw new EventDefinitionError(`${extensionWhere}.${name}`, `is also set by ${earlier} (deprecated); keep only this one`);
      }
      properties[name] = value;
      origins.set(name, (inner) => `${extensionWhere}.${name}${inner}`);
    }
  }

  return {
    logicalId,
    properties,
    // A property written nowhere is named where the event would write it, else in the extension.
    pathOf: (property, inner = '') =>
      (origins.get(property) ?? (property in EVENT_KEYS_OF ? eventPath(where, property) : (rest: string) => `${extensionWhere}.${property}${rest}`))(inner),
    deprecations,
  };
}

/** The Properties osls 4 compiles from the event (compile/events/kafka.js and msk/index.js), minus IAM-only ones. */
export function generatedProperties(type: EventSourceType, event: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  if (type === 'msk') properties.EventSourceArn = event.arn;
  properties.StartingPosition = event.startingPosition || 'TRIM_HORIZON';
  if (type === 'kafka' && event.bootstrapServers !== undefined) {
    properties.SelfManagedEventSource = { Endpoints: { KafkaBootstrapServers: event.bootstrapServers } };
  }
  properties.Topics = [event.topic];
  if (type === 'kafka' && event.accessConfigurations !== undefined)
    properties.SourceAccessConfigurations = compileAccessConfigurations(event.accessConfigurations);
  if (type === 'msk' && event.saslScram512 != null) properties.SourceAccessConfigurations = [{ Type: 'SASL_SCRAM_512_AUTH', URI: event.saslScram512 }];
  // osls writes these only when truthy: `maximumBatchingWindow: 0` leaves AWS's 500 ms default.
  if (event.batchSize) properties.BatchSize = event.batchSize;
  if (event.maximumBatchingWindow) properties.MaximumBatchingWindowInSeconds = event.maximumBatchingWindow;
  if (event.enabled !== undefined && event.enabled !== null) properties.Enabled = event.enabled;
  if (event.consumerGroupId) {
    properties[type === 'kafka' ? 'SelfManagedKafkaEventSourceConfig' : 'AmazonManagedKafkaEventSourceConfig'] = { ConsumerGroupId: event.consumerGroupId };
  }
  if (event.startingPositionTimestamp !== undefined && event.startingPositionTimestamp !== null) {
    properties.StartingPositionTimestamp = event.startingPositionTimestamp;
  }
  const patterns = event.filterPatterns;
  if (patterns) properties.FilterCriteria = { Filters: Array.isArray(patterns) ? patterns.map((pattern) => ({ Pattern: JSON.stringify(pattern) })) : patterns };
  if (type === 'kafka' && event.onFailureDestination) properties.DestinationConfig = { OnFailure: { Destination: event.onFailureDestination } };
  const pollers = event.provisionedPollerConfig;
  if (isObject(pollers)) {
    properties.ProvisionedPollerConfig = {
      ...(pollers.minimumPollers !== undefined && { MinimumPollers: pollers.minimumPollers }),
      ...(pollers.maximumPollers !== undefined && { MaximumPollers: pollers.maximumPollers }),
    };
  } else if (pollers !== undefined) {
    properties.ProvisionedPollerConfig = pollers;
  }
  return properties;
}

/** osls's get-msk-cluster-name-token: the cluster part of the ARN, or the name an import or Ref gives. */
function mskClusterToken(arn: unknown): string {
  if (isObject(arn)) return String(arn['Fn::ImportValue'] ?? arn.Ref ?? '');
  return String(arn).split('/')[1] ?? '';
}

function eventPath(where: string, property: string): (inner: string) => string {
  const key = EVENT_KEYS_OF[property] ?? property;
  return (inner) => {
    if (property === 'ProvisionedPollerConfig') return `${where}.${key}${inner.replace(/\.(\w)/g, (_, first: string) => `.${first.toLowerCase()}`)}`;
    if (property === 'FilterCriteria') return `${where}.${key}${/^\.Filters(\[\d+\])/.exec(inner)?.[1] ?? ''}`;
    return `${where}.${key}`;
  };
}
