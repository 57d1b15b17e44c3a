/**
 * docker-compose.yml, checked without Docker: a valid Compose Specification file (the official
 * JSON schema Docker Compose validates with, from compose-go, and the value parsing its loader
 * does after the schema), its manifest ports published by the right services and its containers
 * pointed at each other with the variables layers/config reads, with pinned images,
 * protocol-level healthchecks and conditional dependencies. The manifest's values themselves
 * (ports, database, keyspace, topics) are written in by npm run generate; manifest.test.ts checks
 * they are current. Every check returns its problems; each is also run on a broken copy of the file
 * to show it can fail. The Airflow services' settings, connection and image are checked against
 * the native stack in compose-airflow.test.ts.
 */
import { parse as parseYaml } from 'yaml';
import type { Topology } from '../../layers/config/topology';
import { FUNCTIONS_V8_FLAGS, NODE22_FUNCTIONS_FLAGS } from '../../scripts/pipeline/offline';
import { timerSlackScript } from '../../scripts/stack/proc';
import { CASSANDRA_TIMER_SLACK_NS } from '../../scripts/stack/services/cassandra';
import {
  type Compose,
  type Service,
  AIRFLOW_HOME,
  AIRFLOW_SERVICES,
  InterpolationError,
  PORT_OWNERS,
  REPO_ROOT,
  clone,
  commandOf,
  createSchemaValidator,
  dependencies,
  environmentOf,
  healthTest,
  interpolate,
  loadRepoCompose,
  loaderProblems,
  oneShotServices,
  publishedPorts,
  readText,
  resolveCompose,
  setEnv,
  svc,
} from '../support/compose';

const { topology, raw, withDefaults, withEnvExample, compose } = loadRepoCompose();

/** Image and pinned-version rules per service (the official images the design names). */
const IMAGES: Record<string, RegExp> = {
  zookeeper: /^confluentinc\/cp-zookeeper:7\.\d+\.\d+$/,
  kafka: /^confluentinc\/cp-kafka:7\.\d+\.\d+$/,
  'schema-registry': /^confluentinc\/cp-schema-registry:7\.\d+\.\d+$/,
  'control-center': /^confluentinc\/cp-enterprise-control-center:7\.\d+\.\d+$/,
  postgres: /^postgres:\d+\.\d+(-[a-z0-9.]+)?$/,
  cassandra: /^cassandra:5\.0\.\d+$/,
  'spark-master': /^spark:3\.5\.\d+-scala2\.1[23]-java17-python3-ubuntu$/,
  'spark-worker': /^spark:3\.5\.\d+-scala2\.1[23]-java17-python3-ubuntu$/,
  'spark-job': /^spark:3\.5\.\d+-scala2\.1[23]-java17-python3-ubuntu$/,
  'airflow-db': /^postgres:\d+\.\d+(-[a-z0-9.]+)?$/,
  // Built from infra/airflow/compose/Dockerfile (FROM the official apache/airflow image; see
  // airflowImageProblems in compose-airflow.test.ts), never pulled.
  'airflow-init': /^tributary-airflow:3\.\d+\.\d+$/,
  'airflow-api-server': /^tributary-airflow:3\.\d+\.\d+$/,
  'airflow-scheduler': /^tributary-airflow:3\.\d+\.\d+$/,
  'airflow-dag-processor': /^tributary-airflow:3\.\d+\.\d+$/,
  provision: /^node:22\.\d+\.\d+(-[a-z]+)*$/,
  functions: /^node:22\.\d+\.\d+(-[a-z]+)*$/,
};

/** What each long-running service's healthcheck must exercise: its own protocol, not `true`. */
const HEALTH_PROBES: Record<string, RegExp> = {
  zookeeper: /\bruok\b[\s\S]*\bimok\b|\bsrvr\b|zookeeper-shell/,
  kafka: /kafka-broker-api-versions|kafka-topics[\s\S]*--list/,
  'schema-registry': /curl[\s\S]*\/subjects\b/,
  'control-center': /curl[\s\S]*:9021\b/,
  postgres: /\bpg_isready\b|\bpsql\b[\s\S]*select/i,
  cassandra: /\bcqlsh\b[\s\S]*describe keyspaces/i,
  'spark-master': /curl[\s\S]*:8080\/json[\s\S]*ALIVE/,
  'spark-worker': /curl[\s\S]*\/json[\s\S]*spark:\/\/spark-master:7077/,
  'spark-job': /curl[\s\S]*:4040\/api\/v1\/applications[\s\S]*tributary-user-aggregates/,
  'airflow-db': /\bpg_isready\b|\bpsql\b[\s\S]*select/i,
  'airflow-api-server': /curl[\s\S]*:8080\/api\/v2\/monitor\/health/,
  'airflow-scheduler': /curl[\s\S]*:8974\/health/,
  'airflow-dag-processor': /airflow jobs check[\s\S]*--job-type DagProcessorJob/,
  functions: /fetch\('http:\/\/127\.0\.0\.1:3002\//,
};

/** Named volumes the stateful services must keep their data in (container path). */
function dataDirs(c: Compose): Record<string, string> {
  // PostgreSQL 18+ images put PGDATA under /var/lib/postgresql/<major>/docker.
  const pgData = (name: string): string =>
    Number(/^postgres:(\d+)/.exec(c.services[name]?.image ?? '')?.[1] ?? 0) >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data';
  return {
    zookeeper: '/var/lib/zookeeper/data',
    kafka: '/var/lib/kafka/data',
    postgres: pgData('postgres'),
    cassandra: '/var/lib/cassandra',
    'airflow-db': pgData('airflow-db'),
    // AIRFLOW_HOME, shared by the Airflow containers: the keys, the login file, the task logs.
    ...Object.fromEntries(AIRFLOW_SERVICES.map((name) => [name, AIRFLOW_HOME])),
  };
}

/** The variables layers/config/index.ts reads that the containers must set. */
const CONFIG_VARIABLES = [
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
  'POSTGRES_HOST',
  'POSTGRES_PORT',
  'POSTGRES_DB',
  'POSTGRES_USER',
  'POSTGRES_PASSWORD',
  'CASSANDRA_CONTACT_POINTS',
  'CASSANDRA_DC',
  'CASSANDRA_KEYSPACE',
  'TOPIC_USERS_RAW',
  'TOPIC_USERS_CLEAN',
  'TOPIC_USERS_DLQ',
];
const NODE_SERVICES = ['provision', 'functions'];

// ---------------------------------------------------------------------------------------------
// Checks

function interpolationProblems(uses: Array<{ name: string; fallback: boolean }>): string[] {
  const bare = [...new Set(uses.filter((u) => !u.fallback).map((u) => u.name))];
  return bare.map((name) => `\${${name}} has no default: Compose would use "" without a .env (write \${${name}:-value}, or $$ for a literal $)`);
}

function portProblems(c: Compose, t: Topology): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(t.ports)) {
    if (!(key in PORT_OWNERS)) problems.push(`topology port "${key}" has no owner in this test: say which compose service publishes it`);
  }
  const owners = new Map<number, string>();
  for (const [key, owner] of Object.entries(PORT_OWNERS)) {
    const hostPort = t.ports[key as keyof Topology['ports']];
    if (hostPort === undefined) continue;
    owners.set(hostPort, owner.service);
    const service = c.services[owner.service];
    if (!service) {
      problems.push(`topology port ${key} (${hostPort}) belongs to service "${owner.service}", which is missing`);
      continue;
    }
    const match = publishedPorts(service).find((p) => p.published === hostPort);
    if (!match) problems.push(`${owner.service} does not publish host port ${hostPort} (topology ports.${key})`);
    else if (match.target !== owner.target)
      problems.push(`${owner.service} publishes ${hostPort} to container port ${match.target}, expected ${owner.target} (ports.${key})`);
  }
  const seen = new Map<number, string>();
  for (const [name, service] of Object.entries(c.services)) {
    for (const p of publishedPorts(service)) {
      const other = seen.get(p.published);
      if (other) problems.push(`host port ${p.published} is published by both ${other} and ${name}`);
      seen.set(p.published, name);
      const owner = owners.get(p.published);
      if (owner && owner !== name) problems.push(`${name} publishes host port ${p.published}, which topology gives to ${owner}`);
    }
  }
  return problems;
}

function kafkaListenerProblems(c: Compose): string[] {
  const kafka = c.services.kafka;
  if (!kafka) return ['no kafka service'];
  const env = environmentOf(kafka);
  const advertised = new Map(
    (env.KAFKA_ADVERTISED_LISTENERS ?? '')
      .split(',')
      .filter(Boolean)
      .map((l) => {
        const m = /^([A-Z_]+):\/\/([^:]+):(\d+)$/.exec(l.trim());
        return [m?.[1] ?? l, { host: m?.[2], port: Number(m?.[3]) }] as const;
      }),
  );
  const listeners = new Map(
    (env.KAFKA_LISTENERS ?? '')
      .split(',')
      .filter(Boolean)
      .map((l) => {
        const m = /^([A-Z_]+):\/\/[^:]*:(\d+)$/.exec(l.trim());
        return [m?.[1] ?? l, Number(m?.[2])] as const;
      }),
  );
  const problems: string[] = [];
  const internal = advertised.get(env.KAFKA_INTER_BROKER_LISTENER_NAME ?? '');
  if (internal?.host !== 'kafka' || internal.port !== 29092)
    problems.push(`the inter-broker listener must be advertised as kafka:29092, got ${JSON.stringify(internal)}`);
  const host = [...advertised.entries()].find(([, a]) => a.host === 'localhost');
  if (!host) problems.push('no listener is advertised to the host as localhost');
  else {
    const [name, a] = host;
    const published = publishedPorts(kafka).find((p) => p.target === listeners.get(name));
    if (!published) problems.push(`the host listener ${name} (container port ${listeners.get(name)}) is not published`);
    else if (published.published !== a.port) problems.push(`kafka advertises localhost:${a.port} but publishes host port ${published.published}`);
  }
  return problems;
}

/** Service hostnames and ports the Tributary containers are pointed at. */
function configProblems(c: Compose, configSource: string): string[] {
  const problems: string[] = [];
  for (const name of CONFIG_VARIABLES) {
    if (!configSource.includes(`'${name}'`)) problems.push(`layers/config/index.ts no longer reads ${name}: update this test`);
  }
  for (const name of NODE_SERVICES) {
    const service = c.services[name];
    if (!service) {
      problems.push(`no ${name} service`);
      continue;
    }
    const env = environmentOf(service);
    for (const v of CONFIG_VARIABLES) if (!env[v]) problems.push(`${name} does not set ${v}`);
    for (const broker of (env.KAFKA_BROKERS ?? '').split(',').filter(Boolean)) {
      if (broker.trim() !== 'kafka:29092') problems.push(`${name}: KAFKA_BROKERS entry "${broker}" is not the internal listener kafka:29092`);
    }
    const registry = /^http:\/\/([^:/]+):(\d+)/.exec(env.SCHEMA_REGISTRY_URL ?? '');
    if (registry?.[1] !== 'schema-registry' || registry[2] !== '8081')
      problems.push(`${name}: SCHEMA_REGISTRY_URL "${env.SCHEMA_REGISTRY_URL}" is not http://schema-registry:8081`);
    if (env.POSTGRES_HOST !== 'postgres' || env.POSTGRES_PORT !== '5432')
      problems.push(`${name}: POSTGRES_HOST/PORT ${env.POSTGRES_HOST}:${env.POSTGRES_PORT} is not postgres:5432`);
    for (const point of (env.CASSANDRA_CONTACT_POINTS ?? '').split(',').filter(Boolean)) {
      const [host, port] = point.trim().split(':');
      if (host !== 'cassandra' || (port !== undefined && port !== '9042'))
        problems.push(`${name}: CASSANDRA_CONTACT_POINTS entry "${point}" is not cassandra:9042`);
    }
  }
  const lambdaPort = PORT_OWNERS.offlineLambda;
  for (const [name, service] of Object.entries(c.services)) {
    const endpoint = environmentOf(service).LAMBDA_ENDPOINT;
    if (endpoint !== undefined && endpoint !== `http://${lambdaPort.service}:${lambdaPort.target}`) {
      problems.push(`${name}: LAMBDA_ENDPOINT ${endpoint} is not serverless-offline's http://${lambdaPort.service}:${lambdaPort.target}`);
    }
  }
  const cassandraDc = environmentOf(svc(c, 'cassandra')).CASSANDRA_DC ?? 'datacenter1';
  for (const [name, service] of Object.entries(c.services)) {
    const dc = environmentOf(service).CASSANDRA_DC;
    if (name !== 'cassandra' && dc !== undefined && dc !== cassandraDc)
      problems.push(`${name}: CASSANDRA_DC ${dc} differs from the cassandra container's ${cassandraDc}`);
  }
  return problems;
}

/**
 * Topics only ever come from the manifest (via provision, which must see the repository), and the
 * cluster can hold them. The names themselves are the manifest's, written in by npm run generate.
 */
function clusterProblems(c: Compose, t: Topology): string[] {
  const problems: string[] = [];
  const kafkaEnv = environmentOf(svc(c, 'kafka'));
  if (kafkaEnv.KAFKA_AUTO_CREATE_TOPICS_ENABLE !== 'false') problems.push('kafka must not auto-create topics: they come from infra/topology.json');
  const brokers = Object.values(c.services).filter((s) => /cp-kafka|cp-server|apache\/kafka/.test(s.image ?? '')).length;
  for (const topic of Object.values(t.kafka.topics)) {
    if (topic.replicationFactor > brokers)
      problems.push(`topic ${topic.name} wants replication factor ${topic.replicationFactor}, compose runs ${brokers} broker(s)`);
  }
  for (const [name, service] of Object.entries(c.services)) {
    for (const [key, value] of Object.entries(environmentOf(service))) {
      if (/REPLICATION(_FACTOR)?$/.test(key) && Number(value) > brokers) problems.push(`${name}: ${key}=${value} exceeds the ${brokers} broker(s)`);
    }
  }
  const cassandraNodes = Object.values(c.services).filter((s) => /^cassandra:/.test(s.image ?? '')).length;
  const rf = Number(t.cassandra.replication.replication_factor ?? 0);
  if (rf > cassandraNodes) problems.push(`keyspace replication factor ${rf} exceeds the ${cassandraNodes} Cassandra node(s)`);

  // provision must see the repository (infra/topology.json) where it runs the shared script.
  const provision = c.services.provision;
  if (!provision) problems.push('no provision service');
  else {
    const repoMount = (provision.volumes ?? []).map(String).find((v) => v.startsWith('.:'));
    const target = repoMount?.split(':')[1];
    if (!target || target !== provision.working_dir)
      problems.push(`provision must mount the repository (.) at its working_dir, got ${repoMount} / ${provision.working_dir}`);
    if (!/npx tsx scripts\/stack\/provision\.ts/.test(commandOf(provision)))
      problems.push(`provision does not run scripts/stack/provision.ts: ${commandOf(provision)}`);
  }
  return problems;
}

function imageProblems(c: Compose): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(c.services)) {
    const image = service.image ?? '';
    const [ref, digest] = image.split('@');
    const tag = /:([^/:]+)$/.exec(ref ?? '')?.[1];
    if (!image) problems.push(`${name} has no image`);
    else if (!tag && !digest) problems.push(`${name}: image ${image} is not pinned (no tag)`);
    else if (tag === 'latest') problems.push(`${name}: image ${image} uses latest`);
    else if (tag && !/\d+\.\d+/.test(tag)) problems.push(`${name}: image tag ${tag} is not a version`);
    const rule = IMAGES[name];
    if (!rule) problems.push(`${name} has no image rule in this test`);
    else if (!rule.test(image)) problems.push(`${name}: image ${image} does not match ${rule}`);
  }
  const confluent = new Set(
    Object.values(c.services)
      .map((s) => /^confluentinc\/cp-[a-z-]+:(.+)$/.exec(s.image ?? '')?.[1])
      .filter(Boolean),
  );
  if (confluent.size > 1) problems.push(`Confluent images mix versions: ${[...confluent].join(', ')}`);
  const spark = new Set([c.services['spark-master']?.image, c.services['spark-worker']?.image, c.services['spark-job']?.image]);
  if (spark.size > 1) problems.push(`spark master, worker and job run different images: ${[...spark].join(', ')}`);
  return problems;
}

function healthProblems(c: Compose): string[] {
  const problems: string[] = [];
  const oneShot = oneShotServices(c);
  for (const [name, service] of Object.entries(c.services)) {
    if (oneShot.has(name)) {
      if (service.healthcheck) problems.push(`${name} is one-shot (others wait for it to complete) but has a healthcheck`);
      if (service.restart !== undefined && !/^(no|on-failure(:\d+)?)$/.test(service.restart))
        problems.push(`${name} is one-shot but restart: ${service.restart} would run it forever`);
      continue;
    }
    const hc = service.healthcheck;
    const test = hc?.test;
    const kind = Array.isArray(test) ? test[0] : undefined;
    if (!hc || hc.disable || test === undefined) {
      problems.push(`${name} is long-running and has no healthcheck`);
      continue;
    }
    if (typeof test === 'string' ? test.trim() === '' : !(kind === 'CMD' || kind === 'CMD-SHELL') || test.length < 2) {
      problems.push(`${name}: healthcheck test ${JSON.stringify(test)} runs nothing (want ["CMD", ...] or ["CMD-SHELL", "..."])`);
      continue;
    }
    const probe = HEALTH_PROBES[name];
    if (!probe) problems.push(`${name} has no healthcheck rule in this test`);
    else if (!probe.test(healthTest(service))) problems.push(`${name}: healthcheck "${healthTest(service)}" does not exercise its protocol (${probe})`);
  }
  return problems;
}

function dependencyProblems(c: Compose): string[] {
  const problems: string[] = [];
  const oneShot = oneShotServices(c);
  for (const [name, service] of Object.entries(c.services)) {
    for (const dep of dependencies(service)) {
      const target = c.services[dep.name];
      if (!target) {
        problems.push(`${name} depends on unknown service ${dep.name}`);
        continue;
      }
      if (dep.condition === 'service_healthy') {
        if (!target.healthcheck || target.healthcheck.disable) problems.push(`${name} waits for ${dep.name} to be healthy, but it has no healthcheck`);
      } else if (dep.condition === 'service_completed_successfully') {
        if (!oneShot.has(dep.name)) problems.push(`${name} waits for ${dep.name} to complete, but it is not one-shot`);
      } else {
        problems.push(`${name} depends on ${dep.name} without condition service_healthy / service_completed_successfully (got ${dep.condition ?? 'none'})`);
      }
    }
  }
  // No cycles (Compose refuses them).
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      problems.push(`dependency cycle: ${[...trail, name].join(' -> ')}`);
      return;
    }
    state.set(name, 'visiting');
    for (const dep of dependencies(c.services[name] ?? {})) if (c.services[dep.name]) visit(dep.name, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(c.services)) visit(name, []);
  // functions start only after provision created the topics, tables and migrations.
  const functionsDeps = dependencies(c.services.functions ?? {});
  if (!functionsDeps.some((d) => d.name === 'provision' && d.condition === 'service_completed_successfully')) {
    problems.push('functions must wait for provision: service_completed_successfully');
  }
  for (const infra of ['kafka', 'schema-registry', 'postgres', 'cassandra']) {
    if (!dependencies(c.services.provision ?? {}).some((d) => d.name === infra && d.condition === 'service_healthy')) {
      problems.push(`provision must wait for ${infra}: service_healthy`);
    }
  }
  return problems;
}

function volumeProblems(c: Compose): string[] {
  const problems: string[] = [];
  const declared = new Set(Object.keys(c.volumes ?? {}));
  const used = new Set<string>();
  const mounts = (s: Service): Array<{ source: string; target: string }> =>
    (s.volumes ?? []).map((v) => {
      if (typeof v === 'string') {
        const [source = '', target = ''] = v.split(':');
        return { source, target };
      }
      return { source: String(v.source ?? ''), target: String(v.target ?? '') };
    });
  for (const [name, service] of Object.entries(c.services)) {
    for (const { source } of mounts(service)) {
      if (source === '' || /^[./~]/.test(source)) continue; // bind mount or anonymous volume
      used.add(source);
      if (!declared.has(source)) problems.push(`${name} mounts volume ${source}, which is not declared under top-level volumes`);
    }
  }
  for (const name of declared) if (!used.has(name)) problems.push(`volume ${name} is declared but never mounted`);
  for (const [name, dir] of Object.entries(dataDirs(c))) {
    const service = c.services[name];
    const mount = service && mounts(service).find((m) => m.target === dir);
    if (!mount) problems.push(`${name} keeps its data in ${dir} but mounts no volume there`);
    else if (!declared.has(mount.source)) problems.push(`${name}: ${dir} is not on a named volume`);
  }
  const cassandra = environmentOf(c.services.cassandra ?? {});
  if (!/^\d+[MG]$/i.test(cassandra.MAX_HEAP_SIZE ?? '') || !/^\d+[MG]$/i.test(cassandra.HEAP_NEWSIZE ?? '')) {
    problems.push('cassandra must bound its heap with both MAX_HEAP_SIZE and HEAP_NEWSIZE');
  }
  for (const name of AIRFLOW_SERVICES) {
    const airflow = c.services[name];
    const dags = airflow && (airflow.volumes ?? []).map(String).find((v) => v.split(':')[1] === `${AIRFLOW_HOME}/dags`);
    if (dags !== './dags:/opt/airflow/dags:ro') problems.push(`${name} must mount ./dags read-only at ${AIRFLOW_HOME}/dags, got ${dags}`);
  }
  return problems;
}

/** The native node's settings the container must share: durability, the write path, single-node behaviour. */
const CASSANDRA_SHARED_SETTINGS = [
  'commitlog_sync',
  'commitlog_sync_group_window',
  'concurrent_writes',
  'memtable_allocation_type',
  'memtable_offheap_space',
  'hinted_handoff_enabled',
  'auto_snapshot',
];

function cassandraSettingProblems(c: Compose): string[] {
  // The native file is a template: its @…@ placeholders are filled in by scripts/stack/services/cassandra.ts.
  const native = parseYaml(readText(REPO_ROOT, 'infra/native/cassandra/cassandra.yaml').replace(/@[A-Z_]+@/g, 'x')) as Record<string, unknown>;
  const opts = (environmentOf(svc(c, 'cassandra')).JVM_EXTRA_OPTS ?? '').split(/\s+/).filter(Boolean);
  const problems: string[] = [];
  if (!opts.includes('-Dcassandra.config.allow_system_properties=true')) {
    problems.push('cassandra: JVM_EXTRA_OPTS must set -Dcassandra.config.allow_system_properties=true, or Cassandra ignores the settings');
  }
  const set = new Map<string, string>();
  for (const opt of opts) {
    const m = /^-Dcassandra\.settings\.([a-z_]+)=(.*)$/.exec(opt);
    if (m) set.set(m[1]!, m[2]!);
  }
  for (const key of CASSANDRA_SHARED_SETTINGS) {
    const want = String(native[key]);
    const got = set.get(key);
    if (got === undefined) problems.push(`cassandra: ${key} is not set; the native node has ${want}`);
    else if (got !== want) problems.push(`cassandra: ${key} is ${got}, the native node has ${want}`);
  }
  // The image's file sets a 10 s period for its periodic mode; group mode wants none.
  if (set.get('commitlog_sync') === 'group' && set.get('commitlog_sync_period') !== '0ms')
    problems.push("cassandra: group commit needs commitlog_sync_period=0ms over the image's 10000ms");
  return problems;
}

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml is a valid Compose file', () => {
  const validate = createSchemaValidator();

  it('validates against the Compose Specification schema, with no .env and with .env.example', () => {
    for (const resolved of [withDefaults.compose, withEnvExample.compose]) {
      expect(validate(resolved)).toEqual([]);
      expect(loaderProblems(resolved)).toEqual([]);
    }
  });

  it('the schema and loader checks reject what Compose would reject', () => {
    const typo = clone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    (typo.services.kafka as Record<string, unknown>).healthchek = { test: ['CMD', 'true'] };
    expect(validate(typo).join('\n')).toMatch(/\/services\/kafka must NOT have unevaluated properties.*healthchek/);
    const badCondition = clone(compose);
    svc(badCondition, 'functions').depends_on = { provision: { condition: 'service_done' } };
    expect(validate(badCondition).join('\n')).toMatch(/depends_on\/provision\/condition.*allowed values/);
    const badType = clone(compose);
    (svc(badType, 'postgres').healthcheck as Record<string, unknown>).interval = 5;
    expect(validate(badType).join('\n')).toMatch(/\/services\/postgres\/healthcheck\/interval must be string/);
    // The schema leaves durations and short-syntax ports as strings; Compose's loader parses them.
    const badDuration = clone(compose);
    (svc(badDuration, 'postgres').healthcheck as Record<string, unknown>).interval = 'five seconds';
    expect(validate(badDuration)).toEqual([]);
    expect(loaderProblems(badDuration)).toEqual(['services.postgres.healthcheck.interval: "five seconds" is not a duration']);
    const badPort = clone(compose);
    svc(badPort, 'postgres').ports = ['localhost:5432:5432:1'];
    expect(loaderProblems(badPort)).toEqual(['services.postgres.ports: "localhost:5432:5432:1" is not [[ip:]host:]container[/protocol]']);
  });

  it('works without a .env: every variable has a default, and every $ is an interpolation or $$', () => {
    expect(interpolationProblems(withDefaults.uses)).toEqual([]);
    expect(withDefaults.uses.length).toBeGreaterThan(0);
    // …and the check fails on a bare variable or a shell $ that should have been $$.
    expect(interpolationProblems(resolveCompose({ x: 'host=${DB_HOST}' }, {}).uses)).toHaveLength(1);
    expect(interpolationProblems(resolveCompose({ x: 'read reply; [ "$reply" = imok ]' }, {}).uses)).toHaveLength(1);
    expect(() => interpolate('echo $(hostname)', {})).toThrow(InterpolationError);
    expect(interpolate('$${HOME}:${A:-x}:${B-y}:${C:+z}', { C: '1', B: '' })).toBe('${HOME}:x::z');
    expect(() => interpolate('${A:?set A}', {})).toThrow(/set A/);
  });
});

describe('docker-compose.yml is wired to the manifest and layers/config', () => {
  const configSource = readText(REPO_ROOT, 'layers/config/index.ts');

  it('publishes every topology port from the service of that name, on the right container port', () => {
    expect(portProblems(compose, topology)).toEqual([]);
    const moved = clone(compose);
    svc(moved, 'schema-registry').ports = ['127.0.0.1:18081:8081'];
    expect(portProblems(moved, topology)).toEqual(['schema-registry does not publish host port 8081 (topology ports.schemaRegistry)']);
    const wrongTarget = clone(compose);
    svc(wrongTarget, 'spark-master').ports = ['127.0.0.1:7077:7077', '127.0.0.1:9090:9090'];
    expect(portProblems(wrongTarget, topology)).toEqual(['spark-master publishes 9090 to container port 9090, expected 8080 (ports.sparkUi)']);
    const stolen = clone(compose);
    svc(stolen, 'spark-worker').ports = ['127.0.0.1:8081:8081'];
    expect(portProblems(stolen, topology)).toEqual(expect.arrayContaining(['spark-worker publishes host port 8081, which topology gives to schema-registry']));
    expect(portProblems(compose, { ...topology, ports: { ...topology.ports, kafkaUi: 8088 } as Topology['ports'] })).toEqual([
      'topology port "kafkaUi" has no owner in this test: say which compose service publishes it',
    ]);
  });

  it('a port moved in .env moves both the published port and what Kafka advertises', () => {
    const moved = resolveCompose(raw, { KAFKA_PORT: '19092', POSTGRES_PORT: '15432' }).compose;
    expect(publishedPorts(svc(moved, 'kafka'))).toEqual([{ hostIp: '127.0.0.1', published: 19092, target: 9092 }]);
    expect(publishedPorts(svc(moved, 'postgres'))).toEqual([{ hostIp: '127.0.0.1', published: 15432, target: 5432 }]);
    expect(kafkaListenerProblems(moved)).toEqual([]);
    // Inside the network nothing moves: the containers still use postgres:5432.
    expect(environmentOf(svc(moved, 'functions')).POSTGRES_PORT).toBe('5432');
  });

  it('Kafka has the internal listener kafka:29092 and a host listener on the published port', () => {
    expect(kafkaListenerProblems(compose)).toEqual([]);
    const broken = clone(compose);
    setEnv(svc(broken, 'kafka'), 'KAFKA_ADVERTISED_LISTENERS', 'INTERNAL://kafka:29092,HOST://localhost:9093');
    expect(kafkaListenerProblems(broken)).toEqual(['kafka advertises localhost:9093 but publishes host port 9092']);
  });

  it("gives the functions' process the Node flags npm start gives it", () => {
    expect(environmentOf(svc(compose, 'functions')).NODE_OPTIONS?.split(' ')).toEqual(NODE22_FUNCTIONS_FLAGS);
    expect(commandOf(svc(compose, 'functions'))).toBe(`node ${FUNCTIONS_V8_FLAGS.join(' ')} node_modules/osls/bin/serverless.js offline start --host 0.0.0.0`);
  });

  it("gives the cassandra container the native node's write-path settings (group commit above all)", () => {
    expect(cassandraSettingProblems(compose)).toEqual([]);
    const periodic = clone(compose);
    const opts = environmentOf(svc(periodic, 'cassandra')).JVM_EXTRA_OPTS ?? '';
    setEnv(svc(periodic, 'cassandra'), 'JVM_EXTRA_OPTS', opts.replace('commitlog_sync=group', 'commitlog_sync=periodic'));
    expect(cassandraSettingProblems(periodic)).toEqual(['cassandra: commitlog_sync is periodic, the native node has group']);
    const unread = clone(compose);
    setEnv(svc(unread, 'cassandra'), 'JVM_EXTRA_OPTS', opts.replace('-Dcassandra.config.allow_system_properties=true', ''));
    expect(cassandraSettingProblems(unread)).toEqual([
      'cassandra: JVM_EXTRA_OPTS must set -Dcassandra.config.allow_system_properties=true, or Cassandra ignores the settings',
    ]);
  });

  it("runs the cassandra container with the native node's timer slack, then the image's own entrypoint", () => {
    const cassandra = svc(compose, 'cassandra');
    expect(cassandra.entrypoint).toEqual(['sh', '-c', timerSlackScript(CASSANDRA_TIMER_SLACK_NS), 'docker-entrypoint.sh']);
    expect(cassandra.command).toEqual(['cassandra', '-f']);
  });

  it('points provision and functions at the containers with the variables layers/config reads', () => {
    expect(configProblems(compose, configSource)).toEqual([]);
    const broken = clone(compose);
    setEnv(svc(broken, 'functions'), 'KAFKA_BROKERS', 'localhost:9092');
    setEnv(svc(broken, 'provision'), 'CASSANDRA_CONTACT_POINTS', '127.0.0.1:9042');
    expect(configProblems(broken, configSource)).toEqual([
      'provision: CASSANDRA_CONTACT_POINTS entry "127.0.0.1:9042" is not cassandra:9042',
      'functions: KAFKA_BROKERS entry "localhost:9092" is not the internal listener kafka:29092',
    ]);
    const lambda = clone(compose);
    setEnv(svc(lambda, 'airflow-scheduler'), 'LAMBDA_ENDPOINT', 'http://127.0.0.1:3002');
    expect(configProblems(lambda, configSource)).toEqual([
      "airflow-scheduler: LAMBDA_ENDPOINT http://127.0.0.1:3002 is not serverless-offline's http://functions:3002",
    ]);
    const missing = clone(compose);
    svc(missing, 'functions').environment = {};
    expect(configProblems(missing, configSource)).toEqual(expect.arrayContaining(['functions does not set SCHEMA_REGISTRY_URL']));
    expect(configProblems(compose, configSource.replace("'CASSANDRA_DC'", "'CASSANDRA_LOCAL_DC'"))).toEqual([
      'layers/config/index.ts no longer reads CASSANDRA_DC: update this test',
    ]);
  });

  it('creates topics only through provision, on a cluster that can hold them', () => {
    expect(clusterProblems(compose, topology)).toEqual([]);
    const replicated = {
      ...topology,
      kafka: { ...topology.kafka, topics: { ...topology.kafka.topics, dlq: { ...topology.kafka.topics.dlq, replicationFactor: 3 } } },
    };
    expect(clusterProblems(compose, replicated)).toEqual(['topic users.dlq wants replication factor 3, compose runs 1 broker(s)']);
    const autoCreate = clone(compose);
    setEnv(svc(autoCreate, 'kafka'), 'KAFKA_AUTO_CREATE_TOPICS_ENABLE', 'true');
    expect(clusterProblems(autoCreate, topology)).toEqual(['kafka must not auto-create topics: they come from infra/topology.json']);
    const elsewhere = clone(compose);
    svc(elsewhere, 'provision').working_dir = '/srv';
    expect(clusterProblems(elsewhere, topology)).toEqual(['provision must mount the repository (.) at its working_dir, got .:/app / /srv']);
  });
});

describe('docker-compose.yml images, healthchecks, dependencies and volumes', () => {
  it('pins every image to a version (never latest, never untagged), from the official images', () => {
    expect(imageProblems(compose)).toEqual([]);
    for (const [image, expected] of [
      ['postgres', 'postgres: image postgres is not pinned (no tag)'],
      ['postgres:latest', 'postgres: image postgres:latest uses latest'],
      ['postgres:18', 'postgres: image tag 18 is not a version'],
    ] as const) {
      const broken = clone(compose);
      svc(broken, 'postgres').image = image;
      expect(imageProblems(broken)).toEqual(expect.arrayContaining([expected]));
    }
    const bitnami = clone(compose);
    svc(bitnami, 'spark-worker').image = 'bitnami/spark:3.5.1';
    expect(imageProblems(bitnami).join('\n')).toMatch(/spark-worker: image bitnami\/spark:3\.5\.1 does not match/);
    const mixed = clone(compose);
    svc(mixed, 'schema-registry').image = 'confluentinc/cp-schema-registry:7.8.0';
    expect(imageProblems(mixed).join('\n')).toMatch(/Confluent images mix versions/);
  });

  it('gives every long-running service a healthcheck that speaks its protocol', () => {
    expect(healthProblems(compose)).toEqual([]);
    expect([...oneShotServices(compose)].sort()).toEqual(['airflow-init', 'provision']);
    const none = clone(compose);
    delete svc(none, 'cassandra').healthcheck;
    expect(healthProblems(none)).toEqual(['cassandra is long-running and has no healthcheck']);
    const trivial = clone(compose);
    svc(trivial, 'kafka').healthcheck = { test: ['CMD', 'true'] };
    expect(healthProblems(trivial).join('\n')).toMatch(/kafka: healthcheck "CMD true" does not exercise its protocol/);
    const disabled = clone(compose);
    svc(disabled, 'postgres').healthcheck = { disable: true };
    expect(healthProblems(disabled)).toEqual(['postgres is long-running and has no healthcheck']);
    const restarting = clone(compose);
    svc(restarting, 'provision').restart = 'unless-stopped';
    expect(healthProblems(restarting)).toEqual(['provision is one-shot but restart: unless-stopped would run it forever']);
  });

  it('makes every depends_on wait on a condition, for services that can meet it', () => {
    expect(dependencyProblems(compose)).toEqual([]);
    const bare = clone(compose);
    svc(bare, 'kafka').depends_on = ['zookeeper'];
    expect(dependencyProblems(bare)).toEqual(['kafka depends on zookeeper without condition service_healthy / service_completed_successfully (got none)']);
    const started = clone(compose);
    svc(started, 'schema-registry').depends_on = { kafka: { condition: 'service_started' } };
    expect(dependencyProblems(started)).toEqual([
      'schema-registry depends on kafka without condition service_healthy / service_completed_successfully (got service_started)',
    ]);
    const unhealthy = clone(compose);
    delete svc(unhealthy, 'zookeeper').healthcheck;
    expect(dependencyProblems(unhealthy)).toEqual(['kafka waits for zookeeper to be healthy, but it has no healthcheck']);
    const cycle = clone(compose);
    svc(cycle, 'zookeeper').depends_on = { kafka: { condition: 'service_healthy' } };
    expect(dependencyProblems(cycle).join('\n')).toMatch(/dependency cycle: .*zookeeper -> kafka|dependency cycle: .*kafka -> zookeeper/);
    const eager = clone(compose);
    svc(eager, 'functions').depends_on = { postgres: { condition: 'service_healthy' } };
    expect(dependencyProblems(eager)).toEqual(['functions must wait for provision: service_completed_successfully']);
  });

  it('keeps state on declared named volumes, bounds the Cassandra heap and mounts the DAGs', () => {
    expect(volumeProblems(compose)).toEqual([]);
    const undeclared = clone(compose);
    svc(undeclared, 'postgres').volumes = ['pgdata:/var/lib/postgresql'];
    expect(volumeProblems(undeclared)).toEqual(expect.arrayContaining(['postgres mounts volume pgdata, which is not declared under top-level volumes']));
    const oldPath = clone(compose);
    svc(oldPath, 'postgres').volumes = ['postgres-data:/var/lib/postgresql/data'];
    expect(volumeProblems(oldPath)).toEqual(['postgres keeps its data in /var/lib/postgresql but mounts no volume there']);
    const bind = clone(compose);
    svc(bind, 'cassandra').volumes = ['./data/cassandra:/var/lib/cassandra'];
    expect(volumeProblems(bind)).toEqual(['volume cassandra-data is declared but never mounted', 'cassandra: /var/lib/cassandra is not on a named volume']);
    const heap = clone(compose);
    svc(heap, 'cassandra').environment = { ...environmentOf(svc(heap, 'cassandra')), HEAP_NEWSIZE: null };
    expect(volumeProblems(heap)).toEqual(['cassandra must bound its heap with both MAX_HEAP_SIZE and HEAP_NEWSIZE']);
  });
});
