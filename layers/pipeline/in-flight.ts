/**
 * Handler invocations running in this process, so a graceful stop can wait for them. Offline,
 * serverless-offline exits on Ctrl-C without waiting for its in-process invocations: a fetch
 * between two persist chunks stopped half done, the rest of its API response gone. The
 * offline-kafka plugin's stop (which runs before serverless-offline exits) waits until this is
 * empty. Kept on globalThis under a registered symbol: every function is its own bundle with its
 * own copy of this module, and the plugin is another.
 */
const REGISTRY = Symbol.for('tributary.invocationsInFlight');

interface Registry {
  running: number;
  onIdle: Set<() => void>;
}

function registry(): Registry {
  const scope = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (scope[REGISTRY] ??= { running: 0, onIdle: new Set() });
}

/** Runs `work`, counted as in flight until it settles. */
export async function tracked<T>(work: () => Promise<T>): Promise<T> {
  const r = registry();
  r.running += 1;
  try {
    return await work();
  } finally {
    r.running -= 1;
    if (r.running === 0) for (const resolve of [...r.onIdle]) resolve();
  }
}

export function invocationsInFlight(): number {
  return registry().running;
}

/** Resolves true once nothing is in flight, or false when `timeoutMs` passed first. */
export function whenIdle(timeoutMs: number): Promise<boolean> {
  const r = registry();
  if (r.running === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (idle: boolean): void => {
      clearTimeout(timer);
      r.onIdle.delete(onIdle);
      resolve(idle);
    };
    const onIdle = (): void => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    r.onIdle.add(onIdle);
  });
}
