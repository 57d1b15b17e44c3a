/** The process's Lambda client, for invoking sibling functions. */
import { createLambdaClient } from '../../adapters/lambda';
import { pipelineConfig, registerClient } from './registry';

let lambda: ReturnType<typeof createLambdaClient> | undefined;

export function lambdaClient(): ReturnType<typeof createLambdaClient> {
  if (!lambda) {
    const created = createLambdaClient(pipelineConfig().lambda);
    lambda = created;
    registerClient(async () => {
      lambda = undefined;
      created.destroy();
    });
  }
  return lambda;
}
