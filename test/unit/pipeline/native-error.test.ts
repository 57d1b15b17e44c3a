/**
 * What the handlers' shared middy stack rethrows: a thrown non-native error (cassandra-driver's)
 * as a native Error, so it survives the structured clone of serverless-offline's worker threads
 * as an error and not as a "result". (The middleware itself runs in the e2e tests: middy is ESM.)
 */
import { types } from 'node:util';
import { errors } from 'cassandra-driver';
import { asNativeError } from '../../../layers/pipeline/native-error';

function noHost(): Error {
  return new errors.NoHostAvailableError({ '127.0.0.1:9042': new Error('connect ECONNREFUSED 127.0.0.1:9042') });
}

describe('asNativeError', () => {
  it('shows the premise: a cassandra-driver error is not native and clones into a plain object', () => {
    const thrown = noHost();
    expect(types.isNativeError(thrown)).toBe(false);
    expect(types.isNativeError(structuredClone(thrown))).toBe(false);
  });

  it('makes a native Error with the name, message and inner errors, which clones as an Error', () => {
    const error = asNativeError(noHost());
    expect(types.isNativeError(error)).toBe(true);
    expect(error.name).toBe('NoHostAvailableError');
    expect(error.message).toContain('All host(s) tried for query failed');
    expect(error.message).toContain('127.0.0.1:9042: connect ECONNREFUSED');
    expect(error.stack).toMatch(/^NoHostAvailableError: All host/);
    expect(error.stack).toContain('native-error.test.ts');
    const cloned = structuredClone(error);
    expect(types.isNativeError(cloned)).toBe(true);
    expect(cloned.message).toBe(error.message);
  });

  it('leaves a native error as it is and wraps thrown non-objects', () => {
    const native = new TypeError('bad');
    expect(asNativeError(native)).toBe(native);
    expect(asNativeError('boom').message).toBe('non-error thrown: boom');
    expect(asNativeError({ code: 7 }).message).toBe('{"code":7}');
  });
});
