/** The middy stack every handler shares: Powertools logging context, native errors, clean exit for `sls invoke local`. */
import type middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from '../logging/logger';
import { closeClients, pipelineConfig } from './clients/registry';
import { stageMetrics } from './metrics';
import { asNativeError } from './native-error';

function closeAfterSingleInvocation(): middy.MiddlewareObj {
  const close = async (): Promise<void> => {
    if (pipelineConfig().singleInvocation) await closeClients();
  };
  return { after: close, onError: close };
}

/** Rethrows whatever a handler throws as a native Error (see asNativeError). */
function nativeErrors(): middy.MiddlewareObj {
  return {
    onError: async (request) => {
      request.error = asNativeError(request.error);
    },
  };
}

export function pipelineMiddleware(): middy.MiddlewareObj[] {
  // onError runs in reverse order of use(): nativeErrors last, after logging and closing. stageMetrics
  // comes last, so it times the handler body alone.
  return [nativeErrors(), injectLambdaContext(logger, { resetKeys: true }), closeAfterSingleInvocation(), stageMetrics()];
}
