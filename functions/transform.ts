/** transform: Kafka-triggered on users.raw; clean users to users.clean, bad records to users.dlq. */
import { flattenKafkaEvent, recordName } from '../layers/domain/kafka-records';
import { logger } from '../layers/logging/logger';
import { lambdaHandler } from '../layers/pipeline/handler';
import { transformDeps } from '../layers/pipeline/dependencies';
import { transformRecords } from '../layers/pipeline/transform-records';

export const handler = lambdaHandler(async (event: unknown) => {
  const records = flattenKafkaEvent(event);
  // The event's range of records ("<stage>:<topic>-<partition>@<first offset>+<count>"), not a fetch batch.
  if (records.length > 0) logger.appendKeys({ kafka_batch: `transform:${recordName(records[0]!)}+${records.length}` });
  const report = await transformRecords(await transformDeps(), records);
  logger.info('transformed', { ...report });
  return report;
});
