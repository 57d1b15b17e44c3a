import topologyJson from '../../infra/topology.json';

/** The shared description of names and settings (infra/topology.json), typed. */
export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

export interface Topology {
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
  kafka: { topics: TopicSpec[] };
  postgres: { database: string; user: string; migrations: string; registryDatabase: string; airflowDatabase: string };
  cassandra: { keyspace: string; replication: Record<string, string | number>; migrations: string };
  schemaRegistry: { compatibility: string };
}

export const topology: Topology = topologyJson;
