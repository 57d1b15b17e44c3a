/**
 * How every function is exported: the handler body inside the middy stack every function shares.
 *
 * The same on AWS and offline. Where invocations of one function run concurrently in one module
 * instance (Lambda Managed Instances; serverless-offline with useInProcess), Powertools keeps the
 * logger's keys per invocation through the runtime's InvokeStore and AWS_LAMBDA_MAX_CONCURRENCY:
 * Lambda provides both, and offline plugins/offline-runtime does. The body runs inside its
 * invocation (./invocation.ts), which the dead letters it writes name.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { runInInvocation } from './invocation';
import { pipelineMiddleware } from './middleware';

type Handler<T> = (event: unknown, context: Context) => Promise<T>;

export function lambdaHandler<T>(body: (event: unknown, context: Context) => Promise<T>): Handler<T> {
  return middy((event: unknown, context: Context) => runInInvocation(context, () => body(event, context))).use(pipelineMiddleware()) as unknown as Handler<T>;
}
