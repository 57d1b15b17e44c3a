/**
 * One serverless.yml for both worlds: `sls package` on the fixture services writes, for every kafka
 * and msk event, an AWS::Lambda::EventSourceMapping whose Properties — read back with the plugin's
 * own reader — are the settings the plugin runs offline. The only differences are the deprecated
 * custom.offlineKafka.functions settings, which never reach the template (hence the deprecation).
 * Two fixtures: serverless.yml (provisioned mode, retries, destinations, metrics) and
 * serverless.registry.yml (each mapping's SchemaRegistryConfig).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type EventSourceMapping, readEventDefinitions } from '../../../plugins/offline-kafka/event-definition';
import { readMappingProperties } from '../../../plugins/offline-kafka/mapping-properties';
import { OSLS_NAMING } from './osls-naming';

const FIXTURE = path.resolve(__dirname, '../../fixtures/offline-kafka');
const SLS = path.resolve(__dirname, '../../../node_modules/osls/bin/serverless.js');
const ARGS = ['--stage', 'pkg', '--param=prefix=test.esm.package', '--param=brokers=127.0.0.1:9092', '--param=lambdaPort=0'];
// Registry URIs only need to resolve: neither sls print nor sls package reaches them.
const REGISTRY_ARGS = ['--config', 'serverless.registry.yml', '--param=registry=http://127.0.0.1:8081', '--param=gatedRegistry=http://127.0.0.1:18081'];

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface ResolvedConfig {
  provider: { region?: string };
  custom: { offlineKafka: unknown };
  resources: { extensions: unknown };
  functions: Record<string, { name: string; events?: unknown[] }>;
}

const sls = async (fixtureArgs: string[], ...args: string[]) =>
  (await promisify(execFile)(process.execPath, [SLS, ...args, ...ARGS, ...fixtureArgs], { cwd: FIXTURE, maxBuffer: 16 * 1024 * 1024 })).stdout;

/** The settings a mapping's Properties decide (its runtime parts, brokers and backoffs, aside). */
function settingsOf(mapping: Omit<ReturnType<typeof readMappingProperties>, 'filter'> | EventSourceMapping) {
  const { topic, batchSize, maximumBatchingWindowMs, startingPosition, startingPositionTimestampMs, enabled, filterPatternCount, onFailure } = mapping;
  const { maximumRetryAttempts, maximumRecordAgeMs, bisectBatchOnFunctionError, reportBatchItemFailures, pollers, schemaRegistry } = mapping;
  return {
    ...{ topic, batchSize, maximumBatchingWindowMs, startingPosition, startingPositionTimestampMs, enabled, filterPatternCount, onFailure },
    ...{ maximumRetryAttempts, maximumRecordAgeMs, bisectBatchOnFunctionError, reportBatchItemFailures, pollers, schemaRegistry },
    metrics: [...mapping.metrics],
  };
}

interface Packaged {
  template: Record<string, Resource>;
  offline: EventSourceMapping[];
}

/** The mappings the plugin runs offline for a fixture, and the template `sls package` writes for it. */
async function packageFixture(fixtureArgs: string[]): Promise<Packaged> {
  const out = mkdtempSync(path.join(tmpdir(), 'offline-kafka-package-'));
  try {
    const config = JSON.parse(await sls(fixtureArgs, 'print', '--format', 'json')) as ResolvedConfig;
    const offline = readEventDefinitions({
      region: config.provider.region ?? 'us-east-1',
      functions: Object.entries(config.functions).map(([key, fn]) => ({ key, name: fn.name, events: fn.events ?? [] })),
      settings: config.custom.offlineKafka,
      extensions: config.resources.extensions,
      naming: OSLS_NAMING,
    }).mappings;
    await sls(fixtureArgs, 'package', '--package', out);
    const template = (JSON.parse(readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, Resource> })
      .Resources;
    return { template, offline };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Per function, the settings whose packaged value differs from the one honoured offline. */
function differencesOf({ template, offline }: Packaged): Record<string, string[]> {
  const differences: Record<string, string[]> = {};
  for (const mapping of offline) {
    const resource = template[mapping.logicalId] as Resource;
    const fromTemplate = readMappingProperties(
      mapping.type,
      {
        logicalId: mapping.logicalId,
        properties: resource.Properties,
        pathOf: (name, inner = '') => `Resources.${mapping.logicalId}.Properties.${name}${inner}`,
        deprecations: [],
      },
      [],
    );
    const [packaged, honoured] = [settingsOf(fromTemplate), settingsOf(mapping)];
    const differing = Object.keys(honoured).filter(
      (key) => JSON.stringify(packaged[key as keyof typeof packaged]) !== JSON.stringify(honoured[key as keyof typeof honoured]),
    );
    if (differing.length > 0) differences[mapping.functionKey] = differing;
  }
  return differences;
}

describe('sls package on the fixture service', () => {
  let packaged: Packaged;
  beforeAll(async () => {
    packaged = await packageFixture([]);
  }, 120_000);

  it('writes one event source mapping per kafka/msk event, under the logical id the plugin reads extensions for', () => {
    const { template, offline } = packaged;
    const mappings = Object.entries(template).filter(([, resource]) => resource.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings.map(([id]) => id).sort()).toEqual(offline.map((mapping) => mapping.logicalId).sort());
    expect(template.ScaledEventSourceMappingKafkaTestesmpackagescaled?.Properties).toMatchObject({
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
      MetricsConfig: { Metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
    });
  });

  it('carries the very settings the plugin runs offline, except the deprecated custom ones', () => {
    expect(differencesOf(packaged)).toEqual({
      dlq: ['maximumRetryAttempts'],
      malformed: ['maximumRetryAttempts', 'reportBatchItemFailures'],
      timesOut: ['maximumRetryAttempts'],
    });
  });
});

describe('sls package on the schema-registry fixture service', () => {
  let packaged: Packaged;
  beforeAll(async () => {
    packaged = await packageFixture(REGISTRY_ARGS);
  }, 120_000);

  it("writes each mapping's SchemaRegistryConfig where CloudFormation has it", () => {
    const json = packaged.template.RegistryJsonEventSourceMappingKafkaTestesmpackageregistryjson?.Properties;
    expect(json?.SelfManagedKafkaEventSourceConfig).toEqual({
      SchemaRegistryConfig: {
        SchemaRegistryURI: 'http://127.0.0.1:8081',
        EventRecordFormat: 'JSON',
        SchemaValidationConfigs: [{ Attribute: 'KEY' }, { Attribute: 'VALUE' }],
        AccessConfigs: [{ Type: 'BASIC_AUTH', URI: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:offline-kafka-registry' }],
      },
    });
    const source = packaged.template.RegistrySourceEventSourceMappingKafkaTestesmpackageregistrysource?.Properties;
    expect(source?.SelfManagedKafkaEventSourceConfig).toMatchObject({
      SchemaRegistryConfig: { EventRecordFormat: 'SOURCE', SchemaValidationConfigs: [{ Attribute: 'VALUE' }] },
    });
  });

  it('carries the very registry settings the plugin runs offline', () => {
    // Every mapping decodes through a registry offline: a reader that dropped the setting on both sides would pass the comparison alone.
    expect(packaged.offline.map((mapping) => [mapping.functionKey, mapping.schemaRegistry?.eventRecordFormat])).toEqual([
      ['registryJson', 'JSON'],
      ['registrySource', 'SOURCE'],
      ['registryFailures', 'JSON'],
      ['registryFiltered', 'JSON'],
      ['registryGated', 'JSON'],
    ]);
    expect(differencesOf(packaged)).toEqual({});
  });
});
