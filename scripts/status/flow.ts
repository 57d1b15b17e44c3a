/**
 * Counts since the status server started, and rates over the last seconds, from cumulative
 * counters read at each sample (PostgreSQL's row statistics, Kafka offsets, the functions'
 * metrics). Pure: the sampler feeds it readings; the page and `npm run status` read it.
 */

/**
 * Each counter's value at its first reading, so what it counted before does not show as this run's.
 * A counter that goes back (PostgreSQL's statistics reset, a topic recreated) keeps its count since
 * start and counts on from its new value.
 */
export class Baselines {
  private readonly seen = new Map<string, { base: number; last: number }>();

  /** How much `name` grew since it was first read; undefined while it could not be read. */
  since(name: string, value: number | undefined): number | undefined {
    if (value === undefined) return undefined;
    const entry = this.seen.get(name);
    if (!entry) {
      this.seen.set(name, { base: value, last: value });
      return 0;
    }
    if (value < entry.last) entry.base = value - (entry.last - entry.base);
    entry.last = value;
    return value - entry.base;
  }
}

export interface HistoryPoint {
  /** ms since the epoch */
  at: number;
  /** Counts since start, by series. */
  counts: Record<string, number | undefined>;
  /** Levels as read (pending rows, consumer lag). */
  levels: Record<string, number | undefined>;
}

/** The page's charts: per sample, each series' rate (per second) and each level. */
export interface HistoryView {
  t: number[];
  rates: Record<string, (number | null)[]>;
  levels: Record<string, (number | null)[]>;
}

export class History {
  private readonly points: HistoryPoint[] = [];

  constructor(
    /** Rates are taken over at least this long, so one slow sample does not make a spike. */
    private readonly windowMs = 5000,
    private readonly keepMs = 15 * 60_000,
  ) {}

  add(point: HistoryPoint): void {
    this.points.push(point);
    while (this.points.length > 0 && this.points[0]!.at < point.at - this.keepMs) this.points.shift();
  }

  latest(): HistoryPoint | undefined {
    return this.points.at(-1);
  }

  /** Per second, between the point at `index` and the latest point at least windowMs before it. */
  private rateAt(index: number, series: string): number | undefined {
    const now = this.points[index]!;
    const value = now.counts[series];
    if (value === undefined) return undefined;
    for (let i = index - 1; i >= 0; i--) {
      const then = this.points[i]!;
      if (now.at - then.at < this.windowMs && i > 0) continue;
      const before = then.counts[series];
      if (before === undefined || now.at === then.at) return undefined;
      return Math.max(0, ((value - before) * 1000) / (now.at - then.at));
    }
    return undefined;
  }

  /** Each series' rate now, per second; undefined until two readings are far enough apart. */
  rates(): Record<string, number | undefined> {
    const last = this.points.length - 1;
    if (last < 0) return {};
    return Object.fromEntries(Object.keys(this.points[last]!.counts).map((series) => [series, this.rateAt(last, series)]));
  }

  view(since = 0): HistoryView {
    const view: HistoryView = { t: [], rates: {}, levels: {} };
    const last = this.points.at(-1);
    if (!last) return view;
    const rateSeries = Object.keys(last.counts);
    const levelSeries = Object.keys(last.levels);
    for (const s of rateSeries) view.rates[s] = [];
    for (const s of levelSeries) view.levels[s] = [];
    this.points.forEach((point, index) => {
      if (point.at <= since) return;
      view.t.push(point.at);
      for (const s of rateSeries) view.rates[s]!.push(this.rateAt(index, s) ?? null);
      for (const s of levelSeries) view.levels[s]!.push(point.levels[s] ?? null);
    });
    return view;
  }
}
