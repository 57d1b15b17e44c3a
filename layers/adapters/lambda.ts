/**
 * Invoking sibling functions through the AWS SDK v3 Lambda client. Locally the endpoint is
 * serverless-offline's Lambda API (port 3002); on AWS it is unset and the SDK finds the real one.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Config } from '../config';

export class FunctionInvocationError extends Error {
  constructor(
    readonly functionName: string,
    message: string,
  ) {
    super(`${functionName}: ${message}`);
    this.name = 'FunctionInvocationError';
  }
}

export function createLambdaClient(config: Config['lambda']): LambdaClient {
  return new LambdaClient({
    region: config.region,
    endpoint: config.endpoint,
    // serverless-offline accepts any credentials; on AWS the execution role's are used.
    ...(config.endpoint ? { credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' } } : {}),
    maxAttempts: 3,
  });
}

/** Invokes synchronously and returns the parsed result; a function error becomes a thrown error. */
export async function invokeFunction<T>(client: LambdaClient, functionName: string, payload: unknown): Promise<T> {
  const response = await client.send(
    new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(payload)) }),
  );
  const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
  if (response.FunctionError) {
    let message = text;
    try {
      const body = JSON.parse(text) as { errorType?: string; errorMessage?: string };
      message = `${body.errorType ?? 'Error'}: ${body.errorMessage ?? text}`;
    } catch {
      /* not JSON: keep the text */
    }
    throw new FunctionInvocationError(functionName, message);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Fire-and-forget invocation (InvocationType Event): the caller does not wait for the work. */
export async function triggerFunction(client: LambdaClient, functionName: string, payload: unknown): Promise<void> {
  await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }));
}
