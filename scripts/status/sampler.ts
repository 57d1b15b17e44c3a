/**
 * Reads the status page's sources on a schedule: every 2 s while someone looks (the page or
 * `npm run status` asked within the last 30 s), every 10 s otherwise, so a page nobody watches costs
 * little; the registry and the services every 15 s. Each source is read on its own with a time
 * limit, so one that does not answer leaves its own figures unknown and never stalls the others.
 * The clients are the project's adapters', built once from the one config.
 */
import { appendFileSync } from 'node:fs';
import type { Client } from 'cassandra-driver';
import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import { type Config, topology } from '../../layers/config';
import { createCassandra } from '../../layers/adapters/cassandra';
import { createKafka } from '../../layers/adapters/kafka';
import { createPool } from '../../layers/adapters/postgres';
import { createSchemaRegistry } from '../../layers/adapters/schema-registry';
import type { StackContext } from '../stack/service';
import { Baselines, History } from './flow';
import { buildSnapshot, LEVEL_SERIES, type FlowFigures, type Readings, type SourceName, type StatusSnapshot } from './snapshot';
import { readCassandra } from './sources/cassandra';
import { DeadLetterTail } from './sources/dead-letters';
import { FunctionsLog } from './sources/functions-log';
import { endTotal, readKafka } from './sources/kafka';
import { readMappings } from './sources/mappings';
import { readPostgres } from './sources/postgres';
import { readRegistry } from './sources/registry';
import { readServices } from './sources/services';

export interface SamplerOptions {
  config: Config;
  ctx: StackContext;
  /** The log the functions' output goes to (their EMF lines). */
  functionsLog: string;
  /** plugins/offline-kafka's metrics file (serverless.yml's custom.offlineKafka.metricsFile). */
  mappingsFile: string;
  /** Where the status server's Kafka client logs (a broker down: a line per retry). */
  kafkaLog: string;
  watchedEveryMs?: number;
  idleEveryMs?: number;
  slowEveryMs?: number;
  /** How long a source may take before it counts as not answering. */
  timeoutMs?: number;
}

const WATCHED_FOR_MS = 30_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const minus = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a - b);

export class StatusSampler {
  readonly startedAt = Date.now();
  private readonly readings: Readings = { postgres: {}, kafka: {}, deadLetters: {}, cassandra: {}, registry: {}, services: {}, metrics: {}, mappings: {} };
  private readonly baselines = new Baselines();
  private readonly history = new History();
  private readonly pool: Pool;
  private readonly admin: Admin;
  private readonly cassandra: Client;
  private readonly deadLetters: DeadLetterTail;
  private readonly functionsLog: FunctionsLog;
  private adminConnected = false;
  private watchedAt = 0;
  private lastSampleAt = 0;
  private lastSlowAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: SamplerOptions) {
    const { config } = options;
    this.pool = createPool(config.postgres, { max: 2, idleTimeoutMillis: 60_000 });
    const kafka = createKafka(config.kafka, { clientId: `${config.kafka.clientId}-status`, retries: 1, log: (line) => appendFileSync(options.kafkaLog, line) });
    this.admin = kafka.admin();
    this.cassandra = createCassandra(config.cassandra);
    this.deadLetters = new DeadLetterTail(kafka, config.topics.dlq, topology.functions, createSchemaRegistry(config.schemaRegistry));
    this.functionsLog = new FunctionsLog(options.functionsLog);
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 4000;
  }

  /** Reads one source into its state: its value, or why it has none this time. */
  private async read<K extends SourceName>(name: K, work: () => Promise<NonNullable<Readings[K]['value']>>): Promise<void> {
    try {
      const value = await withTimeout(work(), this.timeoutMs);
      this.readings[name] = { value, at: Date.now() } as Readings[K];
    } catch (err) {
      this.readings[name] = { at: Date.now(), error: err instanceof Error ? err.message : String(err) } as Readings[K];
    }
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.adminConnected) {
      await this.admin.connect();
      this.adminConnected = true;
    }
    return this.admin;
  }

  private readKafka() {
    const { topics } = this.options.config;
    const groups = topology.kafka.consumerGroups;
    return this.connectedAdmin().then((admin) =>
      readKafka(
        admin,
        [topics.raw, topics.clean, topics.dlq],
        [
          { topic: topics.raw, group: groups.transform },
          { topic: topics.clean, group: groups.sink },
        ],
      ),
    );
  }

  private readSlow(): Promise<unknown> {
    this.lastSlowAt = Date.now();
    return Promise.all([
      this.read('registry', () => readRegistry(this.options.config.schemaRegistry.url, Object.values(this.options.config.topics))),
      // The services' own probes have their own limits (up to 8 s for Cassandra's).
      this.read('services', () => withTimeout(readServices(this.options.ctx), 10_000)),
    ]);
  }

  /** Counts since start from the cumulative counters just read; rates follow from the history. */
  private record(at: number): void {
    const since = (name: string, value: number | undefined): number | undefined => this.baselines.since(name, value);
    const pg = this.readings.postgres.value;
    const kafka = this.readings.kafka.value;
    const { topics } = this.options.config;
    const group = (name: string) => kafka?.groups.find((g) => g.group === name);
    const end = (topic: string) => (kafka?.topics[topic] ? endTotal(kafka.topics[topic]) : undefined);
    const transform = group(topology.kafka.consumerGroups.transform);
    const sink = group(topology.kafka.consumerGroups.sink);
    this.history.add({
      at,
      counts: {
        fetched: this.readings.metrics.value?.get('fetch')?.recordsIn ?? (this.readings.metrics.value ? 0 : undefined),
        persisted: minus(since('raw_users.ins', pg?.rawUsers.inserted), since('raw_users.del', pg?.rawUsers.deleted)),
        rejected: minus(since('rejected_users.ins', pg?.rejectedUsers.inserted), since('rejected_users.del', pg?.rejectedUsers.deleted)),
        queued: minus(since('outbox.ins', pg?.outbox.inserted), since('outbox.del', pg?.outbox.deleted)),
        // The outbox's only update marks a row published.
        published: since('outbox.upd', pg?.outbox.updated),
        raw: since('raw.end', end(topics.raw)),
        transformed: since('transform.committed', transform?.consumed),
        clean: since('clean.end', end(topics.clean)),
        deadLettered: since('dlq.end', end(topics.dlq)),
        sunk: since('sink.committed', sink?.consumed),
      },
      levels: { pending: pg?.pending, transformLag: transform?.lag, sinkLag: sink?.lag },
    });
  }

  /** One reading of every source; the slow ones, when due, are waited for only if `waitForSlow`. */
  async sample(waitForSlow = false): Promise<void> {
    this.sampling ??= (async () => {
      const slow = Date.now() - this.lastSlowAt >= (this.options.slowEveryMs ?? 15_000) ? this.readSlow() : undefined;
      await Promise.all([
        waitForSlow ? slow : undefined,
        this.read('postgres', () => readPostgres(this.pool)),
        this.read('kafka', () => this.readKafka()),
        this.read('cassandra', () => readCassandra(this.cassandra, this.options.config.cassandra.keyspace)),
        this.read('deadLetters', () => this.deadLetters.read()),
        this.read('metrics', async () => this.functionsLog.read()),
        this.read('mappings', async () => readMappings(this.options.mappingsFile)),
      ]);
      this.lastSampleAt = Date.now();
      this.record(this.lastSampleAt);
    })().finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private get everyMs(): number {
    const watched = Date.now() - this.watchedAt < WATCHED_FOR_MS;
    return watched ? (this.options.watchedEveryMs ?? 2000) : (this.options.idleEveryMs ?? 10_000);
  }

  private schedule(): void {
    if (this.stopped) return;
    const due = Math.max(0, this.lastSampleAt + this.everyMs - Date.now());
    this.timer = setTimeout(() => void this.sample().finally(() => this.schedule()), due);
  }

  start(): void {
    this.schedule();
  }

  /** Someone looks: sampling speeds up, and a reading older than the watched interval is taken now. */
  watched(): void {
    const wasIdle = Date.now() - this.watchedAt >= WATCHED_FOR_MS;
    this.watchedAt = Date.now();
    if (wasIdle && !this.stopped) {
      clearTimeout(this.timer);
      this.schedule();
    }
  }

  snapshot(historySince = 0): StatusSnapshot {
    const latest = this.history.latest();
    const kafka = this.readings.kafka.value;
    const { topics } = this.options.config;
    const total = (topic: string) => (kafka?.topics[topic] ? endTotal(kafka.topics[topic]) : undefined);
    const consumed = (group: string) => kafka?.groups.find((g) => g.group === group)?.consumed;
    const figures: FlowFigures = {
      counts: latest?.counts ?? {},
      rates: this.history.rates(),
      levels: Object.fromEntries(LEVEL_SERIES.map((level) => [level, latest?.levels[level]])),
      totals: {
        raw: total(topics.raw),
        clean: total(topics.clean),
        dlq: total(topics.dlq),
        transformed: consumed(topology.kafka.consumerGroups.transform),
        sunk: consumed(topology.kafka.consumerGroups.sink),
      },
    };
    return buildSnapshot(this.readings, figures, {
      at: this.lastSampleAt,
      startedAt: this.startedAt,
      sampleEveryMs: this.everyMs,
      stageOrder: topology.functions,
      history: this.history.view(historySince),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sampling?.catch(() => undefined);
    await Promise.allSettled([
      this.pool.end(),
      this.adminConnected ? this.admin.disconnect() : Promise.resolve(),
      this.cassandra.shutdown(),
      this.deadLetters.stop(),
    ]);
  }
}
