/** sink: Kafka-triggered on users.clean; idempotent upserts into Cassandra created_users. */
import { sinkDeps } from '../layers/pipeline/dependencies';
import { kafkaStageHandler } from '../layers/pipeline/kafka-handler';
import { sinkRecords } from '../layers/pipeline/sink-records';

export const handler = kafkaStageHandler('sink', sinkDeps, sinkRecords, 'sunk');
