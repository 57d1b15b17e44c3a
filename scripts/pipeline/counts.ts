/**
 * Per-stage counts of the pipeline, read from where each stage leaves its data: PostgreSQL
 * (fetched, persisted, published), Kafka end offsets (transformed, dead-lettered) and Cassandra
 * (sunk). Used by `npm start`'s live line, the benchmark and the end-to-end tests.
 */
import type { Client } from 'cassandra-driver';
import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '../../layers/config';
import { createCassandra } from '../../layers/adapters/cassandra';
import { countCreatedUsers } from '../../layers/adapters/created-users-store';
import { createKafka } from '../../layers/adapters/kafka';
import { createPool } from '../../layers/adapters/postgres';

export interface StageCounts {
  fetched: number;
  persisted: number;
  published: number;
  pending: number;
  transformed: number;
  sunk: number;
  deadLettered: number;
}

export class PipelineCounter {
  private readonly pool: Pool;
  private readonly admin: Admin;
  private readonly cassandra: Client;
  private connected = false;

  constructor(private readonly config: Config) {
    this.pool = createPool(config.postgres, { max: 2 });
    this.admin = createKafka(config.kafka, { clientId: 'tributary-counts' }).admin();
    this.cassandra = createCassandra(config.cassandra);
  }

  private async topicTotal(topic: string): Promise<number> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  }

  async read(): Promise<StageCounts> {
    if (!this.connected) {
      await this.admin.connect();
      this.connected = true;
    }
    const [pg, transformed, deadLettered, sunk] = await Promise.all([
      this.pool.query<{ persisted: string; rejected: string; published: string; pending: string }>(
        `SELECT (SELECT count(*) FROM raw_users) AS persisted,
                (SELECT count(*) FROM rejected_users) AS rejected,
                (SELECT count(*) FROM outbox WHERE published_at IS NOT NULL) AS published,
                (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS pending`,
      ),
      this.topicTotal(this.config.topics.clean),
      this.topicTotal(this.config.topics.dlq),
      countCreatedUsers(this.cassandra),
    ]);
    const row = pg.rows[0]!;
    return {
      fetched: Number(row.persisted) + Number(row.rejected),
      persisted: Number(row.persisted),
      published: Number(row.published),
      pending: Number(row.pending),
      transformed,
      sunk,
      deadLettered,
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pool.end(), this.connected ? this.admin.disconnect() : Promise.resolve(), this.cassandra.shutdown()]);
  }
}

/**
 * What happened since `baseline`: each cumulative count less its value then, so a stack that
 * already holds earlier runs' (or the tests') users shows this run's flow. `pending` is a level,
 * not a total, and stays as read.
 */
export function countsSince(baseline: StageCounts, now: StageCounts): StageCounts {
  return {
    fetched: now.fetched - baseline.fetched,
    persisted: now.persisted - baseline.persisted,
    published: now.published - baseline.published,
    pending: now.pending,
    transformed: now.transformed - baseline.transformed,
    sunk: now.sunk - baseline.sunk,
    deadLettered: now.deadLettered - baseline.deadLettered,
  };
}

export function formatCounts(c: StageCounts): string {
  return `fetched ${c.fetched} · persisted ${c.persisted} · published ${c.published} (pending ${c.pending}) · transformed ${c.transformed} · sunk ${c.sunk} · dead-lettered ${c.deadLettered}`;
}

export function createCounter(config: Config): PipelineCounter {
  return new PipelineCounter(config);
}
