/**
 * PostgreSQL's side of the flow without scanning a table: rows added and removed come from the
 * server's cumulative statistics (pg_stat_user_tables: a read of shared memory), and only the
 * outbox's pending rows are counted, through the partial index publish drains it by
 * (outbox_unpublished), and never past PENDING_CAP of them.
 */
import type { Pool } from 'pg';

/** Beyond this many pending rows the page shows "more than"; counting further would cost a scan's worth. */
export const PENDING_CAP = 100_000;

/** Cumulative since PostgreSQL's statistics were last reset (they only ever grow until then). */
export interface TableCounters {
  inserted: number;
  updated: number;
  deleted: number;
}

export interface PostgresReading {
  rawUsers: TableCounters;
  rejectedUsers: TableCounters;
  outbox: TableCounters;
  /** Unpublished outbox rows, up to PENDING_CAP. */
  pending: number;
  pendingCapped: boolean;
}

const TABLES = ['raw_users', 'rejected_users', 'outbox'];

export async function readPostgres(pool: Pool): Promise<PostgresReading> {
  const [stats, pending] = await Promise.all([
    pool.query<{ relname: string; n_tup_ins: string; n_tup_upd: string; n_tup_del: string }>(
      `SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables
        WHERE schemaname = current_schema() AND relname = ANY($1::text[])`,
      [TABLES],
    ),
    pool.query<{ n: string }>('SELECT count(*) AS n FROM (SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT $1) AS waiting', [PENDING_CAP + 1]),
  ]);
  const counters = (table: string): TableCounters => {
    const row = stats.rows.find((r) => r.relname === table);
    if (!row) throw new Error(`no statistics for table ${table}: is the database migrated?`);
    return { inserted: Number(row.n_tup_ins), updated: Number(row.n_tup_upd), deleted: Number(row.n_tup_del) };
  };
  const waiting = Number(pending.rows[0]?.n ?? 0);
  return {
    rawUsers: counters('raw_users'),
    rejectedUsers: counters('rejected_users'),
    outbox: counters('outbox'),
    pending: Math.min(waiting, PENDING_CAP),
    pendingCapped: waiting > PENDING_CAP,
  };
}
