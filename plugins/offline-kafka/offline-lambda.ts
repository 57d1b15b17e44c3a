/**
 * Runs functions through serverless-offline's own Lambda runtime, in this process, the way
 * serverless-offline-sqs does: same handler loading, worker threads, environment, timeouts and
 * `(λ: fn)` log lines as every other offline invocation.
 */
import { FunctionError } from './errors';
import type { KafkaEventPayload } from './event';

export interface FunctionInvoker {
  /** Resolves with the handler's result; rejects with FunctionError when it throws or times out. */
  invoke(functionKey: string, event: KafkaEventPayload): Promise<unknown>;
  cleanup(): Promise<void>;
}

export interface OfflineFunction {
  functionKey: string;
  functionDefinition: unknown;
}

/** serverless-offline's defaults for the options its runtime reads; it does not export them. */
export const RUNTIME_DEFAULTS: Record<string, unknown> = {
  host: 'localhost',
  lambdaPort: 3002,
  noTimeout: false,
  reloadHandler: false,
  terminateIdleLambdaTime: 60,
  useDocker: false,
  useInProcess: false,
  localEnvironment: false,
  dockerHost: 'localhost',
  dockerHostServicePath: null,
  dockerNetwork: null,
  dockerReadOnly: true,
  layersDir: null,
  localLayers: {},
};

/**
 * serverless-offline's worker runner posts a thrown value back through a message port. A value
 * that is not a native Error (one built with util.inherits, as cassandra-driver's are) arrives as
 * a plain object and is handed out as the *result*: the failed batch would be committed. Such an
 * object — only `name` ending in "Error" and a `message` — is taken for what it was: a throw.
 */
export function clonedThrow(result: unknown): Error | undefined {
  if (typeof result !== 'object' || result === null || Object.getPrototypeOf(result) !== Object.prototype) return undefined;
  const { name, message } = result as { name?: unknown; message?: unknown };
  if (typeof name !== 'string' || !/Error$/.test(name) || typeof message !== 'string') return undefined;
  const error = new Error(`${message} (a non-native ${name} thrown in a worker thread, which serverless-offline returns as a result)`);
  error.name = name;
  return error;
}

/**
 * @param offlineOptions `custom.serverless-offline` merged with the CLI options, as serverless-offline
 *   merges them, so `--useInProcess`, `--noTimeout` etc. apply here too.
 */
export async function createOfflineLambda(
  serverless: unknown,
  offlineOptions: Record<string, unknown>,
  functions: readonly OfflineFunction[],
): Promise<FunctionInvoker> {
  // serverless-offline is ESM-only; tsx keeps this a native import().
  const { default: Lambda } = await import('serverless-offline/lambda');
  const lambda = new Lambda(serverless, { ...RUNTIME_DEFAULTS, ...offlineOptions });
  lambda.create([...functions]);
  const inWorkerThreads = !offlineOptions.useInProcess && !offlineOptions.useDocker;
  return {
    async invoke(functionKey, event) {
      // get() hands out an idle instance or a new one; runHandler() marks it busy before yielding.
      const fn = lambda.get(functionKey);
      fn.setEvent(event);
      let result: unknown;
      try {
        result = await fn.runHandler();
      } catch (error) {
        throw new FunctionError(functionKey, error);
      }
      const thrown = inWorkerThreads ? clonedThrow(result) : undefined;
      if (thrown) throw new FunctionError(functionKey, thrown);
      return result;
    },
    cleanup: () => lambda.cleanup(),
  };
}
