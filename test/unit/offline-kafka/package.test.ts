/**
 * One serverless.yml for both worlds: `sls package` on the fixture service writes, for every kafka
 * and msk event, an AWS::Lambda::EventSourceMapping whose Properties — read back with the plugin's
 * own reader — are the settings the plugin runs offline. The only differences are the deprecated
 * custom.offlineKafka.functions settings, which never reach the template (hence the deprecation).
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

const sls = async (...args: string[]) =>
  (await promisify(execFile)(process.execPath, [SLS, ...args, ...ARGS], { cwd: FIXTURE, maxBuffer: 16 * 1024 * 1024 })).stdout;

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

let out: string;
let template: Record<string, Resource>;
let offline: EventSourceMapping[];

beforeAll(async () => {
  out = mkdtempSync(path.join(tmpdir(), 'offline-kafka-package-'));
  const config = JSON.parse(await sls('print', '--format', 'json')) as ResolvedConfig;
  offline = readEventDefinitions({
    region: config.provider.region ?? 'us-east-1',
    functions: Object.entries(config.functions).map(([key, fn]) => ({ key, name: fn.name, events: fn.events ?? [] })),
    settings: config.custom.offlineKafka,
    extensions: config.resources.extensions,
    naming: OSLS_NAMING,
  }).mappings;
  await sls('package', '--package', out);
  template = (JSON.parse(readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, Resource> })
    .Resources;
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('sls package on the fixture service', () => {
  it('writes one event source mapping per kafka/msk event, under the logical id the plugin reads extensions for', () => {
    const packaged = Object.entries(template).filter(([, resource]) => resource.Type === 'AWS::Lambda::EventSourceMapping');
    expect(packaged.map(([id]) => id).sort()).toEqual(offline.map((mapping) => mapping.logicalId).sort());
    expect(template.ScaledEventSourceMappingKafkaTestesmpackagescaled?.Properties).toMatchObject({
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
      MetricsConfig: { Metrics: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
    });
  });

  it('carries the very settings the plugin runs offline, except the deprecated custom ones', () => {
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
    expect(differences).toEqual({
      dlq: ['maximumRetryAttempts'],
      malformed: ['maximumRetryAttempts', 'reportBatchItemFailures'],
      timesOut: ['maximumRetryAttempts'],
    });
  });
});
