/** Waits (backoffs) that a stop cuts short, so stopping never waits one out. */
export class Sleeps {
  private readonly waking = new Set<() => void>();

  constructor(private readonly stopping: () => boolean) {}

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waking.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waking.add(wake);
      if (this.stopping()) wake();
    });
  }

  wakeAll(): void {
    for (const wake of this.waking) wake();
  }
}
