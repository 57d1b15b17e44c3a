/**
 * A mapping's event source mapping metrics under AWS's names (Lambda DG, "Event source mapping
 * metrics"): the EventCount and ErrorCount groups as running totals, KafkaMetrics from the last
 * offset-lag reading, and the number of pollers. The consumer counts; the plugin logs one line per
 * interval for the groups MetricsConfig enables and writes every group to the metrics file.
 */
import type { MetricGroup } from './event-definition';

export const EVENT_COUNT = [
  'PolledEventCount',
  'FilteredOutEventCount',
  'InvokedEventCount',
  'FailedInvokeEventCount',
  'DroppedEventCount',
  'OnFailureDestinationDeliveredEventCount',
  'CommittedEventCount',
] as const;
export const ERROR_COUNT = [
  'PollingErrorCount',
  'InvokeErrorCount',
  'OnFailureDestinationDeliveryErrorCount',
  'SchemaRegistryErrorCount',
  'CommitErrorCount',
] as const;

export type EventCountMetric = (typeof EVENT_COUNT)[number];
export type ErrorCountMetric = (typeof ERROR_COUNT)[number];

export interface KafkaMetricsSnapshot {
  MaxOffsetLag: number;
  SumOffsetLag: number;
  /** Latest minus committed offset, by partition. */
  OffsetLag: Record<string, number>;
}

export interface MetricsSnapshot {
  EventCount: Record<EventCountMetric, number>;
  ErrorCount: Record<ErrorCountMetric, number>;
  /** Undefined until the first lag reading. */
  KafkaMetrics: KafkaMetricsSnapshot | undefined;
  ProvisionedPollers: number;
}

export class MappingMetrics {
  private readonly counts = new Map<EventCountMetric | ErrorCountMetric, number>();
  private offsetLag: Map<number, number> | undefined;
  private readonly seenThrough = new Map<number, number>();
  pollers = 0;

  add(metric: EventCountMetric | ErrorCountMetric, count = 1): void {
    this.counts.set(metric, (this.counts.get(metric) ?? 0) + count);
  }

  /** The records of a fetch from records[from] on not polled before: a partition paused or retried is fetched again. */
  firstPolled<T>(partition: number, records: readonly T[], from: number, offsetOf: (record: T) => number): T[] {
    const through = this.seenThrough.get(partition) ?? -1;
    const fresh: T[] = [];
    for (let i = from; i < records.length; i++) if (offsetOf(records[i] as T) > through) fresh.push(records[i] as T);
    const last = fresh.at(-1);
    if (last !== undefined) this.seenThrough.set(partition, offsetOf(last));
    return fresh;
  }

  setOffsetLag(lag: Map<number, number>): void {
    this.offsetLag = lag;
  }

  snapshot(): MetricsSnapshot {
    const group = <M extends string>(names: readonly M[]) =>
      Object.fromEntries(names.map((name) => [name, this.counts.get(name as EventCountMetric) ?? 0])) as Record<M, number>;
    return { EventCount: group(EVENT_COUNT), ErrorCount: group(ERROR_COUNT), KafkaMetrics: this.kafkaMetrics(), ProvisionedPollers: this.pollers };
  }

  private kafkaMetrics(): KafkaMetricsSnapshot | undefined {
    if (!this.offsetLag) return undefined;
    const lags = [...this.offsetLag.entries()].sort(([a], [b]) => a - b);
    return {
      MaxOffsetLag: Math.max(0, ...lags.map(([, lag]) => lag)),
      SumOffsetLag: lags.reduce((sum, [, lag]) => sum + lag, 0),
      OffsetLag: Object.fromEntries(lags.map(([partition, lag]) => [String(partition), lag])),
    };
  }
}

/**
 * One log line for the groups MetricsConfig enables: counts since the previous line (a CloudWatch
 * period's sums), the lag as last read, and the pollers running.
 */
export function metricsLine(
  label: string,
  groups: ReadonlySet<MetricGroup>,
  now: MetricsSnapshot,
  before: MetricsSnapshot | undefined,
  seconds: number,
): string {
  const parts: string[] = [];
  if (groups.has('EventCount')) parts.push(counts(EVENT_COUNT, now.EventCount, before?.EventCount));
  if (groups.has('ErrorCount')) parts.push(counts(ERROR_COUNT, now.ErrorCount, before?.ErrorCount));
  if (groups.has('KafkaMetrics')) {
    const kafka = now.KafkaMetrics;
    parts.push(
      kafka
        ? `MaxOffsetLag ${kafka.MaxOffsetLag}, SumOffsetLag ${kafka.SumOffsetLag}, OffsetLag [${Object.entries(kafka.OffsetLag)
            .map(([partition, lag]) => `${partition}:${lag}`)
            .join(' ')}]`
        : 'OffsetLag not read yet',
    );
  }
  parts.push(`ProvisionedPollers ${now.ProvisionedPollers}`);
  return `offline-kafka: ${label} metrics (last ${seconds} s): ${parts.join('; ')}`;
}

function counts<M extends string>(names: readonly M[], now: Record<M, number>, before: Record<M, number> | undefined): string {
  return names.map((name) => `${name} ${now[name] - (before?.[name] ?? 0)}`).join(', ');
}
