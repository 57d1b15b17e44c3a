/**
 * resources.extensions.<LogicalId>.Properties: what the events cannot express, merged over the
 * generated Properties as osls merges them, read with AWS's limits and refused with their path.
 */
import { readEventDefinitions } from '../../../plugins/offline-kafka/event-definition';
import { OSLS_NAMING } from './osls-naming';

const KAFKA_ID = 'TransformEventSourceMappingKafkaUsersraw';
const MSK_ID = 'TransformEventSourceMappingMSKTributaryUsersclean';
const AT = `resources.extensions.${KAFKA_ID}.Properties`;
const REGISTRY = 'http://127.0.0.1:8081/apis/ccompat/v7';

const kafkaEvent = (extra: Record<string, unknown> = {}) => ({ kafka: { topic: 'users.raw', bootstrapServers: ['127.0.0.1:9092'], ...extra } });
const mskEvent = { msk: { arn: 'arn:aws:kafka:us-east-1:123456789012:cluster/tributary/abc-1', topic: 'users.clean' } };

function read(properties: Record<string, unknown>, event: unknown = kafkaEvent(), id = KAFKA_ID) {
  return readEventDefinitions({
    region: 'us-east-1',
    functions: [{ key: 'transform', name: 'tributary-dev-transform', events: [event] }],
    settings: undefined,
    extensions: { [id]: { Properties: properties } },
    naming: OSLS_NAMING,
  });
}
const mappingOf = (properties: Record<string, unknown>, event?: unknown, id?: string) => read(properties, event, id).mappings[0]!;

describe('mapping properties from resources.extensions', () => {
  it('reads the provisioned-mode settings no event key expresses', () => {
    const mapping = mappingOf({
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 0,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 120,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: 'kafka://users.dlq' } },
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3, PollerGroupName: 'tributary' },
      MetricsConfig: { Metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
      SelfManagedKafkaEventSourceConfig: {
        ConsumerGroupId: 'tributary-transform',
        SchemaRegistryConfig: { SchemaRegistryURI: REGISTRY, EventRecordFormat: 'JSON', SchemaValidationConfigs: [{ Attribute: 'VALUE' }] },
      },
    });
    expect(mapping).toMatchObject({
      batchSize: 500,
      maximumBatchingWindowMs: 0,
      maximumRetryAttempts: 5,
      maximumRecordAgeMs: 120_000,
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
      onFailure: { kind: 'kafka', topic: 'users.dlq' },
      pollers: { minimum: 1, maximum: 3, provisioned: true },
      consumerGroupId: 'tributary-transform',
      schemaRegistry: { uri: REGISTRY, eventRecordFormat: 'JSON', validate: { key: false, value: true } },
    });
    expect([...mapping.metrics]).toEqual(['EventCount', 'ErrorCount', 'KafkaMetrics']);
  });

  it("replaces a generated property whole, as osls merges extensions: a SchemaRegistryConfig alone drops the event's consumerGroupId", () => {
    const registry = { SchemaRegistryURI: REGISTRY, EventRecordFormat: 'SOURCE', SchemaValidationConfigs: [{ Attribute: 'VALUE' }] };
    const mapping = mappingOf({ SelfManagedKafkaEventSourceConfig: { SchemaRegistryConfig: registry } }, kafkaEvent({ consumerGroupId: 'mine' }));
    expect(mapping.consumerGroupId).toBe('tributary-dev-transform-users.raw');
    expect(mapping.schemaRegistry?.eventRecordFormat).toBe('SOURCE');
  });

  it('takes the msk form under AmazonManagedKafkaEventSourceConfig, and a destination msk events cannot name', () => {
    const mapping = mappingOf(
      { AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g' }, DestinationConfig: { OnFailure: { Destination: 'kafka://users.dlq' } } },
      mskEvent,
      MSK_ID,
    );
    expect(mapping).toMatchObject({ consumerGroupId: 'g', onFailure: { kind: 'kafka', topic: 'users.dlq' }, maximumRetryAttempts: 10 });
  });

  it('parses FilterCriteria patterns (JSON strings); `key` is allowed when the registry validates the key', () => {
    const mapping = mappingOf({
      FilterCriteria: { Filters: [{ Pattern: '{"key":{"id":[7]}}' }, { Pattern: '{"value":{"n":[{"numeric":[">",1]}]}}' }] },
      SelfManagedKafkaEventSourceConfig: {
        SchemaRegistryConfig: {
          SchemaRegistryURI: REGISTRY,
          EventRecordFormat: 'JSON',
          SchemaValidationConfigs: [{ Attribute: 'KEY' }, { Attribute: 'VALUE' }],
        },
      },
    });
    expect(mapping.filterPatternCount).toBe(2);
    expect(mapping.filter({ key: { id: 7 }, value: {} })).toBe(true);
    expect(mapping.filter({ key: { id: 8 }, value: { n: 2 } })).toBe(true);
    expect(mapping.filter({ key: { id: 8 }, value: { n: 0 } })).toBe(false);
  });

  it('accepts the properties offline has no use for', () => {
    expect(() =>
      mappingOf({
        FunctionName: 'x',
        Tags: [{ Key: 'a', Value: 'b' }],
        KmsKeyArn: 'arn:aws:kms:us-east-1:1:key/x',
        LoggingConfig: { SystemLogLevel: 'INFO' },
        SourceAccessConfigurations: [],
      }),
    ).not.toThrow();
  });

  it('warns that AWS takes the error handling controls, the registry and a Kafka destination only in provisioned mode', () => {
    const { warnings } = read({ MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: 'kafka://users.dlq' } } });
    expect(warnings).toEqual([
      `${KAFKA_ID}: AWS configures MaximumRetryAttempts, DestinationConfig (a Kafka topic) only in provisioned mode; add ProvisionedPollerConfig so the deployed mapping has them too (offline applies them either way)`,
    ]);
    expect(read({ MaximumRetryAttempts: 1, ProvisionedPollerConfig: { MinimumPollers: 1 } }).warnings).toEqual([]);
  });

  it.each([
    [{ Foo: 1 }, `${AT}.Foo: is not a property of AWS::Lambda::EventSourceMapping`],
    [{ ParallelizationFactor: 2 }, `${AT}.ParallelizationFactor: does not apply to kafka event source mappings`],
    [{ EventSourceArn: 'arn:x' }, `${AT}.EventSourceArn: does not apply to kafka event source mappings`],
    [{ Topics: ['a', 'b'] }, `${AT}.Topics: must list exactly one topic`],
    [{ BatchSize: 0 }, `${AT}.BatchSize: must be a number from 1 to 10000`],
    [{ MaximumBatchingWindowInSeconds: 0.5 }, `${AT}.MaximumBatchingWindowInSeconds: must be an integer from 0 to 300`],
    [{ MaximumRetryAttempts: 10_001 }, `${AT}.MaximumRetryAttempts: must be a number from -1 to 10000`],
    [{ MaximumRecordAgeInSeconds: 30 }, `${AT}.MaximumRecordAgeInSeconds: must be -1 or an integer from 60 to 604800`],
    [{ MaximumRecordAgeInSeconds: 604_801 }, `${AT}.MaximumRecordAgeInSeconds: must be a number from -1 to 604800`],
    [{ BisectBatchOnFunctionError: 'yes' }, `${AT}.BisectBatchOnFunctionError: must be true or false`],
    [{ FunctionResponseTypes: ['ReportBatchItemFailures', 'ReportBatchItemFailures'] }, `${AT}.FunctionResponseTypes: must be [] or [ReportBatchItemFailures]`],
    [{ DestinationConfig: { OnSuccess: { Destination: 'kafka://x' } } }, `${AT}.DestinationConfig.OnSuccess: unknown property (allowed: OnFailure)`],
    [
      { DestinationConfig: { OnFailure: { Destination: 'kafka://users.raw' } } },
      `${AT}.DestinationConfig.OnFailure.Destination: must differ from the source topic users.raw`,
    ],
    [{ ProvisionedPollerConfig: { MaximumPollers: 2001 } }, `${AT}.ProvisionedPollerConfig.MaximumPollers: must be a number from 1 to 2000`],
    [{ ProvisionedPollerConfig: { MinimumPollers: 1.5 } }, `${AT}.ProvisionedPollerConfig.MinimumPollers: must be an integer from 1 to 200`],
    [{ ProvisionedPollerConfig: { Pollers: 2 } }, `${AT}.ProvisionedPollerConfig.Pollers: unknown property`],
    [{ MetricsConfig: { Metrics: ['Latency'] } }, `${AT}.MetricsConfig.Metrics[0]: must be EventCount, ErrorCount or KafkaMetrics`],
    [{ MetricsConfig: { Metrics: ['EventCount', 'EventCount'] } }, `${AT}.MetricsConfig.Metrics[1]: EventCount is listed twice`],
    [{ FilterCriteria: { Filters: [{ Pattern: '{value' }] } }, `${AT}.FilterCriteria.Filters[0].Pattern: is not valid JSON`],
    [
      { FilterCriteria: { Filters: [{ Pattern: '{"value":{"n":[{"bigger":1}]}}' }] } },
      `${AT}.FilterCriteria.Filters[0].Pattern.value.n[0]: unsupported operator "bigger"`,
    ],
    [{ SelfManagedKafkaEventSourceConfig: { GroupId: 'x' } }, `${AT}.SelfManagedKafkaEventSourceConfig.GroupId: unknown property`],
    [
      { SelfManagedKafkaEventSourceConfig: { SchemaRegistryConfig: { EventRecordFormat: 'XML' } } },
      `${AT}.SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig.SchemaRegistryURI`,
    ],
  ])('refuses %j with its path', (properties, message) => {
    expect(() => read(properties)).toThrow(message);
  });

  it('refuses an extension that is not an object', () => {
    expect(() =>
      readEventDefinitions({
        region: 'us-east-1',
        functions: [{ key: 'transform', name: 't', events: [kafkaEvent()] }],
        settings: undefined,
        extensions: { [KAFKA_ID]: { Properties: 'x' } },
        naming: OSLS_NAMING,
      }),
    ).toThrow(`${AT}: must be an object`);
  });
});
