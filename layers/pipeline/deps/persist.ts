/** persist's ports: raw_users and the outbox in PostgreSQL, and publish triggered through the Lambda API. */
import { triggerFunction } from '../../adapters/lambda';
import { postgresRawUsers } from '../../adapters/raw-users-store';
import { logger } from '../../logging/logger';
import { lambdaClient } from '../clients/lambda';
import { postgresPool } from '../clients/postgres';
import { pipelineConfig } from '../clients/registry';
import type { PersistDeps } from '../persist-users';

export function persistDeps(): PersistDeps {
  const c = pipelineConfig();
  return {
    rawUsers: postgresRawUsers(postgresPool()),
    triggerPublish: () => triggerFunction(lambdaClient(), c.lambda.publishFunction, { reason: 'persisted' }),
    log: logger,
  };
}
