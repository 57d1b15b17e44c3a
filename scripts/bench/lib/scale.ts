/**
 * Whether cost grows linearly with work (issue 14, item 4): during the throughput phase, once a
 * second, the users the sink has taken (its group's committed offsets on users.clean past the
 * phase's start: a sink batch commits after its rows are written to Cassandra), the sls process'
 * resident memory and its CPU time; then, per 100k users reaching Cassandra, the rate, the CPU per
 * user and the memory at the mark and at its highest in between.
 */
import type { Admin } from 'kafkajs';
import { treeSeconds } from './cpu';
import { statusField } from '../../stack/proc';
import { table } from './stats';
import { committedOffsets, endOffsets, type Offsets } from './readers';

export const SCALE_STEP = 100_000;
const SAMPLE_MS = 1000;
const MIB = 1024 * 1024;

export interface ScaleSample {
  at: number;
  /** Users the sink committed since the phase began. */
  sunk: number;
  rss: number;
  cpuSeconds: number;
}

/** One step of SCALE_STEP users (the last may be shorter): the --json `per100k` entries. */
export interface ScaleStep {
  /** Users reached Cassandra by the end of the step (100000, 200000, …). */
  users: number;
  /** Wall seconds the step took (the first from the phase's start: it includes the pipeline filling up). */
  seconds: number;
  usersPerSecond: number;
  /** The sls process' CPU (/proc, with its children) in the step, per user of the step. */
  slsCpuMsPerUser: number;
  /** The sls process' VmRSS at the mark, and the highest sampled within the step. */
  rssMiB: number;
  peakRssMiB: number;
}

export interface ScaleSampler {
  stop(): Promise<ScaleStep[]>;
}

/** Starts sampling now; `stop` (after the phase drained) turns the samples into steps. */
export async function sampleScale(admin: Admin, group: string, topic: string, pid: number): Promise<ScaleSampler> {
  const start: Offsets = await endOffsets(admin, topic);
  const samples: ScaleSample[] = [];
  const take = async (): Promise<void> => {
    const at = Date.now();
    const rss = statusField(pid, 'VmRSS');
    const cpuSeconds = treeSeconds(pid) ?? Number.NaN;
    const committed = await committedOffsets(admin, group, topic);
    samples.push({ at, sunk: beyond(start, committed), rss, cpuSeconds });
  };
  await take();
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      await take().catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await take().catch(() => undefined);
      return steps(samples);
    },
  };
}

/** Records committed past the start offsets, summed over partitions. */
function beyond(start: Offsets, committed: Offsets): number {
  let total = 0;
  for (const [partition, offset] of committed) total += Math.max(0, offset - (start.get(partition) ?? 0));
  return total;
}

/** When, and at what CPU time, `users` were reached between samples a and b (linear in between). */
function between(a: ScaleSample, b: ScaleSample, users: number): { at: number; cpuSeconds: number } {
  const f = b.sunk === a.sunk ? 1 : (users - a.sunk) / (b.sunk - a.sunk);
  return { at: a.at + f * (b.at - a.at), cpuSeconds: a.cpuSeconds + f * (b.cpuSeconds - a.cpuSeconds) };
}

/** The samples cut at every SCALE_STEP users and at the last user. */
export function steps(samples: readonly ScaleSample[]): ScaleStep[] {
  const first = samples[0];
  const total = samples.at(-1)?.sunk ?? 0;
  if (!first || samples.length < 2 || total === 0) return [];
  const marks: number[] = [];
  for (let users = SCALE_STEP; users < total; users += SCALE_STEP) marks.push(users);
  marks.push(total);
  const out: ScaleStep[] = [];
  let previous = { users: 0, at: first.at, cpuSeconds: first.cpuSeconds };
  let i = 1;
  for (const users of marks) {
    let peak = 0;
    // Every sample up to the first one at or past the mark belongs to this step.
    while (i < samples.length - 1 && (samples[i] as ScaleSample).sunk < users) peak = Math.max(peak, (samples[i++] as ScaleSample).rss);
    const after = samples[i] as ScaleSample;
    const crossing = between(samples[i - 1] as ScaleSample, after, users);
    const n = users - previous.users;
    const seconds = (crossing.at - previous.at) / 1000;
    out.push({
      users,
      seconds,
      usersPerSecond: seconds > 0 ? n / seconds : Number.NaN,
      slsCpuMsPerUser: ((crossing.cpuSeconds - previous.cpuSeconds) / n) * 1000,
      rssMiB: after.rss / MIB,
      peakRssMiB: Math.max(peak, after.rss) / MIB,
    });
    previous = { users, ...crossing };
  }
  return out;
}

/** The report's table of the steps. */
export function scaleLines(per100k: readonly ScaleStep[]): string[] {
  if (per100k.length === 0) return [];
  const rows = per100k.map((s) => [
    s.users.toLocaleString('en-US'),
    s.seconds.toFixed(1),
    Math.round(s.usersPerSecond).toLocaleString('en-US'),
    s.slsCpuMsPerUser.toFixed(3),
    s.rssMiB.toFixed(0),
    s.peakRssMiB.toFixed(0),
  ]);
  return [
    "per 100k users reaching Cassandra (the sink's committed offsets, sampled every second; the first step includes the pipeline filling up)",
    table([['users reached', 'step s', 'users/s', 'sls CPU ms per user', 'sls RSS MiB at mark', 'peak in step'], ...rows]),
  ];
}
