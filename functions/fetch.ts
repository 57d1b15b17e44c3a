/** fetch: a scheduled event, Airflow or a person asks for users; they go to persist. */
import { parseFetchRequest } from '../layers/domain/requests';
import { logger } from '../layers/logging/logger';
import { lambdaHandler } from '../layers/pipeline/handler';
import { pipelineConfig } from '../layers/pipeline/clients/registry';
import { fetchDeps } from '../layers/pipeline/deps/fetch';
import { batchIdFor, fetchAndHandOff } from '../layers/pipeline/fetch-users';

export const handler = lambdaHandler(async (event: unknown) => {
  const request = parseFetchRequest(event, pipelineConfig().randomUser.resultsPerRequest);
  // Minted once: a scheduled request has no id, and each call would mint another.
  const batchId = batchIdFor(request);
  logger.appendKeys({ batch_id: batchId });
  const report = await fetchAndHandOff(fetchDeps(), { ...request, batchId });
  logger.info('fetched', { ...report });
  return report;
});
