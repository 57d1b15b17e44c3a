import topologyJson from '../../infra/topology.json';

/**
 * The manifest (infra/topology.json), typed: every infrastructure name and setting, once. Read
 * here, by serverless.yml (${file(./infra/topology.json):…}) and by scripts/manifest, which writes
 * its values into docker-compose.yml and .env.example.
 */
export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

/** The pipeline's topics by role: what fetch's users go to, what transform makes of them, what fails. */
export type TopicRole = 'raw' | 'clean' | 'dlq';

/** serverless.yml's functions; each is deployed as `<service>-<stage>-<function>`. TypeScript needs the
 * names as a type: the manifest's list is checked against it when it is read. */
const FUNCTION_KEYS = ['fetch', 'persist', 'publish', 'transform', 'sink'] as const;
export type FunctionKey = (typeof FUNCTION_KEYS)[number];

export interface Topology {
  service: string;
  functions: FunctionKey[];
  /** Host ports of the native stack and of docker-compose.yml's published ports. */
  ports: {
    zookeeper: number;
    kafka: number;
    schemaRegistry: number;
    postgres: number;
    cassandra: number;
    offlineHttp: number;
    offlineLambda: number;
    airflow: number;
    sparkMaster: number;
    sparkUi: number;
    controlCenter: number;
  };
  kafka: {
    clientId: string;
    topics: Record<TopicRole, TopicSpec>;
    /** The Kafka-triggered functions' consumer groups. */
    consumerGroups: { transform: string; sink: string };
  };
  postgres: { database: string; user: string; migrations: string; registryDatabase: string; airflowDatabase: string };
  cassandra: { keyspace: string; dataCenter: string; replication: Record<string, string | number>; migrations: string };
  schemaRegistry: { compatibility: string };
}

/** The functions a Kafka topic triggers: the ones with a consumer group. */
export type KafkaStage = keyof Topology['kafka']['consumerGroups'];

function functionKeys(listed: string[]): FunctionKey[] {
  const known: readonly string[] = FUNCTION_KEYS;
  if (listed.length !== known.length || !listed.every((key) => known.includes(key)))
    throw new Error(`infra/topology.json: functions ${JSON.stringify(listed)} differ from the handlers' ${JSON.stringify(known)}`);
  return listed as FunctionKey[];
}

// Checked against the type as it is read; only the function keys need telling what they are.
export const topology: Topology = { ...topologyJson, functions: functionKeys(topologyJson.functions) };

/** Every topic of the manifest, for provisioning. */
export const topicSpecs: TopicSpec[] = Object.values(topology.kafka.topics);

/** A function's deployed name, as serverless names it. */
export function functionName(key: FunctionKey, stage: string, t: Topology = topology): string {
  return `${t.service}-${stage}-${key}`;
}
