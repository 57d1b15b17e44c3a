/**
 * The Lambda invocation the running code belongs to, for the dead letters it writes: AWS's
 * on-failure record names the request and the function (docs/dead-letters.md). Kept per
 * invocation, since invocations of one function may run concurrently in one module instance.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';

export interface Invocation {
  requestId: string;
  functionArn: string;
  /** The function version that ran, `$LATEST` unless an alias or version was invoked. */
  executedVersion: string;
}

const current = new AsyncLocalStorage<Invocation>();

export function runInInvocation<T>(context: Context, body: () => Promise<T>): Promise<T> {
  return current.run({ requestId: context.awsRequestId, functionArn: context.invokedFunctionArn, executedVersion: context.functionVersion }, body);
}

/** Outside any invocation (a script such as replay draining the outbox): the process names itself. */
export function currentInvocation(): Invocation {
  return current.getStore() ?? { requestId: `pid-${process.pid}`, functionArn: process.argv[1] ?? 'node', executedVersion: '$LATEST' };
}
