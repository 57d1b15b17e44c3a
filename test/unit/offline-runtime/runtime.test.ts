import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { InvocationsInFlight } from '../../../plugins/offline-runtime/invocations';
import OfflineRuntimePlugin from '../../../plugins/offline-runtime/plugin';
import { loadInProcessRunner, OfflineRuntimeError, type Store, wrapRunner } from '../../../plugins/offline-runtime/runtime';
import { startedWithSourceMaps } from '../../../plugins/offline-runtime/source-maps';

const ROOT = path.resolve(__dirname, '../../..');

function withoutMaxConcurrency(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AWS_LAMBDA_MAX_CONCURRENCY: _, ...rest } = env;
  return rest;
}

describe('offline-runtime under serverless-offline’s real in-process runner (test/fixtures/offline-runtime/run.ts)', () => {
  let output: string[];
  let result: {
    results: Array<{ id: number; requestId: string }>;
    inFlightAtStop: number;
    stopMs: number;
    maxConcurrency: string;
    sourceMapsBeforeInit: boolean;
    sourceMapsAfterInit: boolean;
  };

  beforeAll(async () => {
    // A child process: serverless-offline is ESM and loads handlers through tsx, as under `sls offline start`.
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'test/fixtures/offline-runtime/run.ts'], {
      cwd: ROOT,
      timeout: 60_000,
      env: { ...withoutMaxConcurrency(process.env), POWERTOOLS_LOG_LEVEL: 'INFO', NODE_OPTIONS: '' },
    });
    output = stdout.split('\n');
    result = JSON.parse(output.find((line) => line.startsWith('RESULT '))!.slice('RESULT '.length));
  }, 90_000);

  it('keeps each concurrent invocation’s logger keys and request id to itself', () => {
    const lines = output.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const keyLines = lines.filter((line) => line.message === 'keys');
    expect(keyLines).toHaveLength(8);
    for (const line of keyLines) {
      expect(line.invocation).toBe(line.expected);
      expect(line.function_request_id).toBe(result.results.find((r) => r.id === line.expected)?.requestId);
    }
    expect(new Set(result.results.map((r) => r.requestId)).size).toBe(8);
  });

  it('sets AWS_LAMBDA_MAX_CONCURRENCY as the multi-concurrency runtime does', () => {
    expect(result.maxConcurrency).toBe('64');
  });

  it('turns source maps back off, as Node was started, before any handler loads: tsx had turned them on', () => {
    expect(result).toMatchObject({ sourceMapsBeforeInit: true, sourceMapsAfterInit: false });
  });

  it('makes the stop wait for an invocation in flight', () => {
    expect(result.inFlightAtStop).toBe(1);
    expect(output.indexOf('slow invocation finished')).toBeGreaterThanOrEqual(0);
    expect(output.indexOf('slow invocation finished')).toBeLessThan(output.indexOf('stop returned'));
  });
});

describe('startedWithSourceMaps', () => {
  it('reads --enable-source-maps from the command line or NODE_OPTIONS', () => {
    expect(startedWithSourceMaps(['--max-semi-space-size=16'], '')).toBe(false);
    expect(startedWithSourceMaps(['--enable-source-maps'], '')).toBe(true);
    expect(startedWithSourceMaps([], '--max-old-space-size=512 --enable-source-maps')).toBe(true);
  });
});

describe('InvocationsInFlight', () => {
  it('counts an invocation until it settles, and resolves whenIdle then', async () => {
    const inFlight = new InvocationsInFlight();
    let finish!: () => void;
    const running = inFlight.track(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
    expect(inFlight.count).toBe(1);
    const idle = inFlight.whenIdle(5000);
    finish();
    await expect(running).resolves.toBe('done');
    await expect(idle).resolves.toBe(true);
    expect(inFlight.count).toBe(0);
  });

  it('counts a failed invocation out too', async () => {
    const inFlight = new InvocationsInFlight();
    await expect(inFlight.track(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(inFlight.count).toBe(0);
    await expect(inFlight.whenIdle(10)).resolves.toBe(true);
  });

  it('gives up after the timeout while something still runs', async () => {
    const inFlight = new InvocationsInFlight();
    let finish!: () => void;
    const running = inFlight.track(() => new Promise<void>((resolve) => (finish = resolve)));
    await expect(inFlight.whenIdle(50)).resolves.toBe(false);
    finish();
    await running;
  });
});

describe('wrapRunner', () => {
  const contexts: unknown[] = [];
  const store = {
    run: (context: unknown, fn: () => unknown) => {
      contexts.push(context);
      return fn();
    },
  } as unknown as Store;

  it('runs each invocation in its own store context, counted, once however often it is applied', async () => {
    class Runner {
      async run(event: unknown, context: { awsRequestId: string }): Promise<unknown> {
        return { event, id: context.awsRequestId };
      }
    }
    const inFlight = new InvocationsInFlight();
    wrapRunner(Runner, store, inFlight, 'Runner');
    wrapRunner(Runner, store, inFlight, 'Runner');
    contexts.length = 0;
    await expect(new Runner().run('e', { awsRequestId: 'r1' })).resolves.toEqual({ event: 'e', id: 'r1' });
    expect(contexts).toEqual([{ [Symbol.for('_AWS_LAMBDA_REQUEST_ID')]: 'r1' }]);
  });

  it.each([
    ['not a class', {}],
    ['a class without run()', class {}],
  ])('fails loudly on %s (serverless-offline drifted)', (_, runnerClass) => {
    expect(() => wrapRunner(runnerClass, store, new InvocationsInFlight(), 'InProcessRunner.js')).toThrow(
      new OfflineRuntimeError("InProcessRunner.js: expected a class with a run(event, context) method; serverless-offline's internals changed"),
    );
  });

  it('fails an invocation whose context has no awsRequestId', async () => {
    class Runner {
      async run(): Promise<void> {}
    }
    wrapRunner(Runner, store, new InvocationsInFlight(), 'Runner');
    await expect((new Runner().run as (e: unknown, c: unknown) => Promise<void>)('e', {})).rejects.toThrow('run() got no context.awsRequestId');
  });
});

describe('loadInProcessRunner', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'offline-runtime-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file it needs when serverless-offline no longer has it', async () => {
    const pkg = path.join(dir, 'node_modules/serverless-offline');
    mkdirSync(path.join(pkg, 'src/lambda'), { recursive: true });
    writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({ name: 'serverless-offline', version: '15.0.0', exports: { './lambda': './src/lambda/index.js' } }),
    );
    writeFileSync(path.join(pkg, 'src/lambda/index.js'), '');
    await expect(loadInProcessRunner(dir)).rejects.toThrow(/^serverless-offline 15\.0\.0 \(.*InProcessRunner\.js\) is missing/);
  });

  it('says so when serverless-offline is not installed', async () => {
    await expect(loadInProcessRunner(dir)).rejects.toThrow(/^serverless-offline not found from/);
  });
});

describe('OfflineRuntimePlugin', () => {
  const serverless = (plugins: string[], useInProcess: boolean) => ({
    serviceDir: '/nonexistent',
    service: { plugins, custom: { 'serverless-offline': { useInProcess } } },
  });

  it('leaves worker-thread and Docker runs alone', async () => {
    await expect(new OfflineRuntimePlugin(serverless(['serverless-offline', './offline-runtime'], false)).install()).resolves.toBeUndefined();
  });

  it('refuses to start listed after serverless-offline', async () => {
    await expect(new OfflineRuntimePlugin(serverless(['serverless-offline', './offline-runtime'], true)).install()).rejects.toThrow(
      'offline-runtime: list it before serverless-offline in "plugins"',
    );
  });

  it('fails the start, clearly, when it cannot install', async () => {
    await expect(new OfflineRuntimePlugin(serverless(['./offline-runtime', 'serverless-offline'], true)).install()).rejects.toThrow(
      /^offline-runtime: serverless-offline not found from \/nonexistent/,
    );
  });
});
