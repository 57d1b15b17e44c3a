import { type ScaleSample, steps } from '../../scripts/bench/lib/scale';

const MIB = 1024 * 1024;
const sample = (seconds: number, sunk: number, rssMiB: number, cpuSeconds: number): ScaleSample => ({
  at: seconds * 1000,
  sunk,
  rss: rssMiB * MIB,
  cpuSeconds,
});

describe("the pipeline benchmark's per-100k steps", () => {
  it('cuts at every 100k users and at the last, interpolating the time and CPU of each mark between samples', () => {
    const samples = [
      sample(0, 0, 200, 10),
      sample(40, 80_000, 300, 50),
      sample(60, 120_000, 350, 70),
      sample(100, 200_000, 320, 110),
      sample(110, 250_000, 330, 120),
    ];
    const result = steps(samples);
    expect(result.map((s) => s.users)).toEqual([100_000, 200_000, 250_000]);
    // 100k is halfway between 80k (40 s, 50 CPU s) and 120k (60 s, 70 CPU s).
    expect(result[0]).toMatchObject({ seconds: 50, usersPerSecond: 2000, rssMiB: 350, peakRssMiB: 350 });
    expect(result[0]?.slsCpuMsPerUser).toBeCloseTo((50 / 100_000) * 1000);
    expect(result[1]).toMatchObject({ seconds: 50, usersPerSecond: 2000, rssMiB: 320, peakRssMiB: 350 });
    expect(result[1]?.slsCpuMsPerUser).toBeCloseTo((50 / 100_000) * 1000);
    expect(result[2]).toMatchObject({ seconds: 10, usersPerSecond: 5000, rssMiB: 330 });
    expect(result[2]?.slsCpuMsPerUser).toBeCloseTo((10 / 50_000) * 1000);
  });

  it('has no steps when no user reached Cassandra', () => {
    expect(steps([sample(0, 0, 200, 1), sample(1, 0, 200, 1)])).toEqual([]);
    expect(steps([])).toEqual([]);
  });
});
