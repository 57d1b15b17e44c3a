import { invocationsInFlight, tracked, whenIdle } from '../../../layers/pipeline/in-flight';

describe('invocations in flight (what a graceful offline stop waits for)', () => {
  it('counts an invocation until it settles, and resolves whenIdle then', async () => {
    let finish!: () => void;
    const running = tracked(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
    expect(invocationsInFlight()).toBe(1);
    const idle = whenIdle(5000);
    finish();
    await expect(running).resolves.toBe('done');
    await expect(idle).resolves.toBe(true);
    expect(invocationsInFlight()).toBe(0);
  });

  it('counts a failed invocation out too', async () => {
    await expect(tracked(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(invocationsInFlight()).toBe(0);
    await expect(whenIdle(10)).resolves.toBe(true);
  });

  it('gives up after the timeout while something still runs', async () => {
    let finish!: () => void;
    const running = tracked(() => new Promise<void>((resolve) => (finish = resolve)));
    await expect(whenIdle(50)).resolves.toBe(false);
    finish();
    await running;
  });

  it('is one registry for every copy of the module (each function is its own bundle)', async () => {
    let copy: typeof import('../../../layers/pipeline/in-flight') | undefined;
    jest.isolateModules(() => {
      copy = require('../../../layers/pipeline/in-flight');
    });
    let finish!: () => void;
    const running = copy!.tracked(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(invocationsInFlight()).toBe(1);
    finish();
    await running;
    expect(invocationsInFlight()).toBe(0);
  });
});
