/** sink's ports: created_users in Cassandra, and Kafka for its dead letters. */
import { kafkaTopicWriter } from '../../adapters/kafka';
import { cassandraCreatedUsers } from '../../adapters/created-users-store';
import { logger } from '../../logging/logger';
import { cassandraClient } from '../clients/cassandra';
import { kafkaProducer } from '../clients/kafka';
import { pipelineConfig } from '../clients/registry';
import { currentInvocation } from '../invocation';
import type { SinkDeps } from '../sink-records';

export async function sinkDeps(): Promise<SinkDeps> {
  const [cassandra, producer] = await Promise.all([cassandraClient(), kafkaProducer()]);
  const c = pipelineConfig();
  return {
    createdUsers: cassandraCreatedUsers(cassandra, c.cassandra.writeConcurrency),
    writer: kafkaTopicWriter(producer),
    topics: c.topics,
    invocation: currentInvocation(),
    log: logger,
  };
}
