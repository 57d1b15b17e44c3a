/** The benchmark's own clients of the stack, pointed at its sandbox (the stack's endpoints, the sandbox's names). */
import type { Client } from 'cassandra-driver';
import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { AvroCodec } from '../../../layers/adapters/avro-codec';
import { createCassandra } from '../../../layers/adapters/cassandra';
import { createPool } from '../../../layers/adapters/postgres';
import { createAvroCodec } from '../../../layers/adapters/schema-registry';
import type { Config } from '../../../layers/config';
import { progress } from './progress';
import { sandboxConfig, type Sandbox } from './sandbox';

export interface Clients {
  /** The stack's endpoints with the sandbox's database, keyspace and topics. */
  config: Config;
  sandbox: Sandbox;
  pool: Pool;
  kafka: Kafka;
  admin: Admin;
  cassandra: Client;
  codec: AvroCodec;
}

/** Clients of the sandbox; the Kafka client and its connected admin are the stack's (topics are named per run). */
export async function openClients(config: Config, sandbox: Sandbox, kafka: Kafka, admin: Admin): Promise<Clients> {
  const benchConfig = sandboxConfig(config, sandbox);
  const clients: Clients = {
    config: benchConfig,
    sandbox,
    pool: createPool(benchConfig.postgres, { max: 4 }),
    kafka,
    admin,
    cassandra: createCassandra(benchConfig.cassandra),
    codec: createAvroCodec(config.schemaRegistry),
  };
  // An idle connection's end (PostgreSQL restarted under the run) is the run's failure, not an unhandled crash that skips the cleanup.
  clients.pool.on('error', (error) => progress(`PostgreSQL pool: ${error.message}`));
  await clients.cassandra.connect();
  return clients;
}
