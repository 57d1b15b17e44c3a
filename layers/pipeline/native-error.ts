import { types } from 'node:util';

/**
 * A thrown value that is not a native Error (cassandra-driver's errors are built with
 * util.inherits, never through `new Error`) crosses a structured clone — a worker thread's
 * message port, as serverless-offline's worker runner uses — as a plain object, and the caller
 * takes it for the handler's *result*: the batch counts as a success and its offsets move on.
 * Rethrowing a native Error that carries the name, message and inner errors keeps a failure a failure.
 */
export function asNativeError(thrown: unknown): Error {
  if (types.isNativeError(thrown)) return thrown;
  if (typeof thrown === 'object' && thrown !== null) {
    const { name, message, stack, innerErrors } = thrown as { name?: unknown; message?: unknown; stack?: unknown; innerErrors?: unknown };
    const inner =
      innerErrors && typeof innerErrors === 'object'
        ? Object.entries(innerErrors).map(([where, e]) => `${where}: ${e instanceof Object && 'message' in e ? String(e.message) : String(e)}`)
        : [];
    const error = new Error(`${typeof message === 'string' ? message : JSON.stringify(thrown)}${inner.length ? ` [${inner.join('; ')}]` : ''}`);
    if (typeof name === 'string') error.name = name;
    // Keep where it was thrown: the original frames under the new, fuller first line.
    if (typeof stack === 'string')
      error.stack = [`${error.name}: ${error.message}`, ...stack.split('\n').filter((l) => l.trimStart().startsWith('at '))].join('\n');
    return error;
  }
  return new Error(`non-error thrown: ${String(thrown)}`);
}
