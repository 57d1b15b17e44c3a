/**
 * Per-stage counts of the pipeline for `npm start`'s live line, read where each stage leaves its
 * work: PostgreSQL (fetched, persisted, published, pending), Kafka end offsets (transformed,
 * dead-lettered) and the sink's committed offsets on users.clean (sunk: the sink commits a batch
 * only after Cassandra acknowledged every row of it). Offsets, not a `count(*)` of created_users:
 * that is a full scan of the table, every second, and it fails outright once deletions have left
 * more than 100,000 tombstones in it. Each source is read on its own, so one service down leaves
 * its counts unknown and the others shown.
 */
import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import { topology, type Config } from '../../layers/config';
import { createKafka } from '../../layers/adapters/kafka';
import { createPool } from '../../layers/adapters/postgres';

/** Each count, or undefined when its source could not be read this time. */
export interface StageCounts {
  fetched: number | undefined;
  persisted: number | undefined;
  published: number | undefined;
  pending: number | undefined;
  transformed: number | undefined;
  sunk: number | undefined;
  deadLettered: number | undefined;
}

export interface CounterSources {
  /** The sink's consumer group on users.clean (the manifest's, which serverless.yml's sink event reads). */
  sinkGroup: string;
}

/** Records a topic holds: end less start offset, summed over partitions. */
function held(offsets: readonly { high: string; low: string }[]): number {
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

export class PipelineCounter {
  private readonly pool: Pool;
  private readonly admin: Admin;
  private connected = false;

  constructor(
    private readonly config: Config,
    private readonly sources: CounterSources,
    kafkaLog?: (line: string) => void,
  ) {
    this.pool = createPool(config.postgres, { max: 2 });
    // While Kafka is down the client logs each retry; those lines belong in a log file, not the live line.
    this.admin = createKafka(config.kafka, { clientId: 'tributary-counts', retries: 1, log: kafkaLog }).admin();
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.connected) {
      await this.admin.connect();
      this.connected = true;
    }
    return this.admin;
  }

  private async topicTotal(topic: string): Promise<number> {
    return held(await (await this.connectedAdmin()).fetchTopicOffsets(topic));
  }

  /**
   * users.clean read once for two counts: the records it holds (transformed) and those the sink
   * has committed past (sunk), both from each partition's start.
   */
  private async cleanTotals(): Promise<{ transformed: number; sunk: number }> {
    const admin = await this.connectedAdmin();
    const topic = this.config.topics.clean;
    const [offsets, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: this.sources.sinkGroup, topics: [topic] }),
    ]);
    const low = new Map(offsets.map((p) => [p.partition, Number(p.low)]));
    return {
      transformed: held(offsets),
      sunk: (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset) - (low.get(p.partition) ?? 0)), 0),
    };
  }

  async read(): Promise<StageCounts> {
    const [pg, clean, deadLettered] = await Promise.allSettled([
      this.pool.query<{ persisted: string; rejected: string; published: string; pending: string }>(
        `SELECT (SELECT count(*) FROM raw_users) AS persisted,
                (SELECT count(*) FROM rejected_users) AS rejected,
                (SELECT count(*) FROM outbox WHERE published_at IS NOT NULL) AS published,
                (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS pending`,
      ),
      this.cleanTotals(),
      this.topicTotal(this.config.topics.dlq),
    ]);
    const row = pg.status === 'fulfilled' ? pg.value.rows[0] : undefined;
    const totals = clean.status === 'fulfilled' ? clean.value : undefined;
    return {
      fetched: row ? Number(row.persisted) + Number(row.rejected) : undefined,
      persisted: row ? Number(row.persisted) : undefined,
      published: row ? Number(row.published) : undefined,
      pending: row ? Number(row.pending) : undefined,
      transformed: totals?.transformed,
      sunk: totals?.sunk,
      deadLettered: deadLettered.status === 'fulfilled' ? deadLettered.value : undefined,
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pool.end(), this.connected ? this.admin.disconnect() : Promise.resolve()]);
  }
}

/**
 * What happened since `baseline`: each cumulative count less its value then, so a stack that
 * already holds earlier runs' (or the tests') users shows this run's flow. `pending` is a level,
 * not a total, and stays as read. A count unknown at either end is unknown.
 */
export function countsSince(baseline: StageCounts, now: StageCounts): StageCounts {
  const less = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a - b);
  return {
    fetched: less(now.fetched, baseline.fetched),
    persisted: less(now.persisted, baseline.persisted),
    published: less(now.published, baseline.published),
    pending: now.pending,
    transformed: less(now.transformed, baseline.transformed),
    sunk: less(now.sunk, baseline.sunk),
    deadLettered: less(now.deadLettered, baseline.deadLettered),
  };
}

/** Whether every count was read (a baseline with gaps would leave those stages unknown all run). */
export function complete(c: StageCounts): boolean {
  return Object.values(c).every((n) => n !== undefined);
}

export function formatCounts(c: StageCounts): string {
  const n = (v: number | undefined): string => (v === undefined ? '?' : String(v));
  return `fetched ${n(c.fetched)} · persisted ${n(c.persisted)} · published ${n(c.published)} (pending ${n(c.pending)}) · transformed ${n(c.transformed)} · sunk ${n(c.sunk)} · dead-lettered ${n(c.deadLettered)}`;
}

export function createCounter(config: Config, kafkaLog?: (line: string) => void): PipelineCounter {
  return new PipelineCounter(config, { sinkGroup: topology.kafka.consumerGroups.sink }, kafkaLog);
}
