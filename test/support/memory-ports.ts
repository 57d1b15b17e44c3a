/**
 * In-memory implementations of the stages' ports (layers/pipeline/ports.ts), for unit tests of stage
 * logic. The adapters that implement these against the real services are tested in
 * test/integration; these only hold what a stage wrote, so a test can read it back.
 */
import { AvroCodec, type SchemaStore } from '../../layers/adapters/avro-codec';
import type {
  CreatedUsers,
  Outbox,
  OutboxEntry,
  OutMessage,
  PersistResult,
  RawUserRow,
  RawUserStore,
  RejectedRow,
  SinkRow,
  TopicWriter,
} from '../../layers/pipeline/ports';

/** Schema ids by text; the same text under any subject is the same id, as in Confluent. */
export function memorySchemaStore(): SchemaStore & { down: boolean } {
  const ids = new Map<string, number>();
  const store = {
    down: false,
    async register(_subject: string, text: string): Promise<number> {
      if (store.down) throw new Error('registry unreachable');
      if (!ids.has(text)) ids.set(text, ids.size + 1);
      return ids.get(text)!;
    },
  };
  return store;
}

export function memoryCodec(store: SchemaStore = memorySchemaStore()): AvroCodec {
  return new AvroCodec(store);
}

/** Every message sent, by topic; `failWith` makes the next sends throw (a broker down). */
export function memoryTopics(): TopicWriter & { byTopic(topic: string): OutMessage[]; failWith?: Error } {
  const sent = new Map<string, OutMessage[]>();
  const writer = {
    failWith: undefined as Error | undefined,
    async send(batches: { topic: string; messages: OutMessage[] }[]): Promise<void> {
      if (writer.failWith) throw writer.failWith;
      for (const { topic, messages } of batches) sent.set(topic, [...(sent.get(topic) ?? []), ...messages]);
    },
    byTopic: (topic: string): OutMessage[] => sent.get(topic) ?? [],
  };
  return writer;
}

export function memoryCreatedUsers(): CreatedUsers & { rows: Map<string, SinkRow>; failWith?: Error } {
  const store = {
    rows: new Map<string, SinkRow>(),
    failWith: undefined as Error | undefined,
    async upsert(rows: SinkRow[]): Promise<void> {
      if (store.failWith) throw store.failWith;
      for (const row of rows) store.rows.set(row.user.id, row);
    },
  };
  return store;
}

interface OutboxRow extends OutboxEntry {
  published: boolean;
}

/** raw_users, rejected_users and the outbox in one object, with the sole-publisher lock. */
export function memoryPostgres(): RawUserStore & Outbox & { raw: Map<string, RawUserRow>; rejected: RejectedRow[]; outbox: OutboxRow[]; locked: boolean } {
  const db = {
    raw: new Map<string, RawUserRow>(),
    rejected: [] as RejectedRow[],
    outbox: [] as OutboxRow[],
    locked: false,
    async persist(batchId: string, users: RawUserRow[], rejected: RejectedRow[]): Promise<PersistResult> {
      let queued = 0;
      for (const user of new Map(users.map((u) => [u.userId, u])).values()) {
        const before = db.raw.get(user.userId);
        db.raw.set(user.userId, user);
        if (JSON.stringify(before?.payload) !== JSON.stringify(user.payload)) {
          db.outbox.push({
            outboxId: String(db.outbox.length + 1),
            userId: user.userId,
            batchId,
            payload: user.payload,
            lastSeenAt: new Date(),
            published: false,
          });
          queued += 1;
        }
      }
      db.rejected.push(...rejected);
      return { upserted: new Set(users.map((u) => u.userId)).size, queued, rejected: rejected.length };
    },
    async asSolePublisher<T>(work: (claim: (limit: number, send: (entries: OutboxEntry[]) => Promise<void>) => Promise<number>) => Promise<T>) {
      if (db.locked) return { ran: false as const };
      db.locked = true;
      try {
        const result = await work(async (limit, send) => {
          const claimed = db.outbox.filter((r) => !r.published).slice(0, limit);
          if (claimed.length === 0) return 0;
          await send(claimed.map(({ published: _, ...entry }) => entry));
          for (const row of claimed) row.published = true;
          return claimed.length;
        });
        return { ran: true as const, result };
      } finally {
        db.locked = false;
      }
    },
    hasUnpublished: async (): Promise<boolean> => db.outbox.some((r) => !r.published),
  };
  return db;
}
