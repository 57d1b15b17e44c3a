/** persist: raw users and their outbox rows in one transaction, then publish is nudged. */
import type { PersistBatch } from '../domain/requests';
import type { Log } from '../logging/logger';
import type { RawUserStore } from './ports';

export interface PersistDeps {
  rawUsers: RawUserStore;
  /** Called after the transaction committed; a failure here loses nothing (the schedule drains the outbox). */
  triggerPublish(): Promise<void>;
  log: Log;
}

export interface PersistReport {
  batchId: string;
  persisted: number;
  queued: number;
  rejected: number;
}

export async function persistUsers(deps: PersistDeps, batch: PersistBatch): Promise<PersistReport> {
  // Validated once, by fetch; the handler's door checked the batch's shape and each user's key.
  const users = batch.users.map((user) => ({ userId: user.login.uuid, payload: user }));
  const rejected = batch.rejected.map((r) => ({ reason: r.reason, payload: r.record, rawText: r.rawText }));
  const result = await deps.rawUsers.persist(batch.batchId, users, rejected);
  if (result.queued > 0) {
    await deps
      .triggerPublish()
      .catch((err: unknown) => deps.log.warn('publish trigger failed; the scheduled publish will drain the outbox', { error: String(err) }));
  }
  return { batchId: batch.batchId, persisted: result.upserted, queued: result.queued, rejected: result.rejected };
}
