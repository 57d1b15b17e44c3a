/** sink: Kafka-triggered on users.clean; idempotent upserts into Cassandra created_users. */
import { flattenKafkaEvent, recordName } from '../layers/domain/kafka-records';
import { logger } from '../layers/logging/logger';
import { lambdaHandler } from '../layers/pipeline/handler';
import { sinkDeps } from '../layers/pipeline/dependencies';
import { sinkRecords } from '../layers/pipeline/sink-records';

export const handler = lambdaHandler(async (event: unknown) => {
  const records = flattenKafkaEvent(event);
  if (records.length > 0) logger.appendKeys({ batch_id: `sink:${recordName(records[0]!)}+${records.length}` });
  const report = await sinkRecords(await sinkDeps(), records);
  logger.info('sunk', { ...report });
  return report;
});
