/** publish: drains the outbox to users.raw; triggered by persist and by a schedule. */
import { randomUUID } from 'node:crypto';
import { logger } from '../layers/logging/logger';
import { lambdaHandler } from '../layers/pipeline/handler';
import { pipelineConfig } from '../layers/pipeline/clients/registry';
import { publishDeps } from '../layers/pipeline/deps/publish';
import { publishOutbox } from '../layers/pipeline/publish-outbox';

export const handler = lambdaHandler(async () => {
  // One drain of the outbox; the fetch batches it carries are in each record's batch_id header.
  logger.appendKeys({ publish_run: randomUUID() });
  const { publish } = pipelineConfig();
  const report = await publishOutbox(await publishDeps(), { batchSize: publish.batchSize, maxBatches: publish.maxBatchesPerRun });
  if (report.published + report.deadLettered > 0) logger.info('published', { ...report });
  return report;
});
