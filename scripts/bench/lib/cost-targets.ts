/**
 * Issue 14's targets (the pipeline's cost per user), read from one `bench:pipeline --json` summary:
 * what `npm run bench` prints last. A target whose phase the run skipped reads "not measured".
 */
import type { PipelineBenchSummary } from './report';
import type { ScaleStep } from './scale';
import type { Measurements } from './summary';

export const COST_TARGETS = {
  machineCpuMsPerUser: 0.65,
  endToEndVsRaw: 0.42,
  functionsCpuMsPerUser: 0.15,
  cassandraVsRaw: 1.15,
  pacedP99Ms: 300,
  functionsPeakRssMiB: 400,
  /** A scale run is flat when no 100k step's rate or RSS at its mark is further than this from the steps' median. */
  flatWithin: 0.2,
  /** Steps a run needs for its flatness to be judged: the 1,000,000-user run. */
  scaleSteps: 10,
} as const;

export interface CostTarget {
  name: string;
  /** The measured figure as shown, or undefined when the run did not measure it. */
  measured: string | undefined;
  target: string;
  met: boolean | undefined;
}

type Summary = PipelineBenchSummary & Measurements;

/** The functions' process: the one process whose name starts with "sls offline". */
function functionsCpu(summary: Summary): number | undefined {
  return summary.cpuMsPerUser.byProcess.find((p) => p.name.startsWith('sls offline'))?.ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Whether every step but the first (it includes the pipeline filling up) stays within `within` of the median. */
export function flat(steps: readonly ScaleStep[], within: number): { flat: boolean; rates: [number, number]; rss: [number, number] } {
  const judged = steps.slice(1);
  const rates = judged.map((s) => s.usersPerSecond);
  const rss = judged.map((s) => s.rssMiB);
  const close = (values: number[]) => values.every((v) => Math.abs(v - median(values)) <= within * median(values));
  return { flat: close(rates) && close(rss), rates: [Math.min(...rates), Math.max(...rates)], rss: [Math.min(...rss), Math.max(...rss)] };
}

const atMost = (name: string, value: number | undefined, limit: number, show: (v: number) => string): CostTarget => ({
  name,
  measured: value === undefined ? undefined : show(value),
  target: `≤ ${show(limit)}`,
  met: value === undefined ? undefined : value <= limit,
});

export function costTargets(summary: Summary): CostTarget[] {
  const t = COST_TARGETS;
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  const runs = [summary.throughput, summary.paced].filter((run) => run !== undefined);
  const lost = runs.reduce((sum, run) => sum + run.missing + run.duplicatesRaw + run.duplicatesClean, 0);
  const steps = summary.per100k;
  const scale = steps.length >= t.scaleSteps ? flat(steps, t.flatWithin) : undefined;
  return [
    atMost('whole-pipeline CPU per user (every process)', summary.cpuMsPerUser.machine, t.machineCpuMsPerUser, ms),
    {
      name: "end to end ÷ Cassandra's raw limit",
      measured: summary.ratioVsRaw?.toFixed(2),
      target: `≥ ${t.endToEndVsRaw}`,
      met: summary.ratioVsRaw === undefined ? undefined : summary.ratioVsRaw >= t.endToEndVsRaw,
    },
    atMost("the functions' process, CPU per user", functionsCpu(summary), t.functionsCpuMsPerUser, ms),
    atMost("Cassandra's share of a user ÷ its raw cost per write", summary.cassandra?.ratio, t.cassandraVsRaw, (v) => `${v.toFixed(2)}×`),
    atMost('p99 publish→Cassandra at 1,000 users/s', summary.pacedP99Ms, t.pacedP99Ms, (v) => `${Math.round(v)} ms`),
    atMost("the functions' process, peak RSS", summary.peakRssMiB.sls, t.functionsPeakRssMiB, (v) => `${Math.round(v)} MiB`),
    {
      name: 'a 1,000,000-user run flat (rate and RSS per 100k)',
      measured: scale && `users/s ${Math.round(scale.rates[0])}–${Math.round(scale.rates[1])}, RSS ${Math.round(scale.rss[0])}–${Math.round(scale.rss[1])} MiB`,
      target: `within ±${t.flatWithin * 100} % of the median (--users 1000000)`,
      met: scale?.flat,
    },
    { name: 'missing or duplicated users', measured: String(lost), target: '0', met: lost === 0 },
  ];
}

export function costTargetLines(summary: Summary): string[] {
  const mark = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? 'met' : 'NOT met');
  return costTargets(summary).map((t) => `  ${t.name}: ${t.measured ?? 'n/a'} (target ${t.target}) ${mark(t.met)}`);
}
