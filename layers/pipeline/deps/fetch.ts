/** fetch's ports: the randomuser API, and persist invoked through the Lambda API. */
import { invokeFunction } from '../../adapters/lambda';
import { fetchUsers } from '../../adapters/randomuser';
import { logger } from '../../logging/logger';
import { lambdaClient } from '../clients/lambda';
import { pipelineConfig } from '../clients/registry';
import type { FetchDeps } from '../fetch-users';
import type { PersistReport } from '../persist-users';

export function fetchDeps(): FetchDeps {
  const c = pipelineConfig();
  return {
    fetchUsers: (request) =>
      fetchUsers(c.randomUser, request, { onRetry: (error, attempt, delayMs) => logger.warn('randomuser retry', { attempt, delayMs, error: error.message }) }),
    persist: (batch) => invokeFunction<PersistReport>(lambdaClient(), c.lambda.persistFunction, batch),
    log: logger,
  };
}
