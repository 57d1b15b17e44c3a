/** transform: Kafka-triggered on users.raw; clean users to users.clean, bad records to users.dlq. */
import { transformDeps } from '../layers/pipeline/dependencies';
import { kafkaStageHandler } from '../layers/pipeline/kafka-handler';
import { transformRecords } from '../layers/pipeline/transform-records';

export const handler = kafkaStageHandler('transform', transformDeps, transformRecords, 'transformed');
