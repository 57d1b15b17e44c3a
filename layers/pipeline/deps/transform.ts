/** transform's ports: Kafka and the registry's Avro codec. */
import { kafkaTopicWriter } from '../../adapters/kafka';
import { logger } from '../../logging/logger';
import { kafkaProducer } from '../clients/kafka';
import { pipelineConfig } from '../clients/registry';
import { schemaCodec } from '../clients/schema-registry';
import { currentInvocation } from '../invocation';
import type { TransformDeps } from '../transform-records';

export async function transformDeps(): Promise<TransformDeps> {
  return {
    writer: kafkaTopicWriter(await kafkaProducer()),
    codec: schemaCodec(),
    topics: pipelineConfig().topics,
    invocation: currentInvocation(),
    log: logger,
  };
}
