/** Cassandra tributary.created_users: idempotent upserts keyed by id, prepared and concurrent. */
import { concurrent, type Client } from 'cassandra-driver';
import type { CleanUser } from '../domain/transform';

const UPSERT = `INSERT INTO created_users
  (id, first_name, last_name, gender, address, post_code, email, username, dob, registered_date, phone, picture, nat, source_offset, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export interface SinkRow {
  user: CleanUser;
  /** "topic-partition@offset" of the record it came from: traceability, not identity. */
  sourceOffset: string;
}

/** An INSERT in Cassandra is an upsert: replaying the same user rewrites the same row. */
export async function upsertCreatedUsers(client: Client, rows: SinkRow[], concurrencyLevel: number): Promise<void> {
  if (rows.length === 0) return;
  const now = new Date();
  const params = rows.map(({ user: u, sourceOffset }) => [
    u.id, u.first_name, u.last_name, u.gender, u.address, u.post_code, u.email, u.username, u.dob, u.registered_date, u.phone, u.picture, u.nat, sourceOffset, now,
  ]);
  await concurrent.executeConcurrent(client, UPSERT, params, { concurrencyLevel, raiseOnFirstError: true, executionProfile: undefined });
}
