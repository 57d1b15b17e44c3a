/** publish's ports: the outbox in PostgreSQL, Kafka, the registry's Avro codec. */
import { kafkaTopicWriter } from '../../adapters/kafka';
import { postgresOutbox } from '../../adapters/raw-users-store';
import { logger } from '../../logging/logger';
import { kafkaProducer } from '../clients/kafka';
import { postgresPool } from '../clients/postgres';
import { pipelineConfig } from '../clients/registry';
import { schemaCodec } from '../clients/schema-registry';
import { currentInvocation } from '../invocation';
import type { PublishDeps } from '../publish-outbox';

export async function publishDeps(): Promise<PublishDeps> {
  return {
    outbox: postgresOutbox(postgresPool()),
    writer: kafkaTopicWriter(await kafkaProducer()),
    codec: schemaCodec(),
    topics: pipelineConfig().topics,
    invocation: currentInvocation(),
    log: logger,
  };
}
