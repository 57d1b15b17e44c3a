/** sink: Kafka-triggered on users.clean; idempotent upserts into Cassandra created_users. */
import { flattenKafkaEvent, recordName } from '../layers/domain/kafka-records';
import { logger } from '../layers/logging/logger';
import { lambdaHandler } from '../layers/pipeline/handler';
import { sinkDeps } from '../layers/pipeline/dependencies';
import { sinkRecords } from '../layers/pipeline/sink-records';

export const handler = lambdaHandler(async (event: unknown) => {
  const records = flattenKafkaEvent(event);
  // The event's range of records ("<stage>:<topic>-<partition>@<first offset>+<count>"), not a fetch batch.
  if (records.length > 0) logger.appendKeys({ kafka_batch: `sink:${recordName(records[0]!)}+${records.length}` });
  const report = await sinkRecords(await sinkDeps(), records);
  logger.info('sunk', { ...report });
  return report;
});
