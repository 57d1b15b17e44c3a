/**
 * The pipeline's SQL against PostgreSQL, the system of record: raw users upserted with their outbox
 * rows in one transaction, and the outbox drained by one publisher at a time (an advisory lock),
 * with FOR UPDATE SKIP LOCKED as well so no two transactions ever claim the same rows. Every
 * statement is parameterized; bulk writes pass the batch as one JSON document (json_to_recordset)
 * or arrays (unnest), so a 5000-user batch is a handful of statements, not 5000.
 */
import type { Pool, PoolClient } from 'pg';
import type { Outbox, OutboxEntry, PersistResult, RawUserRow, RawUserStore, RejectedRow } from '../pipeline/ports';

async function transaction<T>(client: PoolClient, work: (client: PoolClient) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await transaction(client, work);
  } finally {
    client.release();
  }
}

/** PostgreSQL text and jsonb cannot hold U+0000; a rejected record may, so it is kept as escaped text. */
function rejectedColumns(rejected: RejectedRow[]): [(string | null)[], (string | null)[]] {
  const payloads: (string | null)[] = [];
  const texts: (string | null)[] = [];
  for (const r of rejected) {
    const json = r.payload === undefined ? null : (JSON.stringify(r.payload) ?? null);
    if (json?.includes('\\u0000')) {
      payloads.push(null);
      texts.push(json);
    } else {
      payloads.push(json);
      texts.push(r.rawText === undefined ? null : stripNul(r.rawText));
    }
  }
  return [payloads, texts];
}

function stripNul(text: string): string {
  return text.replaceAll('\u0000', '\\u0000');
}

async function persistBatch(pool: Pool, batchId: string, batch: RawUserRow[], rejected: RejectedRow[]): Promise<PersistResult> {
  // One statement cannot upsert the same key twice: within a batch the last occurrence wins.
  const users = [...new Map(batch.map((u) => [u.userId, u])).values()];
  return inTransaction(pool, async (client) => {
    let queued = 0;
    if (users.length > 0) {
      const result = await client.query(
        `WITH incoming AS (
           SELECT * FROM json_to_recordset($1::json) AS t(user_id uuid, payload jsonb)
         ), changed AS (
           SELECT i.user_id FROM incoming i LEFT JOIN raw_users r USING (user_id)
           WHERE r.user_id IS NULL OR r.payload IS DISTINCT FROM i.payload
         ), upserted AS (
           INSERT INTO raw_users (user_id, payload, batch_id)
           SELECT user_id, payload, $2 FROM incoming
           ON CONFLICT (user_id) DO UPDATE
             SET payload = EXCLUDED.payload, batch_id = EXCLUDED.batch_id, last_seen_at = now()
           RETURNING user_id
         )
         INSERT INTO outbox (user_id) SELECT user_id FROM changed ORDER BY user_id`,
        // One JSON document for the batch: a jsonb[] parameter would be escaped element by element
        // into an array literal, the largest CPU cost of persist.
        [JSON.stringify(users.map((u) => ({ user_id: u.userId, payload: u.payload }))), batchId],
      );
      queued = result.rowCount ?? 0;
    }
    if (rejected.length > 0) {
      await client.query(
        `INSERT INTO rejected_users (batch_id, reason, payload, raw_text)
         SELECT $1, reason, payload, raw_text FROM unnest($2::text[], $3::jsonb[], $4::text[]) AS t(reason, payload, raw_text)`,
        [batchId, rejected.map((r) => stripNul(r.reason)), ...rejectedColumns(rejected)],
      );
    }
    return { upserted: users.length, queued, rejected: rejected.length };
  });
}

// The session advisory lock a publisher holds while it drains the outbox ("trib", "publ").
const PUBLISHER_LOCK = 0x7472_6962;
const PUBLISHER_LOCK_SLOT = 0x7075_626c;

/**
 * Runs `work` as the only publisher: while one drains the outbox, another that starts is turned
 * away at once (`ran: false`) rather than queueing for connections. One publisher at a time keeps
 * users.raw in outbox order, so two versions of a user can never overtake each other. The lock is
 * held by the session, so a publisher that dies releases it with its connection.
 */
async function asSolePublisher<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }> {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    const taken = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [PUBLISHER_LOCK, PUBLISHER_LOCK_SLOT]);
    if (!taken.rows[0]?.locked) return { ran: false };
    try {
      return { ran: true, result: await work(client) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [PUBLISHER_LOCK, PUBLISHER_LOCK_SLOT]).catch((err: Error) => (failed = err));
    }
  } catch (err) {
    failed = err as Error;
    throw err;
  } finally {
    // A connection that failed (or could not unlock) is closed, not pooled: closing it releases the lock.
    client.release(failed);
  }
}

/**
 * Claims up to `limit` unpublished outbox rows, hands them to `send`, and marks them published only
 * after `send` resolved (the broker acknowledged). A throw rolls back: the rows stay unpublished.
 */
async function drainOutboxBatch(client: PoolClient, limit: number, send: (entries: OutboxEntry[]) => Promise<void>): Promise<number> {
  return transaction(client, async () => {
    // last_seen_at as whole epoch milliseconds (a float8 pg reads with parseFloat): a timestamptz
    // comes back as text that pg parses into a Date with a regular expression, 0.6 % of the
    // functions' CPU for a value publish only uses as milliseconds.
    const claimed = await client.query<{ id: string; user_id: string; batch_id: string; payload: unknown; last_seen_ms: number }>(
      `SELECT o.id, o.user_id, r.batch_id, r.payload, floor(extract(epoch FROM r.last_seen_at) * 1000)::float8 AS last_seen_ms
         FROM outbox o JOIN raw_users r USING (user_id)
        WHERE o.published_at IS NULL
        ORDER BY o.id
        LIMIT $1
        FOR UPDATE OF o SKIP LOCKED`,
      [limit],
    );
    if (claimed.rowCount === 0) return 0;
    const entries = claimed.rows.map((r) => ({
      outboxId: r.id,
      userId: r.user_id,
      batchId: r.batch_id,
      payload: r.payload,
      lastSeenAt: new Date(r.last_seen_ms),
    }));
    await send(entries);
    await client.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [entries.map((e) => e.outboxId)]);
    return entries.length;
  });
}

/** Re-queues raw users (all, or last seen since a time) for publishing: Kafka and Cassandra rebuilt from PostgreSQL. */
export async function requeueForReplay(pool: Pool, since?: Date): Promise<number> {
  const result = await pool.query(
    `INSERT INTO outbox (user_id) SELECT user_id FROM raw_users WHERE $1::timestamptz IS NULL OR last_seen_at >= $1 ORDER BY user_id`,
    [since ?? null],
  );
  return result.rowCount ?? 0;
}

async function hasUnpublished(pool: Pool): Promise<boolean> {
  const result = await pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL) AS any');
  return result.rows[0]?.any === true;
}

export async function countUnpublished(pool: Pool): Promise<number> {
  const result = await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
  return Number(result.rows[0]?.n ?? 0);
}

/** raw_users and rejected_users, with outbox rows in the same transaction. */
export function postgresRawUsers(pool: Pool): RawUserStore {
  return { persist: (batchId, users, rejected) => persistBatch(pool, batchId, users, rejected) };
}

/** The outbox, drained by one publisher at a time. */
export function postgresOutbox(pool: Pool): Outbox {
  return {
    asSolePublisher: (work) => asSolePublisher(pool, (client) => work((limit, send) => drainOutboxBatch(client, limit, send))),
    hasUnpublished: () => hasUnpublished(pool),
  };
}
