/**
 * `sls package --stage prod` with a filled-in parameter file (test/fixtures/deploy/prod.json, as a
 * deployer fills infra/deploy/prod.json) turns serverless.yml into a CloudFormation template AWS
 * would accept: cfn-lint (PyPI, pinned; scripts/deploy/cfn-lint.ts) finds nothing in it. Every
 * function runs on nodejs22.x in the deployer's subnets, configured through environment variables
 * alone, with TLS and credentials for every service as references (no secret anywhere); the Kafka
 * mappings reach the brokers and the registry with the deployer's secrets; the one role grants
 * exactly what the functions and their mappings use. Runs the real osls CLI (no AWS credentials).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { functionName, loadConfig, topology } from '../../layers/config';
import { type CfnLintFinding, lintTemplate } from '../../scripts/deploy/cfn-lint';
import { deployedValue, listOf, ofType, packageTemplate, type Resource, root, type Template } from '../support/packaged-template';
import params from '../fixtures/deploy/prod.json';

const FIXTURE = path.join(root, 'test/fixtures/deploy/prod.json');
const REGION = 'eu-west-1';

let template: Template;
let dir: string;
let findings: CfnLintFinding[];

beforeAll(async () => {
  const packaged = await packageTemplate(['--stage', 'prod', '--region', REGION], { TRIBUTARY_DEPLOY_PARAMS: FIXTURE });
  ({ template, dir } = packaged);
  findings = await lintTemplate(packaged.file, [REGION]);
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const functions = (): [string, Resource][] => ofType(template, 'AWS::Lambda::Function');
const environmentOf = (fn: Resource): Record<string, string> =>
  Object.fromEntries(Object.entries((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).map(([k, v]) => [k, deployedValue(v)]));
const mappings = (): Record<string, Resource> => Object.fromEntries(ofType(template, 'AWS::Lambda::EventSourceMapping'));
const secretArns = [params.kafka.credentialsSecretArn, params.schemaRegistry.credentialsSecretArn, params.postgres.credentialsSecretArn];

describe('sls package --stage prod', () => {
  it('writes a template cfn-lint finds nothing in', () => {
    expect(findings).toEqual([]);
  });

  it("packages the manifest's functions on nodejs22.x in the deployer's subnets, configured through environment variables only", () => {
    expect(
      functions()
        .map(([, fn]) => fn.Properties.FunctionName)
        .sort(),
    ).toEqual(topology.functions.map((key) => functionName(key, 'prod')).sort());
    for (const [, fn] of functions()) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.VpcConfig).toEqual({ SubnetIds: params.network.subnetIds, SecurityGroupIds: params.network.securityGroupIds });
      expect(environmentOf(fn)).toMatchObject({
        TOPIC_USERS_RAW: topology.kafka.topics.raw.name,
        TOPIC_USERS_CLEAN: topology.kafka.topics.clean.name,
        TOPIC_USERS_DLQ: topology.kafka.topics.dlq.name,
        POSTGRES_DB: topology.postgres.database,
        POSTGRES_HOST: params.postgres.host,
        POSTGRES_PORT: params.postgres.port,
        CASSANDRA_KEYSPACE: topology.cassandra.keyspace,
        CASSANDRA_CONTACT_POINTS: params.cassandra.contactPoints,
        CASSANDRA_DC: params.cassandra.localDataCenter,
        PERSIST_FUNCTION_NAME: functionName('persist', 'prod'),
        PUBLISH_FUNCTION_NAME: functionName('publish', 'prod'),
        LAMBDA_ENDPOINT: '',
      });
    }
  });

  it('gives every adapter TLS and credentials by reference, as layers/config reads them on Lambda', () => {
    for (const [, fn] of functions()) {
      const config = loadConfig({ ...environmentOf(fn), AWS_REGION: REGION });
      expect(config.kafka).toMatchObject({
        brokers: params.kafka.bootstrapServers,
        tls: { enabled: true, caFile: undefined },
        auth: { mechanism: 'scram-sha-512', credentials: params.kafka.credentialsSecretArn },
      });
      expect(config.schemaRegistry).toMatchObject({
        url: params.schemaRegistry.url,
        tls: { enabled: true },
        credentials: params.schemaRegistry.credentialsSecretArn,
      });
      expect(config.postgres).toMatchObject({ tls: { enabled: true, caFile: params.postgres.tlsCaFile }, credentials: params.postgres.credentialsSecretArn });
      expect(config.cassandra).toMatchObject({ tls: { enabled: true }, auth: { mechanism: 'sigv4', region: REGION } });
    }
  });

  it('holds no secret: no password variable, and every credential a Secrets Manager ARN the parameter file names', () => {
    for (const [, fn] of functions()) {
      const env = environmentOf(fn);
      expect(Object.keys(env).filter((name) => /PASSWORD|SECRET|TOKEN/.test(name))).toEqual([]);
      const credentials = Object.entries(env).filter(([name, value]) => name.endsWith('_CREDENTIALS') && value !== '');
      expect(credentials.map(([, value]) => value).sort()).toEqual([...secretArns].sort());
    }
    for (const mapping of Object.values(mappings())) {
      const uris = [
        ...(mapping.Properties.SourceAccessConfigurations as { Type: string; URI: string }[]),
        ...((mapping.Properties.SelfManagedKafkaEventSourceConfig as { SchemaRegistryConfig: { AccessConfigs: { Type: string; URI: string }[] } })
          .SchemaRegistryConfig.AccessConfigs ?? []),
      ];
      for (const { Type, URI } of uris)
        expect(URI).toMatch(Type.startsWith('VPC_') ? /^(subnet:subnet-|security_group:sg-)[0-9a-f]+$/ : /^arn:aws:secretsmanager:/);
    }
  });

  it('schedules fetch and publish', () => {
    const rules = ofType(template, 'AWS::Events::Rule').map(([, r]) => r.Properties);
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

  it("maps the raw topic to transform and the clean topic to sink, in the manifest's consumer groups, on the deployer's brokers, subnets and SCRAM user", () => {
    const { topics, consumerGroups } = topology.kafka;
    const byTopic: Record<string, Record<string, unknown>> = Object.fromEntries(
      Object.values(mappings()).map((m) => [(m.Properties.Topics as string[])[0], m.Properties]),
    );
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
    for (const m of Object.values(byTopic)) {
      expect(m.SelfManagedEventSource).toEqual({ Endpoints: { KafkaBootstrapServers: params.kafka.bootstrapServers } });
      expect(m.SourceAccessConfigurations).toEqual([
        ...params.network.subnetIds.map((id) => ({ Type: 'VPC_SUBNET', URI: `subnet:${id}` })),
        ...params.network.securityGroupIds.map((id) => ({ Type: 'VPC_SECURITY_GROUP', URI: `security_group:${id}` })),
        { Type: 'SASL_SCRAM_512_AUTH', URI: params.kafka.credentialsSecretArn },
      ]);
    }
  });

  it('has both mappings decode values through the registry (its login from Secrets Manager) as JSON, in provisioned mode, no batching window, failures to the dlq topic', () => {
    const { topics, consumerGroups } = topology.kafka;
    for (const [logicalId, group] of [
      ['TransformEventSourceMappingKafkaUsersraw', consumerGroups.transform],
      ['SinkEventSourceMappingKafkaUsersclean', consumerGroups.sink],
    ] as const) {
      expect(mappings()[logicalId]?.Properties).toMatchObject({
        MaximumBatchingWindowInSeconds: 0,
        SelfManagedKafkaEventSourceConfig: {
          ConsumerGroupId: group,
          SchemaRegistryConfig: {
            SchemaRegistryURI: params.schemaRegistry.url,
            EventRecordFormat: 'JSON',
            SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
            AccessConfigs: [{ Type: 'BASIC_AUTH', URI: params.schemaRegistry.credentialsSecretArn }],
          },
        },
        ProvisionedPollerConfig: { MinimumPollers: expect.any(Number), MaximumPollers: expect.any(Number) },
        DestinationConfig: { OnFailure: { Destination: `kafka://${topics.dlq.name}` } },
      });
    }
  });

  it('runs every function with one role that grants exactly what the functions and their mappings use, and nothing else', () => {
    const roles = ofType(template, 'AWS::IAM::Role');
    expect(roles.map(([id]) => id)).toEqual(['IamRoleLambdaExecution']);
    for (const [, fn] of functions()) expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
    const role = roles[0]![1].Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    type Statement = { Sid: string; Effect: string; Action: string | string[]; Resource: unknown };
    const statements = (role.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    const sub = (arn: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${arn}` });
    const inAccount = (service: string, rest: string) => sub(`${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}`);
    const keyspace = topology.cassandra.keyspace;
    expect(Object.fromEntries(statements.map((s) => [s.Sid, { effect: s.Effect, actions: listOf(s.Action).sort(), resources: listOf(s.Resource) }]))).toEqual({
      WriteOwnLogs: {
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [inAccount('logs', 'log-group:/aws/lambda/tributary-prod-*:*')],
      },
      InvokePersistAndPublish: {
        effect: 'Allow',
        actions: ['lambda:InvokeFunction'],
        resources: ['persist', 'publish'].map((fn) => inAccount('lambda', `function:${functionName(fn as 'persist', 'prod')}`)),
      },
      ReadPipelineSecrets: { effect: 'Allow', actions: ['secretsmanager:GetSecretValue'], resources: secretArns },
      DecryptPipelineSecrets: { effect: 'Allow', actions: ['kms:Decrypt'], resources: params.secrets.kmsKeyArns },
      ManageVpcNetworkInterfaces: {
        effect: 'Allow',
        actions: [
          'ec2:AssignPrivateIpAddresses',
          'ec2:CreateNetworkInterface',
          'ec2:DeleteNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeSubnets',
          'ec2:DescribeVpcs',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      },
      WriteCreatedUsers: {
        effect: 'Allow',
        actions: ['cassandra:Modify', 'cassandra:Select'],
        resources: [inAccount('cassandra', `/keyspace/${keyspace}/table/created_users`)],
      },
      ReadSystemTables: { effect: 'Allow', actions: ['cassandra:Select'], resources: [inAccount('cassandra', '/keyspace/system*')] },
    });
    // What the mappings read with the role is among what it may read.
    for (const mapping of Object.values(mappings())) {
      const registry = (mapping.Properties.SelfManagedKafkaEventSourceConfig as { SchemaRegistryConfig: { AccessConfigs: { URI: string }[] } })
        .SchemaRegistryConfig;
      const sources = (mapping.Properties.SourceAccessConfigurations as { Type: string; URI: string }[]).filter((c) => !c.Type.startsWith('VPC_'));
      for (const { URI } of [...sources, ...registry.AccessConfigs]) expect(secretArns).toContain(URI);
      expect(mapping.DependsOn).toEqual(['IamRoleLambdaExecution']);
    }
  });
});
