/** The handler invocations running in this process, so a graceful stop can wait for them. */
export class InvocationsInFlight {
  private running = 0;
  private readonly onIdle = new Set<() => void>();

  get count(): number {
    return this.running;
  }

  /** Runs `work`, counted as in flight from this call until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const resolve of [...this.onIdle]) resolve();
    }
  }

  /** Resolves true once nothing is in flight, or false when `timeoutMs` passed first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (idle: boolean): void => {
        clearTimeout(timer);
        this.onIdle.delete(onIdle);
        resolve(idle);
      };
      const onIdle = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.onIdle.add(onIdle);
    });
  }
}
