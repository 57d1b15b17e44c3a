/**
 * Runs the mappings' periodic work: every scaling interval each mapping reads its offset lag and
 * rescales its pollers, then the metrics file is rewritten (every mapping, every metric group: what
 * status tools read); every metrics interval each mapping with MetricsConfig logs one line with the
 * groups it enables. Once the mappings have stopped, the file is written once more, marked stopped.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConsumerLog, EventSourceConsumer, MappingState } from './consumer';
import { describeError } from './errors';
import type { MetricGroup } from './event-definition';
import { type MetricsSnapshot, metricsLine } from './metrics';

export interface MonitorSettings {
  scalingIntervalMs: number;
  metricsIntervalMs: number;
  /** Absolute path, or null for no file. */
  metricsFile: string | null;
}

/** The metrics file: one entry per mapping. */
export interface MetricsDocument {
  service: string;
  pid: number;
  state: 'running' | 'stopped';
  updatedAt: string;
  mappings: MappingStatus[];
}

export interface MappingStatus extends MetricsSnapshot {
  logicalId: string;
  functionKey: string;
  topic: string;
  consumerGroupId: string;
  state: MappingState;
  /** The groups MetricsConfig enables (the log line shows only these). */
  metricsConfig: MetricGroup[];
  pollers: { current: number; minimum: number; maximum: number; provisioned: boolean };
}

export class MappingMonitor {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly lastLogged = new Map<EventSourceConsumer, MetricsSnapshot>();
  private lastLoggedAt = Date.now();
  private scaling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly consumers: readonly EventSourceConsumer[],
    private readonly settings: MonitorSettings,
    private readonly service: string,
    private readonly log: ConsumerLog,
  ) {}

  start(): void {
    void this.write('running');
    this.every(this.settings.scalingIntervalMs, () => {
      this.scaling = this.scaleAndWrite();
      return this.scaling;
    });
    this.every(this.settings.metricsIntervalMs, async () => this.logMetrics());
  }

  /** No more readings or lines; resolves once a reading under way is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.scaling;
  }

  /** The file's last state, once the consumers have stopped. */
  writeStopped(): Promise<void> {
    return this.write('stopped');
  }

  private every(intervalMs: number, work: () => Promise<void>): void {
    const schedule = (): void => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void work().finally(() => {
          if (!this.stopped) schedule();
        });
      }, intervalMs);
      this.timers.add(timer);
    };
    schedule();
  }

  private async scaleAndWrite(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.monitor()));
    if (!this.stopped) await this.write('running');
  }

  private logMetrics(): void {
    const now = Date.now();
    const seconds = Math.round((now - this.lastLoggedAt) / 1000);
    this.lastLoggedAt = now;
    for (const consumer of this.consumers) {
      if (consumer.mapping.metrics.size === 0) continue;
      const snapshot = consumer.metrics.snapshot();
      this.log.notice(metricsLine(consumer.label, consumer.mapping.metrics, snapshot, this.lastLogged.get(consumer), seconds));
      this.lastLogged.set(consumer, snapshot);
    }
  }

  private async write(state: MetricsDocument['state']): Promise<void> {
    const file = this.settings.metricsFile;
    if (file === null) return;
    const document: MetricsDocument = {
      service: this.service,
      pid: process.pid,
      state,
      updatedAt: new Date().toISOString(),
      mappings: this.consumers.map((consumer) => status(consumer)),
    };
    try {
      await mkdir(path.dirname(file), { recursive: true });
      // Written aside and renamed, so a reader never sees half a file.
      const partial = `${file}.${process.pid}.tmp`;
      await writeFile(partial, `${JSON.stringify(document, null, 2)}\n`);
      await rename(partial, file);
    } catch (error) {
      this.log.warning(`offline-kafka: metrics file ${file} not written: ${describeError(error)}`);
    }
  }
}

function status(consumer: EventSourceConsumer): MappingStatus {
  const { mapping, metrics } = consumer;
  const snapshot = metrics.snapshot();
  return {
    logicalId: mapping.logicalId,
    functionKey: mapping.functionKey,
    topic: mapping.topic,
    consumerGroupId: mapping.consumerGroupId,
    state: consumer.state,
    metricsConfig: [...mapping.metrics],
    pollers: { current: snapshot.ProvisionedPollers, ...mapping.pollers },
    ...snapshot,
  };
}
