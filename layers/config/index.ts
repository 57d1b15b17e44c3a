/**
 * The one module that reads the environment. Every setting has a documented default for the
 * native stack (infra/topology.json); containers and AWS differ only by these variables.
 */
import { isSecure, readSecurity, type CassandraAuth, type KafkaAuth, type SecretRef, type TlsSettings } from './security';
import { functionName, topology } from './topology';

export type { CassandraAuth, KafkaAuth, SecretRef, TlsSettings } from './security';
export { SecurityConfigError, secureStackFiles } from './security';

export { functionName, topicSpecs, topology } from './topology';
export type { FunctionKey, KafkaStage, Topology, TopicRole, TopicSpec } from './topology';

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function readInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function readString(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

export interface StackPorts {
  zookeeper: number;
  kafka: number;
  schemaRegistry: number;
  postgres: number;
  cassandra: number;
  airflow: number;
  /** The Spark job's UI and REST API (the optional spark service). */
  sparkUi: number;
}

export interface Config {
  host: string;
  /** The local secure stack (TRIBUTARY_SECURE): its own host and home, TLS and credentials everywhere. */
  secure: boolean;
  ports: StackPorts;
  kafka: { brokers: string[]; clientId: string; tls: TlsSettings; auth: KafkaAuth };
  schemaRegistry: { url: string; tls: TlsSettings; credentials: SecretRef | undefined };
  /** `credentials`, when set, replaces user and password (which then serve the dev stacks only). */
  postgres: { host: string; port: number; database: string; user: string; password: string; tls: TlsSettings; credentials: SecretRef | undefined };
  /** writeConcurrency: the sink's upserts in flight per batch. */
  cassandra: { contactPoints: string[]; localDataCenter: string; keyspace: string; writeConcurrency: number; tls: TlsSettings; auth: CassandraAuth };
  stack: { home: string; javaHome: string | undefined; cassandraHeap: string; kafkaHeap: string };
  randomUser: { baseUrl: string; timeoutMs: number; deadlineMs: number; maxRetries: number; maxResponseBytes: number; resultsPerRequest: number };
  topics: { raw: string; clean: string; dlq: string };
  lambda: { endpoint: string | undefined; region: string; stage: string; persistFunction: string; publishFunction: string };
  publish: { batchSize: number; maxBatchesPerRun: number };
  /** `sls invoke local` (IS_LOCAL without IS_OFFLINE): one invocation, then the process must be able to exit. */
  singleInvocation: boolean;
  /** The native stack's Airflow (scripts/stack/services/airflow.ts): its UI login. */
  airflow: { user: string; password: string };
  /** npm start's status page (scripts/status); not a service of the stack or of compose, so not in the manifest. */
  statusPage: { port: number };
}

export function loadConfig(env: Env = process.env): Config {
  const secure = isSecure(env);
  // The secure stack runs beside the plain one: same ports, another loopback address and home.
  const host = readString(env, 'TRIBUTARY_HOST', secure ? '127.0.0.2' : '127.0.0.1');
  const home = readString(env, 'TRIBUTARY_STACK_HOME', secure ? '.stack-secure' : '.stack');
  const region = readString(env, 'AWS_REGION', 'us-east-1');
  // serverless-offline's default stage; the functions' deployed names carry it.
  const stage = readString(env, 'STAGE', 'dev');
  const ports: StackPorts = {
    zookeeper: readInt(env, 'ZOOKEEPER_PORT', topology.ports.zookeeper),
    kafka: readInt(env, 'KAFKA_PORT', topology.ports.kafka),
    schemaRegistry: readInt(env, 'SCHEMA_REGISTRY_PORT', topology.ports.schemaRegistry),
    postgres: readInt(env, 'POSTGRES_PORT', topology.ports.postgres),
    cassandra: readInt(env, 'CASSANDRA_PORT', topology.ports.cassandra),
    airflow: readInt(env, 'AIRFLOW_PORT', topology.ports.airflow),
    sparkUi: readInt(env, 'SPARK_UI_PORT', topology.ports.sparkUi),
  };
  const registryUrl = readString(env, 'SCHEMA_REGISTRY_URL', `${secure ? 'https' : 'http'}://${host}:${ports.schemaRegistry}/apis/ccompat/v7`);
  const security = readSecurity(env, home, region, registryUrl);
  return {
    host,
    secure,
    ports,
    kafka: {
      brokers: readString(env, 'KAFKA_BROKERS', `${host}:${ports.kafka}`)
        .split(',')
        .map((b) => b.trim()),
      clientId: readString(env, 'KAFKA_CLIENT_ID', topology.kafka.clientId),
      ...security.kafka,
    },
    schemaRegistry: { url: registryUrl, ...security.schemaRegistry },
    postgres: {
      host: readString(env, 'POSTGRES_HOST', host),
      port: ports.postgres,
      database: readString(env, 'POSTGRES_DB', topology.postgres.database),
      user: readString(env, 'POSTGRES_USER', topology.postgres.user),
      // The plain dev stacks' well-known password; AWS and the secure stack read POSTGRES_CREDENTIALS instead.
      password: readString(env, 'POSTGRES_PASSWORD', 'tributary'),
      ...security.postgres,
    },
    cassandra: {
      contactPoints: readString(env, 'CASSANDRA_CONTACT_POINTS', `${host}:${ports.cassandra}`)
        .split(',')
        .map((c) => c.trim()),
      localDataCenter: readString(env, 'CASSANDRA_DC', topology.cassandra.dataCenter),
      keyspace: readString(env, 'CASSANDRA_KEYSPACE', topology.cassandra.keyspace),
      // Cassandra acknowledges a write after its commit-log group window, so throughput grows with
      // writes in flight: 256 did 3x the rate of 64 alone (npm run bench, raw limits).
      writeConcurrency: readInt(env, 'CASSANDRA_WRITE_CONCURRENCY', 256),
      ...security.cassandra,
    },
    randomUser: {
      // The live API by default; tests, benchmarks and offline runs point this at scripts/randomuser.
      baseUrl: readString(env, 'RANDOMUSER_URL', 'https://randomuser.me/api/1.4/'),
      timeoutMs: readInt(env, 'RANDOMUSER_TIMEOUT_MS', 30_000),
      // All attempts of one fetch end by then, well inside the fetch function's timeout (serverless.yml).
      deadlineMs: readInt(env, 'RANDOMUSER_DEADLINE_MS', 240_000),
      maxRetries: readInt(env, 'RANDOMUSER_MAX_RETRIES', 4),
      // The largest real page (5000 users) is about 5.4 MB; anything past 8 MiB is not a randomuser answer.
      maxResponseBytes: readInt(env, 'RANDOMUSER_MAX_BYTES', 8 * 1024 * 1024),
      resultsPerRequest: readInt(env, 'RANDOMUSER_RESULTS', 5000),
    },
    topics: {
      raw: readString(env, 'TOPIC_USERS_RAW', topology.kafka.topics.raw.name),
      clean: readString(env, 'TOPIC_USERS_CLEAN', topology.kafka.topics.clean.name),
      dlq: readString(env, 'TOPIC_USERS_DLQ', topology.kafka.topics.dlq.name),
    },
    lambda: {
      // serverless-offline answers the Lambda API locally; unset on AWS so the SDK uses the real one.
      endpoint: env.LAMBDA_ENDPOINT || undefined,
      region,
      stage,
      persistFunction: readString(env, 'PERSIST_FUNCTION_NAME', functionName('persist', stage)),
      publishFunction: readString(env, 'PUBLISH_FUNCTION_NAME', functionName('publish', stage)),
    },
    singleInvocation: env.IS_LOCAL === 'true' && env.IS_OFFLINE !== 'true',
    publish: {
      batchSize: readInt(env, 'PUBLISH_BATCH_SIZE', 2000),
      maxBatchesPerRun: readInt(env, 'PUBLISH_MAX_BATCHES', 500),
    },
    airflow: {
      // Dev defaults for the simple auth manager; documented in the README.
      user: readString(env, 'AIRFLOW_ADMIN_USER', 'admin'),
      password: readString(env, 'AIRFLOW_ADMIN_PASSWORD', 'admin'),
    },
    statusPage: { port: readInt(env, 'STATUS_PORT', 3100) },
    stack: {
      home,
      javaHome: env.JAVA_HOME || undefined,
      cassandraHeap: readString(env, 'CASSANDRA_HEAP', '1G'),
      kafkaHeap: readString(env, 'KAFKA_HEAP', '512M'),
    },
  };
}
