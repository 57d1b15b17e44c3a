/** sink: Kafka-triggered on users.clean; idempotent upserts into Cassandra created_users. */
import middy from '@middy/core';
import { flattenKafkaEvent, recordName } from '../layers/domain/kafka-records';
import { logger } from '../layers/logging/logger';
import { pipelineMiddleware } from '../layers/pipeline/middleware';
import { sinkDeps } from '../layers/pipeline/dependencies';
import { sinkRecords } from '../layers/pipeline/sink-records';

export const handler = middy(async (event: unknown) => {
  const records = flattenKafkaEvent(event);
  if (records.length > 0) logger.appendKeys({ batch_id: `sink:${recordName(records[0]!)}+${records.length}` });
  const report = await sinkRecords(await sinkDeps(), records);
  logger.info('sunk', { ...report });
  return report;
}).use(pipelineMiddleware());
