/**
 * The handler shape of a Kafka-triggered stage (transform, sink): read the event's records with
 * the stage's schema (./kafka-event.ts), run the stage, log its report.
 */
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import type { KafkaStage } from '../config';
import { type KafkaRecordIn, recordName } from '../domain/kafka-records';
import { logger } from '../logging/logger';
import { lambdaHandler } from './handler';
import { kafkaEventReader } from './kafka-event';

export function kafkaStageHandler<V, D, R extends { received: number }>(
  stage: KafkaStage,
  valueSchema: z.ZodType<V>,
  deps: () => Promise<D>,
  run: (deps: D, records: KafkaRecordIn<V>[]) => Promise<R>,
  done: string,
): (event: unknown, context: Context) => Promise<R> {
  const read = kafkaEventReader(valueSchema);
  return lambdaHandler(async (event: unknown, context: Context) => {
    const records = await read(event, context);
    // The event's range of records ("<stage>:<topic>-<partition>@<first offset>+<count>"), not a fetch batch.
    if (records.length > 0) logger.appendKeys({ kafka_batch: `${stage}:${recordName(records[0]!)}+${records.length}` });
    const report = await run(await deps(), records);
    logger.info(done, { ...report });
    return report;
  });
}
