/**
 * The real API's rate limit: users (not requests) served per client in a window. A request is
 * refused when the client has already reached the limit before it, so the request that crosses
 * the limit is still served and the next one gets 429.
 */

export interface QuotaDecision {
  allowed: boolean;
  /** Users this client was served in the current window. */
  count: number;
}

export function quotaExceededMessage(count: number): string {
  return `Whoa, ease up there cowboy. You've requested ${count} users in the last minute. Help us keep this service free and spare some bandwidth for other users please :)`;
}

export class UserQuota {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  check(client: string, limit: number, windowMs: number): QuotaDecision {
    const count = this.current(client, windowMs);
    return { allowed: count < limit, count };
  }

  /** Users served to `client` in its current window. */
  served(client: string, windowMs: number): number {
    return this.current(client, windowMs);
  }

  record(client: string, users: number, windowMs: number): void {
    const count = this.current(client, windowMs);
    const window = this.windows.get(client);
    if (window) window.count = count + users;
    else this.windows.set(client, { start: this.clock(), count: users });
  }

  reset(): void {
    this.windows.clear();
  }

  private current(client: string, windowMs: number): number {
    const window = this.windows.get(client);
    if (!window) return 0;
    if (this.clock() - window.start >= windowMs) {
      this.windows.delete(client);
      return 0;
    }
    return window.count;
  }
}
