import { LATENCY_WINDOW_S, latencyByWindow } from '../../scripts/bench/lib/analysis';

describe('the paced latency by window', () => {
  const start = 1_000_000;
  const at = (seconds: number, latency: number) => ({ publishedAt: start + seconds * 1000, latency });

  it('places each user in the window it was published in, in order, with its own quantiles', () => {
    const samples = [at(0.1, 100), at(4.9, 300), at(12, 2000), at(11, 50), at(5, 80)];
    const windows = latencyByWindow(samples, start);
    expect(LATENCY_WINDOW_S).toBe(5);
    expect(windows.map((w) => [w.fromS, w.users, w.max])).toEqual([
      [0, 2, 300],
      [5, 1, 80],
      [10, 2, 2000],
    ]);
    expect(windows[2]!.p99).toBeGreaterThan(windows[0]!.p99);
  });

  it('counts a user published before the run started (clock skew) in the first window', () => {
    expect(latencyByWindow([at(-0.5, 10)], start)).toEqual([{ fromS: 0, users: 1, p50: 10, p99: 10, max: 10 }]);
  });
});
