/**
 * plugins/deploy-params: the prod stage's parameters come from one file a deployer fills in
 * (infra/deploy/prod.json), and osls refuses to package the stage while a placeholder is left,
 * naming each, before anything is built. The other stages never open the file. The real osls CLI.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPlaceholder, parameterAt, readParameters, unfilledParameters } from '../../plugins/deploy-params/parameters';
import { printConfig, root, sls } from '../support/packaged-template';

const COMMITTED = path.join(root, 'infra/deploy/prod.json');
const FIXTURE = path.join(root, 'test/fixtures/deploy/prod.json');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'tributary-deploy-params-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The fixture with some values replaced, as a file of its own. */
function variant(name: string, edit: (params: Record<string, Record<string, unknown>>) => void): string {
  const params = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Record<string, unknown>>;
  edit(params);
  const file = path.join(scratch, `${name}.json`);
  writeFileSync(file, JSON.stringify(params));
  return file;
}

describe('the parameter file', () => {
  it('is committed with a placeholder for everything only the deployer knows, and the test fixture fills every one', () => {
    expect(unfilledParameters(readParameters(COMMITTED, 'prod.json')).map((u) => u.name)).toEqual([
      'network.subnetIds[0]',
      'network.securityGroupIds[0]',
      'kafka.bootstrapServers[0]',
      'kafka.credentialsSecretArn',
      'schemaRegistry.url',
      'schemaRegistry.credentialsSecretArn',
      'postgres.host',
      'postgres.credentialsSecretArn',
      'cassandra.contactPoints',
      'cassandra.localDataCenter',
      'secrets.kmsKeyArns[0]',
    ]);
    expect(unfilledParameters(readParameters(FIXTURE, 'fixture'))).toEqual([]);
  });

  it('counts a "<…>" string and an empty list as unfilled, and reads values by address', () => {
    expect([isPlaceholder('<subnet id>'), isPlaceholder(' <x> '), isPlaceholder('subnet-0a'), isPlaceholder('')]).toEqual([true, true, false, false]);
    expect(unfilledParameters({ $comment: '<not a parameter>', a: { b: [] }, c: '' })).toEqual([{ name: 'a.b', hint: 'an empty list' }]);
    const params = readParameters(FIXTURE, 'fixture');
    expect(parameterAt(params, 'postgres.port', 'fixture')).toBe('5432');
    expect(() => parameterAt(params, 'postgres.password', 'fixture')).toThrow('fixture has no "postgres.password", which serverless.yml reads');
  });
});

describe('sls on the prod stage', () => {
  it('refuses to package while the committed placeholders are left, naming each parameter, before building anything', async () => {
    const run = await sls(['package', '--stage', 'prod', '--package', path.join(scratch, 'refused')]);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('infra/deploy/prod.json has 11 parameter(s) still to fill in before this stage can be packaged or deployed');
    for (const { name, hint } of unfilledParameters(readParameters(COMMITTED, 'prod.json'))) expect(run.output).toContain(`${name}: ${hint}`);
    // Once, from the one variable that checks the whole file; nothing was bundled.
    expect(run.output.split('still to fill in').length).toBe(2);
    expect(run.output).not.toMatch(/Packaging|esbuild/i);
  });

  it('refuses one placeholder left in an otherwise filled-in file, by name', async () => {
    const file = variant('one-left', (p) => {
      p.postgres!.host = '<PostgreSQL host name>';
    });
    const run = await sls(['print', '--stage', 'prod'], { TRIBUTARY_DEPLOY_PARAMS: file });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('has 1 parameter(s) still to fill in');
    expect(run.output).toContain('postgres.host: <PostgreSQL host name>');
  });

  it('grants Keyspaces access for sigv4, and the Cassandra secret instead for a password', async () => {
    type Config = {
      resources: {
        Resources: { IamRoleLambdaExecution: { Properties: { Policies: { PolicyDocument: { Statement: { Sid: string; Resource: unknown }[] } }[] } } };
      };
    };
    const statementsOf = (config: Config) => config.resources.Resources.IamRoleLambdaExecution.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    const keyspaces = statementsOf((await printConfig(['--stage', 'prod'], { TRIBUTARY_DEPLOY_PARAMS: FIXTURE })) as unknown as Config);
    expect(keyspaces.map((s) => s.Sid)).toEqual(expect.arrayContaining(['WriteCreatedUsers', 'ReadSystemTables']));
    expect(keyspaces.map((s) => s.Sid)).not.toContain('ReadCassandraSecret');

    const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tributary/cassandra-pipeline-Mn78Op';
    const file = variant('password', (p) => {
      p.cassandra!.auth = 'password';
      p.cassandra!.credentialsSecretArn = secret;
    });
    const config = (await printConfig(['--stage', 'prod'], { TRIBUTARY_DEPLOY_PARAMS: file })) as unknown as Config & {
      provider: { environment: Record<string, string> };
    };
    const password = statementsOf(config);
    expect(password.map((s) => s.Sid)).not.toContain('WriteCreatedUsers');
    expect(password.find((s) => s.Sid === 'ReadCassandraSecret')?.Resource).toBe(secret);
    expect(config.provider.environment).toMatchObject({ CASSANDRA_AUTH: 'password', CASSANDRA_CREDENTIALS: secret, CASSANDRA_TLS: 'true' });
  });

  it('leaves the other stages alone: dev resolves without the file, with the local defaults and no VPC', async () => {
    const config = (await printConfig([], { TRIBUTARY_DEPLOY_PARAMS: path.join(scratch, 'no-such-file.json') })) as {
      provider: { environment: Record<string, string>; vpc?: unknown; iam: { role: unknown } };
    };
    expect(config.provider.vpc ?? null).toBeNull();
    expect(config.provider.iam.role).toMatchObject({ statements: [expect.objectContaining({ Action: ['lambda:InvokeFunction'] })] });
    expect(config.provider.environment).toMatchObject({
      KAFKA_TLS: '',
      KAFKA_AUTH: '',
      POSTGRES_CREDENTIALS: '',
      CASSANDRA_AUTH: '',
      LAMBDA_ENDPOINT: expect.stringMatching(/^http:/),
    });
  });
});
