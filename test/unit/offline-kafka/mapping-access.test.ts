import path from 'node:path';
import { readEventDefinitions } from '../../../plugins/offline-kafka/event-definition';
import { compileAccessConfigurations, readMappingAccess, readSecretFiles } from '../../../plugins/offline-kafka/mapping-access';
import { OSLS_NAMING } from './osls-naming';

const SCRAM = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:AmazonMSK_kafka-client';
const CA = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:ca';
const REGISTRY_USER = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:registry-client';
const SECRETS = readSecretFiles(
  { [SCRAM]: 'file:secrets/kafka-client.json', [CA]: 'file:/etc/ca.pem', [REGISTRY_USER]: 'file:secrets/registry.json' },
  'custom.offlineKafka.secrets',
);
const SOURCE_AT = 'functions.transform.events[0].kafka.accessConfigurations';
const REGISTRY_AT = 'resources.extensions.X.Properties.SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig';
const registry = (access: Array<{ type: 'BASIC_AUTH' | 'SERVER_ROOT_CA_CERTIFICATE' | 'CLIENT_CERTIFICATE_TLS_AUTH'; uri: string }>) => ({
  uri: 'https://127.0.0.2:8081/apis/ccompat/v7',
  eventRecordFormat: 'JSON' as const,
  validate: { key: false, value: true },
  access,
});

function access(source: unknown, registryAccess: Parameters<typeof registry>[0] = []) {
  const warnings: string[] = [];
  const result = readMappingAccess({ source, sourceWhere: SOURCE_AT, registry: registry(registryAccess), registryWhere: REGISTRY_AT }, SECRETS, warnings);
  return { ...result, warnings };
}

describe('compileAccessConfigurations', () => {
  it("writes a kafka event's accessConfigurations as osls does, prefixes and all", () => {
    expect(
      compileAccessConfigurations({ vpcSubnet: ['subnet-1'], vpcSecurityGroup: ['sg-1'], saslScram512Auth: [SCRAM], serverRootCaCertificate: [CA] }),
    ).toEqual([
      { Type: 'VPC_SUBNET', URI: 'subnet:subnet-1' },
      { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-1' },
      { Type: 'SASL_SCRAM_512_AUTH', URI: SCRAM },
      { Type: 'SERVER_ROOT_CA_CERTIFICATE', URI: CA },
    ]);
  });
});

describe('readMappingAccess', () => {
  it('resolves SASL/SCRAM, the root CA and the registry user to the files the secrets map names, ignoring the VPC', () => {
    const result = access(
      [
        { Type: 'VPC_SUBNET', URI: 'subnet:subnet-1' },
        { Type: 'SASL_SCRAM_512_AUTH', URI: SCRAM },
        { Type: 'SERVER_ROOT_CA_CERTIFICATE', URI: CA },
      ],
      [
        { type: 'BASIC_AUTH', uri: REGISTRY_USER },
        { type: 'SERVER_ROOT_CA_CERTIFICATE', uri: CA },
      ],
    );
    expect(result).toEqual({
      kafka: { sasl: { mechanism: 'scram-sha-512', credentialsFile: path.resolve('secrets/kafka-client.json') }, caFile: '/etc/ca.pem' },
      registry: { credentialsFile: path.resolve('secrets/registry.json'), caFile: '/etc/ca.pem' },
      warnings: [],
    });
  });

  it('connects without what it cannot use and says why: an ARN the map lacks, a client certificate', () => {
    const other = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:elsewhere';
    const result = access([{ Type: 'SASL_SCRAM_512_AUTH', URI: other }], [{ type: 'CLIENT_CERTIFICATE_TLS_AUTH', uri: CA }]);
    expect(result.kafka).toEqual({ sasl: undefined, caFile: undefined });
    expect(result.registry).toEqual({ credentialsFile: undefined, caFile: undefined });
    expect(result.warnings).toEqual([
      `${SOURCE_AT} (SASL_SCRAM_512_AUTH) are not used offline: offline reads no Secrets Manager secret; map ${other} to a file: reference in custom.offlineKafka.secrets`,
      `${REGISTRY_AT}.AccessConfigs (CLIENT_CERTIFICATE_TLS_AUTH) are not used offline: not emulated`,
    ]);
  });

  it.each([
    ['not a list', { Type: 'SASL_SCRAM_512_AUTH', URI: SCRAM }, SOURCE_AT, 'must list { Type, URI }'],
    ['an unknown type', [{ Type: 'KERBEROS', URI: SCRAM }], `${SOURCE_AT}[0].Type`, 'must be one of'],
    [
      'two ways to authenticate',
      [
        { Type: 'SASL_SCRAM_512_AUTH', URI: SCRAM },
        { Type: 'BASIC_AUTH', URI: SCRAM },
      ],
      SOURCE_AT,
      'authenticates one way',
    ],
  ])('refuses %s, naming where it was written', (_, source, where, message) => {
    expect(() => access(source)).toThrow(`${where}: `);
    expect(() => access(source)).toThrow(message);
  });
});

describe('custom.offlineKafka.secrets', () => {
  it.each([
    [{ 'kafka-client': 'file:x.json' }, 'custom.offlineKafka.secrets.kafka-client: must be a Secrets Manager ARN'],
    [{ [SCRAM]: 'ssm:/kafka' }, `custom.offlineKafka.secrets.${SCRAM}: must be a file: reference`],
    [['file:x.json'], 'custom.offlineKafka.secrets: must map Secrets Manager ARNs to file: references'],
  ])('refuses %j', (raw, message) => {
    expect(() => readSecretFiles(raw, 'custom.offlineKafka.secrets')).toThrow(message);
  });

  it("reach the mapping from the event's accessConfigurations through the plugin's settings", () => {
    const { mappings, warnings } = readEventDefinitions({
      region: 'us-east-1',
      functions: [
        { key: 'transform', name: 'tributary-dev-transform', events: [{ kafka: { topic: 'users.raw', accessConfigurations: { saslScram512Auth: [SCRAM] } } }] },
      ],
      settings: { secrets: { [SCRAM]: 'file:/run/kafka-client.json' } },
      extensions: undefined,
      naming: OSLS_NAMING,
    });
    expect(warnings).toEqual([]);
    expect(mappings[0]?.access.kafka).toEqual({ sasl: { mechanism: 'scram-sha-512', credentialsFile: '/run/kafka-client.json' }, caFile: undefined });
  });
});
