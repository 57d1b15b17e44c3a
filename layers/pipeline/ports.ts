/**
 * The ports the stages work through. A stage is `(records, ports) → outcome`: it never holds a
 * driver object, so its logic is unit-tested with in-memory ports (test/support/memory-ports.ts),
 * and a new sink is one new adapter. The adapters in layers/adapters implement these against the
 * real services and are tested there.
 */
import type { Type } from 'avsc';
import type { AvroRecordSchema } from '../domain/avro';
import type { CleanUser } from '../domain/transform';

/** A message for a topic, as any producer takes it. */
export interface OutMessage {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
}

/** Kafka's producer side: every message of one call acknowledged by all in-sync replicas, or a throw. */
export interface TopicWriter {
  send(batches: { topic: string; messages: OutMessage[] }[]): Promise<void>;
}

export interface RegisteredSchema {
  id: number;
  type: Type;
}

/**
 * Avro in the Confluent wire format against a schema registry (adapters/avro-codec.ts). Only the
 * producing side: the event source mapping decodes what the stages consume.
 */
export interface SchemaCodec {
  register(subject: string, schema: AvroRecordSchema): Promise<RegisteredSchema>;
  encode(schema: RegisteredSchema, value: unknown): Buffer;
}

export interface RawUserRow {
  userId: string;
  payload: unknown;
}

export interface RejectedRow {
  reason: string;
  payload?: unknown;
  rawText?: string;
}

export interface PersistResult {
  upserted: number;
  /** New or changed users: only these get an outbox row, so a re-fetch republishes nothing. */
  queued: number;
  rejected: number;
}

/** PostgreSQL raw_users and rejected_users, with outbox rows in the same transaction. */
export interface RawUserStore {
  persist(batchId: string, users: RawUserRow[], rejected: RejectedRow[]): Promise<PersistResult>;
}

export interface OutboxEntry {
  outboxId: string;
  userId: string;
  batchId: string;
  payload: unknown;
  lastSeenAt: Date;
}

/**
 * Claims up to `limit` unpublished rows, hands them to `send`, marks them published once `send`
 * resolved; returns how many it claimed (0: nothing claimable). A throw leaves them unpublished.
 */
export type OutboxClaim = (limit: number, send: (entries: OutboxEntry[]) => Promise<void>) => Promise<number>;

export interface Outbox {
  /** Runs `work` as the only publisher; `{ ran: false }` at once when another one is draining. */
  asSolePublisher<T>(work: (claim: OutboxClaim) => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }>;
  hasUnpublished(): Promise<boolean>;
}

export interface SinkRow {
  user: CleanUser;
  /** "topic-partition@offset" of the record it came from: traceability, not identity. */
  sourceOffset: string;
}

/** Cassandra created_users: idempotent upserts keyed by the user's id. */
export interface CreatedUsers {
  upsert(rows: SinkRow[]): Promise<void>;
}
