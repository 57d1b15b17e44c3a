/** persist: raw users + outbox rows in one PostgreSQL transaction. */
import { parsePersistBatch } from '../layers/domain/requests';
import { logger } from '../layers/logging/logger';
import { lambdaHandler } from '../layers/pipeline/handler';
import { persistDeps } from '../layers/pipeline/deps/persist';
import { persistUsers } from '../layers/pipeline/persist-users';

export const handler = lambdaHandler(async (event: unknown) => {
  const batch = parsePersistBatch(event);
  logger.appendKeys({ batch_id: batch.batchId });
  const report = await persistUsers(persistDeps(), batch);
  logger.info('persisted', { ...report });
  return report;
});
