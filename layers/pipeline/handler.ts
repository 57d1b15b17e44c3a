/**
 * How every function is exported: the middy stack, inside a per-invocation context.
 *
 * Offline, serverless-offline runs handlers in its own process (custom.serverless-offline.
 * useInProcess), and invocations of one function run concurrently in the same module instance,
 * as on Lambda Managed Instances. Powertools keeps the logger's keys (batch_id, request id) per
 * invocation when AWS_LAMBDA_MAX_CONCURRENCY is set and each invocation runs inside the runtime's
 * InvokeStore context (globalThis.awslambda.InvokeStore). The real runtime provides both;
 * serverless-offline provides neither, so offline they are provided here.
 */
import middy from '@middy/core';
import { InvokeStore } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import { pipelineConfig } from './dependencies';
import { tracked } from './in-flight';
import { pipelineMiddleware } from './middleware';

const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');

type Store = Awaited<ReturnType<typeof InvokeStore.getInstanceAsync>>;
type Handler<T> = (event: unknown, context: Context) => Promise<T>;
interface AwsLambdaGlobal {
  InvokeStore?: Store;
  [key: string]: unknown;
}

let offlineStore: Promise<Store> | undefined;

/**
 * One InvokeStore for the whole offline process, kept on globalThis.awslambda. serverless-offline
 * assigns a new globalThis.awslambda before every in-process invocation (its handler loader runs
 * each time), which would drop the store under invocations still running; the property is made
 * to carry the store over.
 */
function offlineInvokeStore(): Promise<Store> {
  return (offlineStore ??= (async () => {
    // What Lambda sets for a multi-concurrency environment (read by InvokeStore and Powertools).
    process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
    const scope = globalThis as unknown as { awslambda?: AwsLambdaGlobal };
    const store = scope.awslambda?.InvokeStore ?? (await InvokeStore.getInstanceAsync(true));
    let current: AwsLambdaGlobal = { ...scope.awslambda, InvokeStore: store };
    Object.defineProperty(globalThis, 'awslambda', {
      configurable: true,
      enumerable: true,
      get: () => current,
      set: (value: AwsLambdaGlobal | undefined) => {
        current = { ...value, InvokeStore: value?.InvokeStore ?? store };
      },
    });
    return store;
  })());
}

export function lambdaHandler<T>(body: (event: unknown, context: Context) => Promise<T>): Handler<T> {
  const wrapped = middy(body).use(pipelineMiddleware()) as unknown as Handler<T>;
  return async (event, context) => {
    if (!pipelineConfig().offline) return wrapped(event, context);
    // Counted, so stopping sls offline waits for it (in-flight.ts).
    return tracked(async () => {
      const store = await offlineInvokeStore();
      // Already inside an invocation's context (a runtime that opens one): nothing to add.
      if (store.hasContext()) return wrapped(event, context);
      return store.run({ [REQUEST_ID]: context.awsRequestId }, () => wrapped(event, context));
    });
  };
}
