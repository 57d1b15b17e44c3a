/** persist: raw users and their outbox rows in one transaction, then publish is nudged. */
import type { PersistBatch } from '../domain/requests';
import { validateRandomUser } from '../domain/validate';
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
  // The batch crossed a process boundary: re-check each user so a bad one is kept as rejected, not stored as raw.
  const users = [];
  const rejected = batch.rejected.map((r) => ({ reason: r.reason, payload: r.record, rawText: r.rawText }));
  for (const [index, candidate] of batch.users.entries()) {
    const checked = validateRandomUser(candidate);
    if (checked.ok) users.push({ userId: checked.user.login.uuid, payload: checked.user });
    else rejected.push({ reason: `users[${index}] ${checked.rejection.reason}`, payload: candidate, rawText: undefined });
  }
  const result = await deps.rawUsers.persist(batch.batchId, users, rejected);
  if (result.queued > 0) {
    await deps
      .triggerPublish()
      .catch((err: unknown) => deps.log.warn('publish trigger failed; the scheduled publish will drain the outbox', { error: String(err) }));
  }
  return { batchId: batch.batchId, persisted: result.upserted, queued: result.queued, rejected: result.rejected };
}
