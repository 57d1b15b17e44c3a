/** The handler shape of a Kafka-triggered stage (transform, sink): flatten the event, run the stage, log its report. */
import type { Context } from 'aws-lambda';
import type { KafkaStage } from '../config';
import { flattenKafkaEvent, type KafkaRecordIn, recordName } from '../domain/kafka-records';
import { logger } from '../logging/logger';
import { lambdaHandler } from './handler';

export function kafkaStageHandler<D, R extends { received: number }>(
  stage: KafkaStage,
  deps: () => Promise<D>,
  run: (deps: D, records: KafkaRecordIn[]) => Promise<R>,
  done: string,
): (event: unknown, context: Context) => Promise<R> {
  return lambdaHandler(async (event: unknown) => {
    const records = flattenKafkaEvent(event);
    // The event's range of records ("<stage>:<topic>-<partition>@<first offset>+<count>"), not a fetch batch.
    if (records.length > 0) logger.appendKeys({ kafka_batch: `${stage}:${recordName(records[0]!)}+${records.length}` });
    const report = await run(await deps(), records);
    logger.info(done, { ...report });
    return report;
  });
}
