import { readSchemaRegistryConfig } from '../../../plugins/offline-kafka/schema-registry-config';

const PATH = 'resources.extensions.TransformEventSourceMappingKafkaUsersraw.Properties.SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig';
const URI = 'http://127.0.0.1:8081/apis/ccompat/v7';

const config = (extra: Record<string, unknown> = {}) => ({
  SchemaRegistryURI: URI,
  EventRecordFormat: 'JSON',
  SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
  ...extra,
});

describe('readSchemaRegistryConfig', () => {
  it('reads the CloudFormation properties', () => {
    expect(readSchemaRegistryConfig(config({ SchemaRegistryURI: `${URI}/` }), PATH)).toEqual({
      uri: URI,
      eventRecordFormat: 'JSON',
      validate: { key: false, value: true },
      access: [],
    });
    const both = readSchemaRegistryConfig(
      config({ EventRecordFormat: 'SOURCE', SchemaValidationConfigs: [{ Attribute: 'KEY' }, { Attribute: 'VALUE' }] }),
      PATH,
    );
    expect(both).toMatchObject({ eventRecordFormat: 'SOURCE', validate: { key: true, value: true } });
  });

  it('keeps AccessConfigs (mapping-access.ts resolves them)', () => {
    const access = [{ Type: 'BASIC_AUTH', URI: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry' }];
    const settings = readSchemaRegistryConfig(config({ AccessConfigs: access }), PATH);
    expect(settings.access).toEqual([{ type: 'BASIC_AUTH', uri: access[0]!.URI }]);
    expect(readSchemaRegistryConfig(config(), PATH).access).toEqual([]);
  });

  it.each([
    ['a non-object', 'JSON', PATH, 'must be an object'],
    ['an unknown property', config({ Registry: 'x' }), `${PATH}.Registry`, 'unknown property'],
    ['a missing URI', config({ SchemaRegistryURI: undefined }), `${PATH}.SchemaRegistryURI`, "must be the registry's URL"],
    ['a CloudFormation function', config({ SchemaRegistryURI: { 'Fn::Sub': 'x' } }), `${PATH}.SchemaRegistryURI`, 'cannot be resolved offline'],
    [
      'a Glue registry ARN',
      config({ SchemaRegistryURI: 'arn:aws:glue:eu-west-1:123456789012:registry/r' }),
      `${PATH}.SchemaRegistryURI`,
      'AWS Glue schema registry',
    ],
    ['a URI other than http(s)', config({ SchemaRegistryURI: 'ftp://registry' }), `${PATH}.SchemaRegistryURI`, 'must be an http(s) URL'],
    ['text that is not a URL', config({ SchemaRegistryURI: 'registry:8081' }), `${PATH}.SchemaRegistryURI`, 'http(s) URL'],
    ['an unknown format', config({ EventRecordFormat: 'AVRO' }), `${PATH}.EventRecordFormat`, 'must be JSON or SOURCE'],
    ['no validation configs', config({ SchemaValidationConfigs: [] }), `${PATH}.SchemaValidationConfigs`, 'must list'],
    ['an unknown attribute', config({ SchemaValidationConfigs: [{ Attribute: 'HEADERS' }] }), `${PATH}.SchemaValidationConfigs[0].Attribute`, 'KEY or VALUE'],
    [
      'an attribute twice',
      config({ SchemaValidationConfigs: [{ Attribute: 'KEY' }, { Attribute: 'KEY' }] }),
      `${PATH}.SchemaValidationConfigs[1].Attribute`,
      'listed twice',
    ],
    ['three access configs', config({ AccessConfigs: [1, 2, 3] }), `${PATH}.AccessConfigs`, 'at most 2'],
    ['an unknown access type', config({ AccessConfigs: [{ Type: 'SASL', URI: 'arn:x' }] }), `${PATH}.AccessConfigs[0].Type`, 'must be one of'],
    ['an access config without URI', config({ AccessConfigs: [{ Type: 'BASIC_AUTH' }] }), `${PATH}.AccessConfigs[0].URI`, 'Secrets Manager'],
  ])('refuses %s with the property path', (_name, value, where, message) => {
    expect(() => readSchemaRegistryConfig(value, PATH)).toThrow(`${where}: `);
    expect(() => readSchemaRegistryConfig(value, PATH)).toThrow(message);
  });
});
