/**
 * patches/serverless-offline+14.8.2.patch, on serverless-offline's real in-process runner: a
 * function instance left idle keeps neither the event it ran (a batch of records, until the
 * instance is reused) nor the timer of the function's timeout (for the whole timeout after it
 * returned). Both held memory in the functions' process (docs/performance.md). And a later
 * invocation runs the handler loaded by the first, where serverless-offline read the nearest
 * package.json again on every invocation before taking the module from require's cache.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');

describe('serverless-offline, patched: an idle function instance', () => {
  let result: { invocations: number; timersLeft: number; eventsKept: number; packageJsonLookups: number };

  beforeAll(async () => {
    // A child process: serverless-offline is ESM and loads handlers through tsx, as under `sls offline start`.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'test/fixtures/offline-runtime/idle-instance.ts'],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
      },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT ')) ?? '';
    result = JSON.parse(line.slice('RESULT '.length));
  }, 90_000);

  it('does not keep the events it ran', () => {
    expect(result).toMatchObject({ invocations: 5, eventsKept: 0 });
  });

  it('leaves no timer running once its invocations returned', () => {
    expect(result.timersLeft).toBe(0);
  });

  it('runs the handler it loaded first, without looking for its module on disk again', () => {
    expect(result.packageJsonLookups).toBe(0);
  });
});
