/**
 * `sls package` turns serverless.yml into a CloudFormation template AWS would accept: every
 * function on nodejs22.x, the schedule rules, and the Kafka event source mappings for transform and
 * sink, with the manifest's names (infra/topology.json, which serverless.yml reads through
 * ${file(./infra/topology.json):…}). Runs the real osls CLI (no AWS credentials needed to package).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { functionName, topology } from '../../layers/config';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

let resources: Record<string, Resource>;
let out: string;

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), 'tributary-package-'));
  await run(path.join(root, 'node_modules/.bin/sls'), ['package', '--stage', 'prod', '--package', out], {
    cwd: root,
    env: { ...process.env, PATH: `${path.join(root, 'node_modules/.bin')}:${process.env.PATH ?? ''}` },
    timeout: 300_000,
  });
  const template = JSON.parse(readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, Resource> };
  resources = template.Resources;
}, 300_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

const ofType = (type: string): [string, Resource][] => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('sls package', () => {
  it("packages the manifest's functions on nodejs22.x with configuration only through environment variables", () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([, fn]) => fn.Properties.FunctionName).sort()).toEqual(topology.functions.map((key) => functionName(key, 'prod')).sort());
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      const env = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
      expect(env).toMatchObject({
        TOPIC_USERS_RAW: topology.kafka.topics.raw.name,
        TOPIC_USERS_CLEAN: topology.kafka.topics.clean.name,
        TOPIC_USERS_DLQ: topology.kafka.topics.dlq.name,
        POSTGRES_DB: topology.postgres.database,
        POSTGRES_USER: topology.postgres.user,
        POSTGRES_PORT: String(topology.ports.postgres),
        CASSANDRA_KEYSPACE: topology.cassandra.keyspace,
        CASSANDRA_DC: topology.cassandra.dataCenter,
        PERSIST_FUNCTION_NAME: functionName('persist', 'prod'),
        PUBLISH_FUNCTION_NAME: functionName('publish', 'prod'),
        LAMBDA_ENDPOINT: '',
      });
    }
  });

  it('schedules fetch and publish', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ScheduleExpression: 'rate(5 minutes)',
          State: 'ENABLED',
          Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': ['FetchLambdaFunction', 'Arn'] } })],
        }),
        expect.objectContaining({
          ScheduleExpression: 'rate(1 minute)',
          Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': ['PublishLambdaFunction', 'Arn'] } })],
        }),
      ]),
    );
  });

  it("maps the manifest's raw topic to transform and clean topic to sink as self-managed Kafka event sources, in its consumer groups", () => {
    const { topics, consumerGroups } = topology.kafka;
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    const byTopic = Object.fromEntries(mappings.map((m) => [(m.Topics as string[])[0], m]));
    expect(Object.keys(byTopic).sort()).toEqual([topics.clean.name, topics.raw.name].sort());
    expect(byTopic[topics.raw.name]).toMatchObject({
      FunctionName: { 'Fn::GetAtt': ['TransformLambdaFunction', 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1000,
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: consumerGroups.transform },
    });
    expect(byTopic[topics.clean.name]).toMatchObject({
      FunctionName: { 'Fn::GetAtt': ['SinkLambdaFunction', 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: consumerGroups.sink },
    });
    for (const m of mappings) expect(m.SelfManagedEventSource).toEqual({ Endpoints: { KafkaBootstrapServers: [expect.any(String)] } });
  });

  it('has both mappings decode values through the schema registry as JSON, in provisioned mode, with no batching window and the dlq topic as on-failure destination', () => {
    const { topics, consumerGroups } = topology.kafka;
    const mappings = Object.fromEntries(ofType('AWS::Lambda::EventSourceMapping'));
    for (const [logicalId, group] of [
      ['TransformEventSourceMappingKafkaUsersraw', consumerGroups.transform],
      ['SinkEventSourceMappingKafkaUsersclean', consumerGroups.sink],
    ] as const) {
      expect(mappings[logicalId]?.Properties).toMatchObject({
        MaximumBatchingWindowInSeconds: 0,
        SelfManagedKafkaEventSourceConfig: {
          ConsumerGroupId: group,
          SchemaRegistryConfig: {
            SchemaRegistryURI: expect.stringMatching(/^https?:\/\//),
            EventRecordFormat: 'JSON',
            SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
          },
        },
        ProvisionedPollerConfig: { MinimumPollers: expect.any(Number), MaximumPollers: expect.any(Number) },
        DestinationConfig: { OnFailure: { Destination: `kafka://${topics.dlq.name}` } },
      });
    }
  });
});
