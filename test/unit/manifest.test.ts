/**
 * infra/topology.json is the one place each name and setting is written. layers/config imports it;
 * serverless.yml reads it (${file(./infra/topology.json):…}, resolved and packaged in
 * serverless-package.test.ts); docker-compose.yml and .env.example carry its values as written by
 * `npm run generate` (scripts/manifest/compose-values.ts). Here: the generated files are current,
 * a changed manifest value reaches every place, and what the generator cannot keep current it refuses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { topology, type Topology } from '../../layers/config';
import { COMPOSE_FILE, ENV_EXAMPLE, ROOT, composeValues, envExampleValues, generate, portVariable } from '../../scripts/manifest/compose-values';
import { environmentOf, parseComposeYaml, parseEnvFile, publishedPorts, resolveCompose, svc } from '../support/compose';

const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const compose = read(COMPOSE_FILE);
const envExample = read(ENV_EXAMPLE);

describe('the manifest, infra/topology.json', () => {
  it('docker-compose.yml and .env.example are what npm run generate makes of it (run it after changing the manifest)', () => {
    for (const { file, current, generated } of generate()) expect({ file, text: current }).toEqual({ file, text: generated });
  });

  it('a changed value reaches every place compose and .env.example use it, and nothing else changes', () => {
    const changed: Topology = structuredClone(topology);
    changed.ports.kafka = 19092;
    changed.ports.sparkUi = 19090;
    changed.kafka.topics.clean.name = 'people.clean';
    changed.postgres.database = 'pipeline';
    changed.postgres.airflowDatabase = 'airflow_meta';
    changed.cassandra.keyspace = 'pipeline_ks';
    changed.schemaRegistry.compatibility = 'FULL';
    const composeOut = composeValues(compose, changed);
    const c = resolveCompose(parseComposeYaml(composeOut), {}).compose;

    expect(publishedPorts(svc(c, 'kafka'))).toEqual([{ hostIp: '127.0.0.1', published: 19092, target: 9092 }]);
    expect(environmentOf(svc(c, 'kafka')).KAFKA_ADVERTISED_LISTENERS).toBe('INTERNAL://kafka:29092,HOST://localhost:19092');
    expect(publishedPorts(svc(c, 'spark-master')).map((p) => p.published)).toEqual([topology.ports.sparkMaster, 19090]);
    for (const name of ['provision', 'functions', 'spark-job', 'airflow-scheduler']) {
      expect(environmentOf(svc(c, name))).toMatchObject({ TOPIC_USERS_CLEAN: 'people.clean', POSTGRES_DB: 'pipeline', CASSANDRA_KEYSPACE: 'pipeline_ks' });
    }
    expect(environmentOf(svc(c, 'postgres')).POSTGRES_DB).toBe('pipeline');
    expect(environmentOf(svc(c, 'airflow-db')).POSTGRES_DB).toBe('airflow_meta');
    expect(environmentOf(svc(c, 'airflow-init')).AIRFLOW__DATABASE__SQL_ALCHEMY_CONN).toMatch(/@airflow-db:5432\/airflow_meta$/);
    expect(environmentOf(svc(c, 'schema-registry')).SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL).toBe('FULL');
    expect(parseEnvFile(envExampleValues(envExample, composeOut))).toEqual({
      ...parseEnvFile(envExample),
      KAFKA_PORT: '19092',
      SPARK_UI_PORT: '19090',
      POSTGRES_DB: 'pipeline',
      CASSANDRA_KEYSPACE: 'pipeline_ks',
    });

    // Only those values moved: comments, layout, anchors and every other line are the file's own.
    const before = compose.split('\n');
    const after = composeOut.split('\n');
    expect(after).toHaveLength(before.length);
    const moved = after.filter((line, i) => line !== before[i]);
    expect(moved.length).toBeGreaterThan(0);
    for (const line of moved) expect(line).toMatch(/19092|19090|people\.clean|pipeline|airflow_meta|FULL/);
  });

  it('refuses what it cannot keep current', () => {
    const withPort = { ...topology, ports: { ...topology.ports, kafkaUi: 8088 } } as Topology;
    expect(portVariable('kafkaUi')).toBe('KAFKA_UI_PORT');
    expect(() => composeValues(compose, withPort)).toThrow('docker-compose.yml never uses ${KAFKA_UI_PORT} (manifest values)');
    expect(() => composeValues(compose.replace('TOPIC_USERS_DLQ: users.dlq', 'TOPIC_USERS_DEAD: users.dlq'))).toThrow(
      'x-tributary-env.TOPIC_USERS_DLQ is not a string value',
    );
    const badName = structuredClone(topology);
    badName.kafka.topics.raw.name = 'users: raw';
    expect(() => composeValues(compose, badName)).toThrow('cannot be written as a plain YAML value');
    expect(() => envExampleValues(`${envExample}UNUSED_SETTING=x\n`, compose)).toThrow('documents UNUSED_SETTING, which docker-compose.yml never uses');
    expect(() => envExampleValues(envExample.replace(/^POSTGRES_PASSWORD=.*$/m, ''), compose)).toThrow(
      '.env.example does not document POSTGRES_PASSWORD, which docker-compose.yml uses',
    );
    expect(() =>
      envExampleValues(
        envExample,
        compose.replace('MAX_HEAP_SIZE: ${CASSANDRA_HEAP:-1G}', 'MAX_HEAP_SIZE: ${CASSANDRA_HEAP:-2G}\n      X: ${CASSANDRA_HEAP:-1G}'),
      ),
    ).toThrow('gives ${CASSANDRA_HEAP} two defaults');
  });

  it('serverless.yml reads every manifest value it uses from the manifest, at keys the manifest has', () => {
    const text = read('serverless.yml');
    const doc = parseDocument(text).toJS() as {
      service: string;
      custom: Record<string, Record<string, unknown>>;
      provider: { environment: Record<string, string> };
      functions: Record<string, { events?: { kafka?: { topic: string; consumerGroupId: string } }[] }>;
    };
    const ref = (key: string): string => `\${file(./infra/topology.json):${key}}`;
    expect(doc.provider.environment).toMatchObject({
      POSTGRES_DB: ref('postgres.database'),
      CASSANDRA_KEYSPACE: ref('cassandra.keyspace'),
      TOPIC_USERS_RAW: ref('kafka.topics.raw.name'),
      TOPIC_USERS_CLEAN: ref('kafka.topics.clean.name'),
      TOPIC_USERS_DLQ: ref('kafka.topics.dlq.name'),
    });
    expect(doc.functions.transform?.events?.[0]?.kafka).toMatchObject({
      topic: ref('kafka.topics.raw.name'),
      consumerGroupId: ref('kafka.consumerGroups.transform'),
    });
    expect(doc.functions.sink?.events?.[0]?.kafka).toMatchObject({ topic: ref('kafka.topics.clean.name'), consumerGroupId: ref('kafka.consumerGroups.sink') });
    expect(Object.keys(doc.functions).sort()).toEqual([...topology.functions].sort());
    // The service name (the packaged function names carry it) and serverless-offline's ports.
    expect(doc.service).toBe(ref('service'));
    expect(doc.custom['serverless-offline']).toMatchObject({ httpPort: ref('ports.offlineHttp'), lambdaPort: ref('ports.offlineLambda') });

    const keys = [...text.matchAll(/\$\{file\(\.\/infra\/topology\.json\):([\w.]+)\}/g)].map((m) => m[1] ?? '');
    expect(keys.length).toBeGreaterThan(10);
    const at = (key: string): unknown => key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], topology);
    expect(keys.filter((key) => typeof at(key) !== 'string' && typeof at(key) !== 'number')).toEqual([]);
  });
});
