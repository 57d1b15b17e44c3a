/** sink: Kafka-triggered on users.clean (values decoded by the mapping); idempotent upserts into Cassandra created_users. */
import { cleanUserJson } from '../layers/domain/avro';
import { sinkDeps } from '../layers/pipeline/deps/sink';
import { kafkaStageHandler } from '../layers/pipeline/kafka-handler';
import { sinkRecords } from '../layers/pipeline/sink-records';

export const handler = kafkaStageHandler('sink', cleanUserJson, sinkDeps, sinkRecords, 'sunk');
