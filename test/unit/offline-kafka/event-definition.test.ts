import { readEventDefinitions, type ServiceDescription } from '../../../plugins/offline-kafka/event-definition';

const LOCAL = ['127.0.0.1:9092'];
const ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/tributary/abc-1';

function service(events: unknown[], settings?: unknown, key = 'transform'): ServiceDescription {
  return { region: 'eu-west-1', functions: [{ key, name: `tributary-dev-${key}`, events }], settings };
}

const kafkaEvent = (extra: Record<string, unknown> = {}) => ({
  kafka: { topic: 'users.raw', bootstrapServers: ['broker-1:9092', 'broker-2:9092'], accessConfigurations: { saslScram512Auth: ['arn:x'] }, ...extra },
});
const mskEvent = (extra: Record<string, unknown> = {}) => ({ msk: { arn: ARN, topic: 'users.clean', ...extra } });

const only = (events: unknown[], settings?: unknown) => {
  const { mappings } = readEventDefinitions(service(events, settings), LOCAL);
  expect(mappings).toHaveLength(1);
  return mappings[0]!;
};

describe('readEventDefinitions', () => {
  it("applies AWS's defaults to a kafka event", () => {
    const mapping = only([kafkaEvent()]);
    expect(mapping).toMatchObject({
      functionKey: 'transform',
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
      bisectBatchOnFunctionError: false,
      reportBatchItemFailures: false,
      retryBackoff: { initialMs: 1000, maxMs: 60_000 },
      reconnectBackoff: { initialMs: 1000, maxMs: 30_000 },
    });
    expect(mapping.filter({ value: 'anything' })).toBe(true);
  });

  it('maps an msk event to the local brokers, keeping the ARN for the payload', () => {
    const mapping = only([mskEvent({ batchSize: 10, maximumBatchingWindow: 0 })]);
    expect(mapping).toMatchObject({
      type: 'msk',
      brokers: LOCAL,
      source: { eventSource: 'aws:kafka', eventSourceArn: ARN, bootstrapServers: '127.0.0.1:9092' },
      batchSize: 10,
      maximumBatchingWindowMs: 0,
    });
  });

  it('gives an msk ARN written as a CloudFormation reference a placeholder, with a warning', () => {
    const { mappings, warnings } = readEventDefinitions(service([mskEvent({ arn: { 'Fn::ImportValue': 'Cluster' } })]), LOCAL);
    expect(mappings[0]?.source).toMatchObject({ eventSourceArn: 'arn:aws:kafka:eu-west-1:000000000000:cluster/offline/transform' });
    expect(warnings).toEqual([expect.stringContaining('CloudFormation reference')]);
  });

  it('lets custom.offlineKafka.brokers override bootstrapServers and MSK alike', () => {
    const { mappings } = readEventDefinitions(service([kafkaEvent(), mskEvent()], { brokers: 'localhost:19092, localhost:19093' }), LOCAL);
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

  it('reads the settings serverless.yml cannot express from custom.offlineKafka.functions', () => {
    const mapping = only([mskEvent()], {
      retryBackoff: { initialMs: 50 },
      functions: {
        transform: {
          maximumRetryAttempts: 3,
          bisectBatchOnFunctionError: true,
          functionResponseTypes: ['ReportBatchItemFailures'],
          onFailureDestination: 'kafka://users.dlq',
        },
      },
    });
    expect(mapping).toMatchObject({
      maximumRetryAttempts: 3,
      bisectBatchOnFunctionError: true,
      reportBatchItemFailures: true,
      onFailure: { kind: 'kafka', topic: 'users.dlq', uri: 'kafka://users.dlq' },
      retryBackoff: { initialMs: 50, maxMs: 60_000 },
    });
  });

  it('caps infinite retries at 10 once an on-failure destination is set, as AWS does', () => {
    expect(only([kafkaEvent({ onFailureDestination: 'kafka://users.dlq' })]).maximumRetryAttempts).toBe(10);
    const explicit = only([kafkaEvent({ onFailureDestination: 'kafka://users.dlq' })], { functions: { transform: { maximumRetryAttempts: 0 } } });
    expect(explicit.maximumRetryAttempts).toBe(0);
  });

  it('keeps a destination offline cannot reach, with a warning', () => {
    const { mappings, warnings } = readEventDefinitions(service([kafkaEvent({ onFailureDestination: 'arn:aws:sqs:us-east-1:1:dlq' })]), LOCAL);
    expect(mappings[0]?.onFailure).toEqual({ kind: 'unsupported', uri: 'arn:aws:sqs:us-east-1:1:dlq' });
    expect(warnings).toEqual([expect.stringContaining('not emulated offline')]);
  });

  it('reads startingPosition, AT_TIMESTAMP in seconds, consumerGroupId, enabled and filterPatterns', () => {
    const mapping = only([
      kafkaEvent({
        startingPosition: 'AT_TIMESTAMP',
        startingPositionTimestamp: 1_700_000_000.5,
        consumerGroupId: 'tributary/transform:v1',
        enabled: false,
        filterPatterns: [{ value: { country: ['NL'] } }],
      }),
    ]);
    expect(mapping).toMatchObject({
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestampMs: 1_700_000_000_500,
      consumerGroupId: 'tributary/transform:v1',
      enabled: false,
      filterPatternCount: 1,
    });
    expect(mapping.filter({ value: { country: 'NL' } })).toBe(true);
    expect(mapping.filter({ value: { country: 'BE' } })).toBe(false);
  });

  it('returns one mapping per kafka or msk event, ignoring other events', () => {
    const { mappings } = readEventDefinitions(service([{ schedule: 'rate(1 minute)' }, kafkaEvent(), mskEvent()]), LOCAL);
    expect(mappings.map((m) => m.type)).toEqual(['kafka', 'msk']);
  });

  it.each([
    [{ batchSize: 0 }, 'batchSize: must be a number from 1 to 10000'],
    [{ batchSize: 10_001 }, 'batchSize: must be a number from 1 to 10000'],
    [{ batchSize: 2.5 }, 'batchSize: must be an integer from 1 to 10000'],
    [{ batchSize: '5' }, 'batchSize: must be a number from 1 to 10000'],
    [{ maximumBatchingWindow: 301 }, 'maximumBatchingWindow: must be a number from 0 to 300'],
    [{ maximumBatchingWindow: -1 }, 'maximumBatchingWindow: must be a number from 0 to 300'],
    [{ startingPosition: 'EARLIEST' }, 'startingPosition: must be TRIM_HORIZON, LATEST or AT_TIMESTAMP'],
    [{ startingPosition: 'AT_TIMESTAMP' }, 'startingPositionTimestamp: is required when startingPosition is AT_TIMESTAMP'],
    [{ startingPositionTimestamp: 5 }, 'startingPositionTimestamp: is only valid with startingPosition AT_TIMESTAMP'],
    [{ consumerGroupId: 'has space' }, 'consumerGroupId: "has space" must be at most 200'],
    [{ consumerGroupId: 'x'.repeat(201) }, 'must be at most 200'],
    [{ enabled: 'yes' }, 'enabled: must be true or false'],
    [{ topic: '' }, 'topic: must be a non-empty string'],
    [{ bootstrapServers: ['no-port'] }, 'bootstrapServers: "no-port" is not host:port'],
    [{ filterPatterns: [{ key: { a: ['b'] } }] }, 'filterPatterns[0].key: Kafka event sources only filter on "value"'],
    [{ onFailureDestination: 'kafka://users.raw' }, 'must differ from the source topic users.raw'],
    [{ onFailureDestination: 'kafka://' }, 'kafka:// needs a topic name'],
    [{ destinations: { onFailure: 'kafka://x' } }, 'destinations: unknown property for a kafka event'],
  ])('rejects %j', (extra, message) => {
    expect(() => readEventDefinitions(service([kafkaEvent(extra)]), LOCAL)).toThrow(message);
  });

  it('names where the problem is', () => {
    expect(() => readEventDefinitions(service([{ schedule: 'x' }, kafkaEvent({ batchSize: 0 })]), LOCAL)).toThrow(
      'functions.transform.events[1].kafka.batchSize: must be a number from 1 to 10000',
    );
  });

  it.each([
    [{ retries: 3 }, 'custom.offlineKafka.retries: unknown setting'],
    [{ functions: { sink: {} } }, 'custom.offlineKafka.functions.sink: no function with that name'],
    [{ functions: { transform: { maximumRetryAttempts: -2 } } }, 'maximumRetryAttempts: must be a number from -1 to 10000'],
    [{ functions: { transform: { functionResponseTypes: ['Partial'] } } }, 'functionResponseTypes: must be [] or [ReportBatchItemFailures]'],
    [{ functions: { transform: { bisect: true } } }, 'custom.offlineKafka.functions.transform.bisect: unknown setting'],
    [{ retryBackoff: { initialMs: 500, maxMs: 100 } }, 'custom.offlineKafka.retryBackoff: maxMs must not be below initialMs'],
    [{ brokers: [] }, 'custom.offlineKafka.brokers: must be a non-empty list of host:port'],
  ])('rejects custom.offlineKafka %j', (settings, message) => {
    expect(() => readEventDefinitions(service([mskEvent()], settings), LOCAL)).toThrow(message);
  });

  it('rejects an msk event without arn', () => {
    expect(() => readEventDefinitions(service([{ msk: { topic: 't' } }]), LOCAL)).toThrow('functions.transform.events[0].msk.arn: is required');
  });
});
