/** The process's Cassandra session, connected on first use. */
import type { Client } from 'cassandra-driver';
import { createCassandra } from '../../adapters/cassandra';
import { pipelineConfig, registerClient } from './registry';

let cassandra: Promise<Client> | undefined;

export function cassandraClient(): Promise<Client> {
  if (!cassandra) {
    const client = createCassandra(pipelineConfig().cassandra);
    const connected = client.connect().then(() => client);
    cassandra = connected;
    connected.catch(() => {
      if (cassandra === connected) cassandra = undefined;
    });
    registerClient(async () => {
      if (cassandra === connected) cassandra = undefined;
      await (await connected).shutdown();
    });
  }
  return cassandra;
}
