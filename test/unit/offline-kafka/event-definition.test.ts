import { readEventDefinitions, type ServiceDescription } from '../../../plugins/offline-kafka/event-definition';
import { OSLS_NAMING } from './osls-naming';

const LOCAL = ['127.0.0.1:9092'];
const ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/tributary/abc-1';
const KAFKA_ID = 'TransformEventSourceMappingKafkaUsersraw';
const MSK_ID = 'TransformEventSourceMappingMSKTributaryUsersclean';

function service(events: unknown[], settings?: unknown, extensions?: unknown, key = 'transform'): ServiceDescription {
  return { region: 'eu-west-1', functions: [{ key, name: `tributary-dev-${key}`, events }], settings, extensions, naming: OSLS_NAMING };
}

const kafkaEvent = (extra: Record<string, unknown> = {}) => ({
  kafka: { topic: 'users.raw', bootstrapServers: ['broker-1:9092', 'broker-2:9092'], accessConfigurations: { vpcSubnet: ['subnet-1'] }, ...extra },
});
const mskEvent = (extra: Record<string, unknown> = {}) => ({ msk: { arn: ARN, topic: 'users.clean', ...extra } });

const read = (events: unknown[], settings?: unknown, extensions?: unknown) => readEventDefinitions(service(events, settings, extensions), LOCAL);
const only = (events: unknown[], settings?: unknown, extensions?: unknown) => {
  const { mappings } = read(events, settings, extensions);
  expect(mappings).toHaveLength(1);
  return mappings[0]!;
};
const extended = (properties: Record<string, unknown>, id = KAFKA_ID) => ({ [id]: { Properties: properties } });

describe('readEventDefinitions: the events', () => {
  it("applies AWS's defaults to a kafka event", () => {
    const mapping = only([kafkaEvent()]);
    expect(mapping).toMatchObject({
      logicalId: KAFKA_ID,
      functionKey: 'transform',
      functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:tributary-dev-transform',
      type: 'kafka',
      topic: 'users.raw',
      brokers: ['broker-1:9092', 'broker-2:9092'],
      source: { eventSource: 'SelfManagedKafka', bootstrapServers: 'broker-1:9092,broker-2:9092' },
      batchSize: 100,
      maximumBatchingWindowMs: 500,
      startingPosition: 'TRIM_HORIZON',
      startingPositionTimestampMs: undefined,
      consumerGroupId: 'tributary-dev-transform-users.raw',
      enabled: true,
      filterPatternCount: 0,
      onFailure: undefined,
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: undefined,
      bisectBatchOnFunctionError: false,
      reportBatchItemFailures: false,
      pollers: { minimum: 1, maximum: 1, provisioned: false },
      schemaRegistry: undefined,
      retryBackoff: { initialMs: 1000, maxMs: 60_000 },
      reconnectBackoff: { initialMs: 1000, maxMs: 30_000 },
    });
    expect(mapping.metrics.size).toBe(0);
    expect(mapping.filter({ value: 'anything' })).toBe(true);
  });

  it("maps an msk event to the local brokers, keeping the ARN for the payload, under osls's MSK logical id", () => {
    const mapping = only([mskEvent({ batchSize: 10, maximumBatchingWindow: 2 })]);
    expect(mapping).toMatchObject({
      logicalId: MSK_ID,
      type: 'msk',
      brokers: LOCAL,
      source: { eventSource: 'aws:kafka', eventSourceArn: ARN, bootstrapServers: '127.0.0.1:9092' },
      batchSize: 10,
      maximumBatchingWindowMs: 2000,
    });
  });

  it('takes maximumBatchingWindow 0 as the template has it (left out: 500 ms), and says how to get no window', () => {
    const { mappings, warnings } = read([kafkaEvent({ maximumBatchingWindow: 0 })]);
    expect(mappings[0]?.maximumBatchingWindowMs).toBe(500);
    expect(warnings).toEqual([expect.stringContaining(`set resources.extensions.${KAFKA_ID}.Properties.MaximumBatchingWindowInSeconds: 0`)]);
    expect(only([kafkaEvent({ maximumBatchingWindow: 0 })], undefined, extended({ MaximumBatchingWindowInSeconds: 0 })).maximumBatchingWindowMs).toBe(0);
  });

  it('gives an msk ARN written as a CloudFormation reference a placeholder, with a warning', () => {
    const { mappings, warnings } = read([mskEvent({ arn: { 'Fn::ImportValue': 'Cluster' } })]);
    expect(mappings[0]).toMatchObject({
      logicalId: 'TransformEventSourceMappingMSKClusterUsersclean',
      source: { eventSourceArn: 'arn:aws:kafka:eu-west-1:000000000000:cluster/offline/transform' },
    });
    expect(warnings).toEqual([expect.stringContaining('CloudFormation reference')]);
  });

  it('lets custom.offlineKafka.brokers override bootstrapServers and MSK alike', () => {
    const { mappings } = read([kafkaEvent(), mskEvent()], { brokers: 'localhost:19092, localhost:19093' });
    for (const mapping of mappings) {
      expect(mapping.brokers).toEqual(['localhost:19092', 'localhost:19093']);
      expect(mapping.source.bootstrapServers).toBe('localhost:19092,localhost:19093');
    }
  });

  it('connects msk events to custom.offlineKafka.mskBrokers, which kafka events ignore', () => {
    const { mappings } = readEventDefinitions(service([kafkaEvent(), mskEvent()], { mskBrokers: ['10.0.0.1:9092'] }));
    expect(mappings.map((m) => m.brokers)).toEqual([['broker-1:9092', 'broker-2:9092'], ['10.0.0.1:9092']]);
  });

  it('accepts comma-separated bootstrapServers entries, as a stage parameter delivers them', () => {
    expect(only([kafkaEvent({ bootstrapServers: ['a:1,b:2'] })]).brokers).toEqual(['a:1', 'b:2']);
  });

  it('reads startingPosition, AT_TIMESTAMP in seconds, consumerGroupId, enabled, filterPatterns and provisionedPollerConfig', () => {
    const mapping = only([
      kafkaEvent({
        startingPosition: 'AT_TIMESTAMP',
        startingPositionTimestamp: 1_700_000_000.5,
        consumerGroupId: 'tributary/transform:v1',
        enabled: false,
        filterPatterns: [{ value: { country: ['NL'] } }],
        provisionedPollerConfig: { minimumPollers: 2, maximumPollers: 4 },
      }),
    ]);
    expect(mapping).toMatchObject({
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestampMs: 1_700_000_000_500,
      consumerGroupId: 'tributary/transform:v1',
      enabled: false,
      filterPatternCount: 1,
      pollers: { minimum: 2, maximum: 4, provisioned: true },
    });
    expect(mapping.filter({ value: { country: 'NL' } })).toBe(true);
    expect(mapping.filter({ value: { country: 'BE' } })).toBe(false);
  });

  it('caps infinite retries at 10 once an on-failure destination is set, as AWS does', () => {
    expect(only([kafkaEvent({ onFailureDestination: 'kafka://users.dlq' })]).maximumRetryAttempts).toBe(10);
    expect(only([kafkaEvent({ onFailureDestination: 'kafka://users.dlq' })], undefined, extended({ MaximumRetryAttempts: 0 })).maximumRetryAttempts).toBe(0);
  });

  it('keeps a destination offline cannot reach, with a warning', () => {
    const { mappings, warnings } = read([kafkaEvent({ onFailureDestination: 'arn:aws:sqs:us-east-1:1:dlq' })]);
    expect(mappings[0]?.onFailure).toEqual({ kind: 'unsupported', uri: 'arn:aws:sqs:us-east-1:1:dlq' });
    expect(warnings).toEqual([expect.stringContaining('not emulated offline')]);
  });

  it('returns one mapping per kafka or msk event, ignoring other events', () => {
    expect(read([{ schedule: 'rate(1 minute)' }, kafkaEvent(), mskEvent()]).mappings.map((m) => m.type)).toEqual(['kafka', 'msk']);
  });

  it.each([
    [{ batchSize: -1 }, 'kafka.batchSize: must be a number from 1 to 10000'],
    [{ batchSize: 10_001 }, 'kafka.batchSize: must be a number from 1 to 10000'],
    [{ batchSize: 2.5 }, 'kafka.batchSize: must be an integer from 1 to 10000'],
    [{ batchSize: '5' }, 'kafka.batchSize: must be a number from 1 to 10000'],
    [{ maximumBatchingWindow: 301 }, 'kafka.maximumBatchingWindow: must be a number from 0 to 300'],
    [{ maximumBatchingWindow: 0.5 }, 'kafka.maximumBatchingWindow: must be an integer from 0 to 300'],
    [{ startingPosition: 'EARLIEST' }, 'kafka.startingPosition: must be TRIM_HORIZON, LATEST or AT_TIMESTAMP'],
    [{ startingPosition: 'AT_TIMESTAMP' }, 'kafka.startingPositionTimestamp: is required when startingPosition is AT_TIMESTAMP'],
    [{ startingPositionTimestamp: 5 }, 'kafka.startingPositionTimestamp: is only valid with startingPosition AT_TIMESTAMP'],
    [{ consumerGroupId: 'has space' }, 'kafka.consumerGroupId: "has space" must be at most 200'],
    [{ consumerGroupId: 'x'.repeat(201) }, 'must be at most 200'],
    [{ enabled: 'yes' }, 'kafka.enabled: must be true or false'],
    [{ topic: '' }, 'kafka.topic: must be a non-empty string'],
    [{ bootstrapServers: ['no-port'] }, 'kafka.bootstrapServers: "no-port" is not host:port'],
    [{ filterPatterns: [{ nope: { a: ['b'] } }] }, 'kafka.filterPatterns[0].nope: Kafka event sources only filter on "value"'],
    [{ filterPatterns: { value: {} } }, 'kafka.filterPatterns: must be { Filters: [{ Pattern }] }'],
    [{ onFailureDestination: 'kafka://users.raw' }, 'kafka.onFailureDestination: must differ from the source topic users.raw'],
    [{ onFailureDestination: 'kafka://' }, 'kafka:// needs a topic name'],
    [{ provisionedPollerConfig: { minimumPollers: 0 } }, 'kafka.provisionedPollerConfig.minimumPollers: must be a number from 1 to 200'],
    [{ provisionedPollerConfig: { minimumPollers: 5, maximumPollers: 2 } }, 'kafka.provisionedPollerConfig.minimumPollers: 5 is above MaximumPollers 2'],
    [{ destinations: { onFailure: 'kafka://x' } }, 'destinations: unknown property for a kafka event'],
  ])('rejects the kafka event %j', (extra, message) => {
    expect(() => read([kafkaEvent(extra)])).toThrow(message);
  });

  it('names where the problem is', () => {
    expect(() => read([{ schedule: 'x' }, kafkaEvent({ batchSize: -1 })])).toThrow(
      'functions.transform.events[1].kafka.batchSize: must be a number from 1 to 10000',
    );
  });

  it('rejects an msk event without arn', () => {
    expect(() => read([{ msk: { topic: 't' } }])).toThrow('functions.transform.events[0].msk.arn: is required');
  });
});

describe('readEventDefinitions: custom.offlineKafka', () => {
  it('reads the offline settings, with their defaults', () => {
    expect(read([kafkaEvent()]).settings).toEqual({ scalingIntervalMs: 5000, metricsIntervalMs: 60_000, metricsFile: '.stack/run/offline-kafka/metrics.json' });
    const settings = { scalingIntervalMs: 250, metricsIntervalMs: 1000, metricsFile: null, retryBackoff: { initialMs: 50 } };
    const definitions = read([kafkaEvent()], settings);
    expect(definitions.settings).toEqual({ scalingIntervalMs: 250, metricsIntervalMs: 1000, metricsFile: null });
    expect(definitions.mappings[0]?.retryBackoff).toEqual({ initialMs: 50, maxMs: 60_000 });
  });

  it('still honours the settings that now have a CloudFormation property, with one deprecation line each naming it', () => {
    const { mappings, warnings } = read([mskEvent()], {
      functions: {
        transform: {
          maximumRetryAttempts: 3,
          bisectBatchOnFunctionError: true,
          functionResponseTypes: ['ReportBatchItemFailures'],
          onFailureDestination: 'kafka://users.dlq',
        },
      },
    });
    expect(mappings[0]).toMatchObject({
      maximumRetryAttempts: 3,
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
      onFailure: { kind: 'kafka', topic: 'users.dlq', uri: 'kafka://users.dlq' },
    });
    const at = `resources.extensions.${MSK_ID}.Properties`;
    expect(warnings.filter((w) => w.includes('is deprecated'))).toEqual([
      `custom.offlineKafka.functions.transform.maximumRetryAttempts is deprecated: set ${at}.MaximumRetryAttempts instead, which sls package carries to AWS`,
      `custom.offlineKafka.functions.transform.bisectBatchOnFunctionError is deprecated: set ${at}.BisectBatchOnFunctionError instead, which sls package carries to AWS`,
      `custom.offlineKafka.functions.transform.functionResponseTypes is deprecated: set ${at}.FunctionResponseTypes instead, which sls package carries to AWS`,
      `custom.offlineKafka.functions.transform.onFailureDestination is deprecated: set ${at}.DestinationConfig.OnFailure.Destination instead, which sls package carries to AWS`,
    ]);
  });

  it.each([
    [{ retries: 3 }, 'custom.offlineKafka.retries: unknown setting'],
    [{ functions: { sink: {} } }, 'custom.offlineKafka.functions.sink: no function with that name'],
    [
      { functions: { transform: { maximumRetryAttempts: -2 } } },
      'custom.offlineKafka.functions.transform.maximumRetryAttempts: must be a number from -1 to 10000',
    ],
    [{ functions: { transform: { functionResponseTypes: ['Partial'] } } }, 'transform.functionResponseTypes: must be [] or [ReportBatchItemFailures]'],
    [{ functions: { transform: { bisect: true } } }, 'custom.offlineKafka.functions.transform.bisect: unknown setting'],
    [{ retryBackoff: { initialMs: 500, maxMs: 100 } }, 'custom.offlineKafka.retryBackoff: maxMs must not be below initialMs'],
    [{ brokers: [] }, 'custom.offlineKafka.brokers: must be a non-empty list of host:port'],
    [{ scalingIntervalMs: 10 }, 'custom.offlineKafka.scalingIntervalMs: must be a number from 100 to 3600000'],
    [{ metricsFile: 3 }, 'custom.offlineKafka.metricsFile: must be a file path, or null for none'],
  ])('rejects custom.offlineKafka %j', (settings, message) => {
    expect(() => read([mskEvent()], settings)).toThrow(message);
  });

  it('refuses a deprecated setting that the extension sets too', () => {
    expect(() => read([kafkaEvent()], { functions: { transform: { maximumRetryAttempts: 1 } } }, extended({ MaximumRetryAttempts: 2 }))).toThrow(
      `resources.extensions.${KAFKA_ID}.Properties.MaximumRetryAttempts: is also set by custom.offlineKafka.functions.transform.maximumRetryAttempts (deprecated); keep only this one`,
    );
  });
});
