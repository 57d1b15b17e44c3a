import { costTargets, flat } from '../../scripts/bench/lib/cost-targets';
import type { PipelineBenchSummary } from '../../scripts/bench/lib/report';
import type { ScaleStep } from '../../scripts/bench/lib/scale';
import type { Measurements } from '../../scripts/bench/lib/summary';

const step = (users: number, usersPerSecond: number, rssMiB: number): ScaleStep => ({
  users,
  seconds: 100_000 / usersPerSecond,
  usersPerSecond,
  slsCpuMsPerUser: 0.3,
  rssMiB,
  peakRssMiB: rssMiB,
});

const run = { users: 100_000, missing: 0, duplicatesRaw: 0, duplicatesClean: 0, publishToCassandraMs: { p50: 50, p99: 190, max: 200 }, byWindow: [] };

function summary(overrides: Partial<PipelineBenchSummary & Measurements> = {}): PipelineBenchSummary & Measurements {
  return {
    runtime: 'in-process',
    users: 100_000,
    endToEndPerSecond: 2_300,
    slowestRawLimit: { name: 'Cassandra writes', perSecond: 6_600 },
    seedsPerSecond: 10,
    ratioVsRaw: 0.35,
    ratioVsSeeds: 230,
    pacedP99Ms: 194,
    targets: { vsRaw: false, vsSeeds: true, p99: true },
    cpuMsPerUser: {
      machine: 0.775,
      byProcess: [
        { name: 'sls offline (all five functions, serverless-offline, offline-kafka)', ms: 0.348 },
        { name: 'cassandra', ms: 0.279 },
      ],
      slsThreads: [],
      byStage: undefined,
      stageSamples: undefined,
    },
    cassandra: { rawPerSecond: 6_600, rawCpuMsPerWrite: 0.246, pipelineCpuMsPerUser: 0.279, ratio: 1.13 },
    throughput: run,
    paced: { ...run, users: 30_000 },
    peakRssMiB: { sls: 663, children: [] },
    per100k: [step(100_000, 2_300, 619)],
    ...overrides,
  };
}

const byName = (s: PipelineBenchSummary & Measurements) => Object.fromEntries(costTargets(s).map((t) => [t.name, t]));

describe("the benchmark's cost targets (issue 14)", () => {
  it('judges each figure of one run against its target', () => {
    const t = byName(summary());
    expect(t['whole-pipeline CPU per user (every process)']).toMatchObject({ measured: '0.775 ms', met: false });
    expect(t["end to end ÷ Cassandra's raw limit"]).toMatchObject({ measured: '0.35', met: false });
    expect(t["the functions' process, CPU per user"]).toMatchObject({ measured: '0.348 ms', met: false });
    expect(t["Cassandra's share of a user ÷ its raw cost per write"]).toMatchObject({ measured: '1.13×', met: true });
    expect(t['p99 publish→Cassandra at 1,000 users/s']).toMatchObject({ measured: '194 ms', met: true });
    expect(t["the functions' process, peak RSS"]).toMatchObject({ measured: '663 MiB', met: false });
    expect(t['missing or duplicated users']).toMatchObject({ measured: '0', met: true });
  });

  it('reads a skipped phase as not measured, and a lost or duplicated user as not met', () => {
    const t = byName(summary({ pacedP99Ms: undefined, ratioVsRaw: undefined, paced: undefined, throughput: { ...run, duplicatesClean: 2 } }));
    expect(t['p99 publish→Cassandra at 1,000 users/s']?.met).toBeUndefined();
    expect(t["end to end ÷ Cassandra's raw limit"]?.met).toBeUndefined();
    expect(t['missing or duplicated users']).toMatchObject({ measured: '2', met: false });
    // Fewer than ten 100k steps: no scale run to judge.
    expect(t['a 1,000,000-user run flat (rate and RSS per 100k)']?.met).toBeUndefined();
  });

  it('calls a 1,000,000-user run flat only when every step after the first stays near the median', () => {
    const steady = [step(100_000, 1_500, 500), ...Array.from({ length: 9 }, (_, i) => step((i + 2) * 100_000, 2_600 + (i % 3) * 100, 680 + i))];
    expect(flat(steady, 0.2)).toMatchObject({ flat: true, rates: [2_600, 2_800], rss: [680, 688] });
    const leaking = steady.map((s, i) => ({ ...s, rssMiB: 600 + i * 60 }));
    expect(flat(leaking, 0.2).flat).toBe(false);
    expect(byName(summary({ per100k: steady }))['a 1,000,000-user run flat (rate and RSS per 100k)']?.met).toBe(true);
  });
});
