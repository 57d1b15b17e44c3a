import { ConfigError, functionName, loadConfig, topology } from '../../layers/config';

describe('loadConfig', () => {
  it('defaults to the native stack described in infra/topology.json', () => {
    const config = loadConfig({});
    expect(config.kafka.brokers).toEqual([`127.0.0.1:${topology.ports.kafka}`]);
    expect(config.schemaRegistry.url).toBe(`http://127.0.0.1:${topology.ports.schemaRegistry}/apis/ccompat/v7`);
    expect(config.postgres).toMatchObject({ port: topology.ports.postgres, database: topology.postgres.database, user: topology.postgres.user });
    expect(config.cassandra).toMatchObject({ contactPoints: [`127.0.0.1:${topology.ports.cassandra}`], keyspace: topology.cassandra.keyspace });
    expect(config.cassandra.localDataCenter).toBe(topology.cassandra.dataCenter);
    expect(config.topics).toEqual({ raw: topology.kafka.topics.raw.name, clean: topology.kafka.topics.clean.name, dlq: topology.kafka.topics.dlq.name });
    expect(config.kafka.clientId).toBe(topology.kafka.clientId);
    expect(config.lambda).toMatchObject({
      stage: 'dev',
      persistFunction: `${topology.service}-dev-persist`,
      publishFunction: `${topology.service}-dev-publish`,
    });
    expect(config.randomUser.baseUrl).toBe('https://randomuser.me/api/1.4/');
  });

  it('lets every port and endpoint be overridden by environment variables', () => {
    const config = loadConfig({ KAFKA_PORT: '19092', POSTGRES_PORT: '15432', KAFKA_BROKERS: 'a:1, b:2', CASSANDRA_CONTACT_POINTS: 'c1:9042,c2:9042' });
    expect(config.ports.kafka).toBe(19092);
    expect(config.postgres.port).toBe(15432);
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(config.cassandra.contactPoints).toEqual(['c1:9042', 'c2:9042']);
  });

  it('names the functions it invokes after the stage, as serverless names them, unless told otherwise', () => {
    expect(loadConfig({ STAGE: 'prod' }).lambda).toMatchObject({
      persistFunction: functionName('persist', 'prod'),
      publishFunction: functionName('publish', 'prod'),
    });
    expect(loadConfig({ STAGE: 'prod', PUBLISH_FUNCTION_NAME: 'other' }).lambda.publishFunction).toBe('other');
  });

  it('names the variable when a number is not one', () => {
    expect(() => loadConfig({ KAFKA_PORT: 'ninety' })).toThrow(ConfigError);
    expect(() => loadConfig({ KAFKA_PORT: 'ninety' })).toThrow('KAFKA_PORT must be a non-negative integer, got "ninety"');
  });
});
