/** The middy stack every handler shares: Powertools logging context, and clean exit for `sls invoke local`. */
import type middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from '../logging/logger';
import { closeClients, pipelineConfig } from './dependencies';

function closeAfterSingleInvocation(): middy.MiddlewareObj {
  const close = async (): Promise<void> => {
    if (pipelineConfig().singleInvocation) await closeClients();
  };
  return { after: close, onError: close };
}

export function pipelineMiddleware(): middy.MiddlewareObj[] {
  return [injectLambdaContext(logger, { resetKeys: true }), closeAfterSingleInvocation()];
}
