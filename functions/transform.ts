/** transform: Kafka-triggered on users.raw (values decoded by the mapping); clean users to users.clean, bad records to users.dlq. */
import { rawUserJson } from '../layers/domain/avro';
import { transformDeps } from '../layers/pipeline/deps/transform';
import { kafkaStageHandler } from '../layers/pipeline/kafka-handler';
import { transformRecords } from '../layers/pipeline/transform-records';

export const handler = kafkaStageHandler('transform', rawUserJson, transformDeps, transformRecords, 'transformed');
