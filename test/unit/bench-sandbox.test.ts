import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { pointServerlessYmlAt, sandboxConfig, sandboxFor } from '../../scripts/bench/lib/sandbox';
import { loadConfig } from '../../layers/config';

type Yml = {
  provider: { environment: Record<string, string> };
  functions: Record<string, { events?: { kafka?: { topic: string; consumerGroupId: string } }[] }>;
  resources: { extensions: Record<string, { Properties: { SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: string } } }> };
};

describe("the benchmark's sandbox", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-sandbox-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a database, keyspace, topics and groups of its own, valid in PostgreSQL, CQL and Kafka', () => {
    const sandbox = sandboxFor('4F2a-9c');
    expect(sandbox).toEqual({
      database: 'bench_4f2a9c',
      keyspace: 'bench_4f2a9c',
      topics: { raw: 'bench.4f2a9c.users.raw', clean: 'bench.4f2a9c.users.clean', dlq: 'bench.4f2a9c.users.dlq' },
      groups: { transform: 'bench-4f2a9c-transform', sink: 'bench-4f2a9c-sink' },
    });
  });

  it("points a copy of the project's serverless.yml at it, and changes nothing else", () => {
    const original = path.resolve(__dirname, '..', '..', 'serverless.yml');
    const copy = path.join(dir, 'serverless.yml');
    copyFileSync(original, copy);
    const sandbox = sandboxFor('abc123');
    pointServerlessYmlAt(copy, sandbox);

    const before = parse(readFileSync(original, 'utf8')) as Yml;
    const after = parse(readFileSync(copy, 'utf8')) as Yml;
    expect(after.provider.environment).toMatchObject({
      POSTGRES_DB: 'bench_abc123',
      CASSANDRA_KEYSPACE: 'bench_abc123',
      TOPIC_USERS_RAW: 'bench.abc123.users.raw',
      TOPIC_USERS_CLEAN: 'bench.abc123.users.clean',
      TOPIC_USERS_DLQ: 'bench.abc123.users.dlq',
    });
    expect(after.functions.transform?.events?.[0]?.kafka).toMatchObject({ topic: 'bench.abc123.users.raw', consumerGroupId: 'bench-abc123-transform' });
    expect(after.functions.sink?.events?.[0]?.kafka).toMatchObject({
      topic: 'bench.abc123.users.clean',
      consumerGroupId: 'bench-abc123-sink',
      onFailureDestination: 'kafka://bench.abc123.users.dlq',
    });
    // The mappings' extensions under the logical ids osls gives the new topics, in the new groups.
    expect(Object.keys(after.resources.extensions).sort()).toEqual([
      'SinkEventSourceMappingKafkaBenchabc123usersclean',
      'TransformEventSourceMappingKafkaBenchabc123usersraw',
    ]);
    expect(after.resources.extensions.SinkEventSourceMappingKafkaBenchabc123usersclean?.Properties.SelfManagedKafkaEventSourceConfig.ConsumerGroupId).toBe(
      'bench-abc123-sink',
    );

    // Put the project's values back: what remains must be the project's file exactly.
    for (const key of ['POSTGRES_DB', 'CASSANDRA_KEYSPACE', 'TOPIC_USERS_RAW', 'TOPIC_USERS_CLEAN', 'TOPIC_USERS_DLQ'])
      after.provider.environment[key] = before.provider.environment[key]!;
    for (const fn of ['transform', 'sink']) after.functions[fn]!.events![0]!.kafka = before.functions[fn]!.events![0]!.kafka;
    after.resources = before.resources;
    expect(after).toEqual(before);
  });

  it("refuses a serverless.yml it cannot point (a renamed setting would send the run to the stack's own topics)", () => {
    const copy = path.join(dir, 'partial.yml');
    copyFileSync(path.resolve(__dirname, '..', '..', 'serverless.yml'), copy);
    const text = readFileSync(copy, 'utf8').replace(/^\s+TOPIC_USERS_DLQ:.*\n/m, '');
    writeFileSync(copy, text);
    expect(() => pointServerlessYmlAt(copy, sandboxFor('x1'))).toThrow(/provider\.environment\.TOPIC_USERS_DLQ not found/);
  });

  it("gives the benchmark's own clients the stack's endpoints with the sandbox's names", () => {
    const config = loadConfig({});
    const sandbox = sandboxFor('abc123');
    const bench = sandboxConfig(config, sandbox);
    expect(bench.postgres).toEqual({ ...config.postgres, database: 'bench_abc123' });
    expect(bench.cassandra).toEqual({ ...config.cassandra, keyspace: 'bench_abc123' });
    expect(bench.topics).toEqual(sandbox.topics);
    expect(bench.kafka).toBe(config.kafka);
  });
});
