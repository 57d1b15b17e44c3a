/**
 * What the Lambda runtime gives a function with multi-concurrency (Lambda Managed Instances) and
 * serverless-offline's in-process runner does not: AWS_LAMBDA_MAX_CONCURRENCY, one InvokeStore on
 * globalThis.awslambda, and every invocation run inside its own InvokeStore context. Powertools
 * Logger keeps its keys per invocation through that store, so concurrent in-process invocations of
 * one function (which share its module) do not see each other's keys. Handlers stay as on AWS.
 * Also counts the invocations in flight, so a graceful stop can wait for them.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeStore } from '@aws/lambda-invoke-store';
import type { InvocationsInFlight } from './invocations';

export type Store = Awaited<ReturnType<typeof InvokeStore.getInstanceAsync>>;

/** The key the runtime keeps an invocation's request id under (InvokeStore.PROTECTED_KEYS.REQUEST_ID). */
const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');
const WRAPPED = Symbol.for('offline-runtime.wrapped');

/** What Lambda sets for a multi-concurrency environment unless already set (read by InvokeStore and Powertools). */
export const DEFAULT_MAX_CONCURRENCY = '64';

/** serverless-offline's in-process runner, relative to its `serverless-offline/lambda` entry (src/lambda/index.js). */
const RUNNER_PATH = 'handler-runner/in-process-runner/InProcessRunner.js';
/** The serverless-offline major this was written against; another one is accepted only if its internals check out. */
const WRITTEN_FOR = '14';

export class OfflineRuntimeError extends Error {
  override readonly name = 'OfflineRuntimeError';
}

type Run = (this: unknown, event: unknown, context: { awsRequestId?: unknown } | undefined) => Promise<unknown>;
interface AwsLambdaGlobal {
  InvokeStore?: Store;
  [key: string]: unknown;
}

let storeOnce: Promise<Store> | undefined;

/**
 * Sets AWS_LAMBDA_MAX_CONCURRENCY and creates the one InvokeStore of this process, kept on
 * globalThis.awslambda: serverless-offline assigns a new globalThis.awslambda before every
 * in-process invocation (its handler loader runs each time), which would drop the store under
 * invocations still running, so the property carries the store over every assignment.
 */
export function provideInvokeStore(): Promise<Store> {
  return (storeOnce ??= (async () => {
    if (!process.env.AWS_LAMBDA_MAX_CONCURRENCY) process.env.AWS_LAMBDA_MAX_CONCURRENCY = DEFAULT_MAX_CONCURRENCY;
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

/**
 * Wraps a runner class's run(event, context) so each invocation is counted in `inFlight` and runs
 * inside its own InvokeStore context, keyed by context.awsRequestId. Wraps a class once; throws
 * OfflineRuntimeError when the class is not the shape relied on (`where` names it in the message).
 */
export function wrapRunner(runnerClass: unknown, store: Store, inFlight: InvocationsInFlight, where: string): void {
  // The least invasive hook: InProcessRunner.run is where every in-process invocation passes, from any source, with its awsRequestId.
  const prototype = (runnerClass as { prototype?: Record<PropertyKey, unknown> } | undefined)?.prototype;
  const original = prototype?.run;
  if (typeof runnerClass !== 'function' || typeof original !== 'function') {
    throw new OfflineRuntimeError(`${where}: expected a class with a run(event, context) method; serverless-offline's internals changed`);
  }
  if (prototype![WRAPPED]) return;
  const run: Run = function (this: unknown, event, context) {
    const requestId = context?.awsRequestId;
    if (typeof requestId !== 'string') {
      return Promise.reject(new OfflineRuntimeError(`${where}: run() got no context.awsRequestId; serverless-offline's internals changed`));
    }
    return inFlight.track(() => store.run({ [REQUEST_ID]: requestId }, () => (original as Run).call(this, event, context)));
  };
  prototype![WRAPPED] = true;
  prototype!.run = run;
}

/** Finds serverless-offline's InProcessRunner as serverless resolved the plugin (from the service directory). */
export async function loadInProcessRunner(serviceDir: string): Promise<{ runnerClass: unknown; where: string }> {
  let entry: string;
  try {
    entry = createRequire(path.join(serviceDir, 'serverless.yml')).resolve('serverless-offline/lambda');
  } catch (error) {
    throw new OfflineRuntimeError(`serverless-offline not found from ${serviceDir}: ${(error as Error).message}`);
  }
  const version = packageVersion(entry);
  const file = path.join(path.dirname(entry), RUNNER_PATH);
  const where = `serverless-offline ${version} (${file})`;
  if (!existsSync(file)) {
    throw new OfflineRuntimeError(
      `${where} is missing: plugins/offline-runtime wraps that in-process runner (written for serverless-offline ${WRITTEN_FOR}.x)`,
    );
  }
  // The module serverless-offline itself imports (ESM caches by real path), so the class it runs with.
  const module = (await import(pathToFileURL(realpathSync(file)).href)) as { default?: unknown };
  return { runnerClass: module.default, where };
}

function packageVersion(entry: string): string {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'serverless-offline') return pkg.version ?? '?';
  }
  return '?';
}

/** All of it: serverless-offline's in-process runner found (or a clear error), the store, the runner wrapped to use it and count into `inFlight`. */
export async function installOfflineRuntime(serviceDir: string, inFlight: InvocationsInFlight): Promise<void> {
  const { runnerClass, where } = await loadInProcessRunner(serviceDir);
  const store = await provideInvokeStore();
  wrapRunner(runnerClass, store, inFlight, where);
}
