/**
 * Cassandra tributary.created_users: idempotent upserts keyed by id, prepared and concurrent. The
 * columns are the clean user's fields (its Avro schema) and the two the sink adds, so a field added
 * to the schema, the transform and a migration reaches the table with no change here.
 */
import { concurrent, types, type Client } from 'cassandra-driver';
import { cleanUserSchema } from '../domain/avro';
import type { CleanUser } from '../domain/transform';
import type { CreatedUsers, SinkRow } from '../pipeline/ports';

const USER_COLUMNS = cleanUserSchema.fields.map((f) => f.name) as (keyof CleanUser)[];
/** Every column the sink writes, in statement order. */
export const CREATED_USERS_COLUMNS = [...USER_COLUMNS, 'source_offset', 'updated_at'];

/** The upsert into `table` (the benchmark's raw limit writes a scratch copy the same way). */
export function upsertStatement(table = 'created_users'): string {
  return `INSERT INTO ${table} (${CREATED_USERS_COLUMNS.join(', ')}) VALUES (${CREATED_USERS_COLUMNS.map(() => '?').join(', ')})`;
}

/**
 * The key as the driver's Uuid: given as text, the driver parses it twice per write (once for the
 * token-aware routing key, once for the statement's values), a regular expression each time.
 */
export function upsertParams(rows: readonly SinkRow[], now: Date): unknown[][] {
  return rows.map(({ user, sourceOffset }) => [...USER_COLUMNS.map((c) => (c === 'id' ? types.Uuid.fromString(user.id) : user[c])), sourceOffset, now]);
}

const UPSERT = upsertStatement();

/** An INSERT in Cassandra is an upsert: replaying the same user rewrites the same row. */
export function cassandraCreatedUsers(client: Client, concurrencyLevel: number): CreatedUsers {
  return {
    async upsert(rows) {
      if (rows.length === 0) return;
      await concurrent.executeConcurrent(client, UPSERT, upsertParams(rows, new Date()), {
        concurrencyLevel,
        raiseOnFirstError: true,
        executionProfile: undefined,
      });
    },
  };
}
