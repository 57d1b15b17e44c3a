/**
 * npm run replay [-- --since 2026-01-01T00:00:00Z]
 * Rebuilds Kafka and Cassandra from PostgreSQL, the system of record: re-queues raw users (all, or
 * last seen since a time) in the outbox and drains it to users.raw; transform and sink, running
 * under `npm start`, carry them on. Every downstream write is an upsert, so nothing duplicates.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { countUnpublished, requeueForReplay } from '../layers/adapters/raw-users-store';
import { logger } from '../layers/logging/logger';
import { postgresPool } from '../layers/pipeline/clients/postgres';
import { closeClients, pipelineConfig } from '../layers/pipeline/clients/registry';
import { publishDeps } from '../layers/pipeline/deps/publish';
import { publishOutbox } from '../layers/pipeline/publish-outbox';

/** How long the outbox may stay the same size before the replay gives up with an error. */
const STALL_MS = 60_000;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { since: { type: 'string' } } });
  const since = values.since ? new Date(values.since) : undefined;
  if (since && Number.isNaN(since.getTime())) throw new Error(`--since must be an ISO date, got "${values.since}"`);
  const config = pipelineConfig();
  const deps = await publishDeps();
  const pool = postgresPool();
  const queued = await requeueForReplay(pool, since);
  process.stderr.write(`[replay] queued ${queued} users${since ? ` last seen since ${since.toISOString()}` : ''}\n`);
  let published = 0;
  let progressAt = Date.now();
  let lastLeft = Number.POSITIVE_INFINITY;
  for (;;) {
    const report = await publishOutbox(deps, { batchSize: config.publish.batchSize, maxBatches: 10 });
    published += report.published + report.deadLettered;
    const left = await countUnpublished(pool);
    if (left < lastLeft) progressAt = Date.now();
    lastLeft = left;
    const by = report.turnedAway ? " — the running pipeline's publish is draining it" : '';
    process.stderr.write(`[replay] published ${published}/${queued} (${left} left in the outbox${by})\n`);
    if (left === 0) break;
    if (Date.now() - progressAt > STALL_MS) throw new Error(`the outbox has not shrunk for ${STALL_MS / 1000} s (${left} rows left): is Kafka reachable?`);
    // Another publisher holds the outbox (npm start's): it drains the replayed rows; wait for it.
    if (report.batches === 0) await sleep(500);
  }
  await closeClients();
}

main().catch((err: unknown) => {
  logger.error('replay failed', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
