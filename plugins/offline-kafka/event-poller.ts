/**
 * One event poller of a mapping: a kafkajs consumer in the mapping's group whose eachBatch hands each
 * assigned partition's fetched records to a PartitionPoller, invokes the function with the AWS
 * payload, and commits only what the poller settled. Offsets are never auto-committed or
 * auto-resolved, so kafkajs re-fetches from the settled position: waiting (batching window, retry
 * backoff) is a pause of that one partition, and every other partition keeps flowing.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { batchLine, countRecords } from './batch-log';
import { readBatchResponse } from './batch-response';
import type { ConsumerDependencies } from './consumer';
import type { KafkaFailureDestination } from './destinations';
import { describeError } from './errors';
import { FailureHandoff } from './failure-handoff';
import { buildKafkaEvent, recordsKey } from './event';
import type { EventSourceMapping } from './event-definition';
import type { MappingMetrics } from './metrics';
import { type Outcome, type PlannedBatch, PartitionPoller, type Settlement } from './partition-poller';
import type { FetchedRecord, RecordDecoding } from './record-decoding';
import { Sleeps } from './sleeps';

/** What the mapping shares with its pollers. */
export interface PollerContext {
  mapping: EventSourceMapping;
  label: string;
  deps: ConsumerDependencies;
  records: RecordDecoding;
  metrics: MappingMetrics;
  destination: KafkaFailureDestination | undefined;
  partitionCount: number;
  /** Seeks and commits startingPosition for assigned partitions the group never committed. */
  applyStartingOffsets(consumer: Consumer, assigned: readonly number[]): void;
  /** A crash kafkajs will not recover from: the mapping rebuilds its client. */
  restart(): void;
  isStopping(): boolean;
}

/** Lambda's synchronous invocation payload limit. */
const MAX_BATCH_BYTES = 6 * 1024 * 1024;
/** How often a partition waiting out its batching window looks for more records. */
const WINDOW_POLL_MS = 100;
/** Short broker long-polls, so a resumed partition is fetched again promptly. */
const FETCH_MAX_WAIT_MS = 100;
/** Keeps the group membership alive while a slow handler runs. */
const HEARTBEAT_MS = 3000;
const SESSION_TIMEOUT_MS = 10_000;

export class EventPoller {
  private consumer: Consumer | undefined;
  private readonly pollers = new Map<number, PartitionPoller<FetchedRecord>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleeps = new Sleeps(() => this.stopping);
  private readonly handoff: FailureHandoff;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly context: PollerContext,
    readonly number: number,
  ) {
    this.handoff = new FailureHandoff(context, this.sleeps, () => this.stopping);
  }

  async start(): Promise<void> {
    const { mapping, deps, label, metrics } = this.context;
    const consumer = this.kafka.consumer({
      groupId: mapping.consumerGroupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      maxBytesPerPartition: MAX_BATCH_BYTES,
      // A member lost with its broker is replaced after 10 s instead of kafkajs's 30 s; a slow
      // handler keeps it alive through the heartbeats sent while it runs.
      sessionTimeout: SESSION_TIMEOUT_MS,
      retry: {
        retries: 5,
        initialRetryTime: mapping.reconnectBackoff.initialMs,
        maxRetryTime: mapping.reconnectBackoff.maxMs,
        restartOnFailure: async () => !this.stopping,
      },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const poller of this.pollers.values()) poller.reset();
      const assigned = payload.memberAssignment[mapping.topic] ?? [];
      this.context.applyStartingOffsets(consumer, assigned);
      deps.log.notice(
        `offline-kafka: ${label} consuming as group ${mapping.consumerGroupId}, partitions [${assigned.join(',')}]` +
          ` (batchSize ${mapping.batchSize}, window ${mapping.maximumBatchingWindowMs} ms, poller ${this.number})`,
      );
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.stopping) return;
      metrics.add('PollingErrorCount');
      const next = payload.restart ? 'kafkajs reconnects and resumes from the committed offsets' : 'restarting the consumer';
      deps.log.warning(`offline-kafka: ${label}: Kafka consumer failed: ${describeError(payload.error)}; ${next}`);
      if (!payload.restart) this.context.restart();
    });

    await consumer.connect();
    await consumer.subscribe({ topics: [mapping.topic], fromBeginning: mapping.startingPosition !== 'LATEST' });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, this.context.partitionCount),
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** Lets the in-flight batch finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeps.wakeAll();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect().catch(() => undefined);
  }

  private get stopping(): boolean {
    return this.stopped || this.context.isStopping();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, pause, isRunning, isStale } = payload;
    const { metrics, label, mapping } = this.context;
    const { partition } = batch;
    const poller = this.pollerFor(partition);
    const fetched = batch.messages;
    // The fetched messages as records, one for one, as far as they are decoded.
    const decoded: FetchedRecord[] = [];
    const caughtUp = Number(batch.lastOffset()) + 1 >= Number(batch.highWatermark);
    let position = 0;
    const settleUpTo = async (nextOffset: number): Promise<void> => {
      const from = decoded[position]?.offset ?? nextOffset;
      try {
        // The payload's commit works while stopping too; consumer.commitOffsets() is a no-op then.
        await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition, offset: String(nextOffset) }] }] });
      } catch (error) {
        metrics.add('CommitErrorCount');
        throw error;
      }
      metrics.add('CommittedEventCount', Math.max(0, nextOffset - from));
      resolveOffset(String(nextOffset - 1));
      while (position < decoded.length && (decoded[position] as FetchedRecord).offset < nextOffset) position++;
    };
    // A fetch (up to 6 MB a partition) is decoded a batch ahead of the position, not whole before the
    // first invocation: the first batch goes out sooner, and decoded records die young.
    const decodeAhead = async (): Promise<boolean> => {
      while (decoded.length < fetched.length && this.readyCount(decoded, position) < mapping.batchSize) {
        const to = Math.min(fetched.length, decoded.length + mapping.batchSize);
        if (!(await this.decodeFetched(partition, fetched, decoded, to, pause, heartbeat))) return false;
      }
      return true;
    };

    while (isRunning() && !isStale() && !this.stopping) {
      if (!(await decodeAhead())) return;
      const step = poller.plan(decoded, caughtUp && decoded.length === fetched.length, Date.now(), position);
      if (step.kind === 'idle') return;
      if (step.kind === 'wait') {
        const delay = step.untilMs - Date.now();
        this.pauseFor(pause, step.reason === 'window' ? Math.min(delay, WINDOW_POLL_MS) : delay);
        return;
      }
      if (step.kind === 'skip') {
        await settleUpTo(step.nextOffset);
        this.context.deps.log.debug(`offline-kafka: ${label}-${partition}: ${step.skipped} records filtered out, committed to ${step.nextOffset}`);
        continue;
      }
      if (step.kind === 'expire') {
        const maxAge = `older than MaximumRecordAgeInSeconds ${(this.context.mapping.maximumRecordAgeMs ?? 0) / 1000} s`;
        const failure = { error: maxAge, attempts: step.attempts, condition: 'RecordAgeExceeded' as const };
        if (!(await this.handoff.discard(partition, messagesOf(step.records), failure, heartbeat))) return;
        await settleUpTo(step.nextOffset);
        continue;
      }
      // The next batch's records go to the transcoding thread (where it is used) while this one is invoked.
      this.context.records.prefetch(partition, fetched, decoded.length, Math.min(fetched.length, decoded.length + mapping.batchSize));
      const { settlement, error } = await this.invoke(partition, step.batch, poller, heartbeat);
      if (
        settlement.discarded.length > 0 &&
        !(await this.handoff.discard(partition, messagesOf(settlement.discarded), { error, attempts: settlement.attempts }, heartbeat))
      )
        return;
      if (settlement.commitOffset !== undefined) await settleUpTo(settlement.commitOffset);
      await heartbeat();
    }
  }

  private async invoke(
    partition: number,
    batch: PlannedBatch<FetchedRecord>,
    poller: PartitionPoller<FetchedRecord>,
    heartbeat: () => Promise<void>,
  ): Promise<{ settlement: Settlement<FetchedRecord>; error: string }> {
    const { mapping, deps, records, metrics, label } = this.context;
    const started = Date.now();
    const keepAlive = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
    metrics.add('InvokedEventCount', batch.records.length);
    let outcome: Outcome;
    try {
      const event = batch.records.map((record) => records.toRecord(partition, record));
      const result = await deps.invoker.invoke(mapping.functionKey, buildKafkaEvent(mapping.source, event));
      outcome = { kind: 'success' };
      if (mapping.reportBatchItemFailures) {
        const offsets = new Set(event.map((record) => record.offset));
        const response = readBatchResponse(result, recordsKey(mapping.topic, partition), offsets);
        if (response.kind === 'partial') {
          metrics.add('FailedInvokeEventCount', response.failedCount);
          outcome = { kind: 'partial', firstFailedOffset: response.firstFailedOffset, error: `${countRecords(response.failedCount)} reported failed` };
        }
      }
    } catch (error) {
      metrics.add('FailedInvokeEventCount', batch.records.length);
      metrics.add('InvokeErrorCount');
      outcome = { kind: 'failure', error: describeError(error) };
    } finally {
      clearInterval(keepAlive);
    }
    const settlement = poller.settle(outcome, Date.now());
    const line = batchLine(`offline-kafka: ${label}-${partition}`, mapping, batch, outcome, settlement, Date.now() - started, Date.now());
    deps.log[line.level](line.text);
    return { settlement, error: outcome.kind === 'success' ? '' : outcome.error };
  }

  /** Decoded records from index `from` on that go to the function (the filters pass them). */
  private readyCount(decoded: readonly FetchedRecord[], from: number): number {
    let ready = 0;
    for (let i = from; i < decoded.length; i++) if ((decoded[i] as FetchedRecord).passes) ready++;
    return ready;
  }

  /**
   * Decodes fetched[decoded.length…to) (with a schema registry) onto `decoded` and hands the records
   * it cannot decode to the destination (they never reach the function); counts them polled and
   * filtered out. False when the partition must wait: the registry is unreachable (paused for the
   * reconnect backoff) or stopping before the destination took the rejected records.
   */
  private async decodeFetched(
    partition: number,
    fetched: readonly KafkaMessage[],
    decoded: FetchedRecord[],
    to: number,
    pause: EachBatchPayload['pause'],
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const { records, mapping, metrics, deps, label } = this.context;
    const from = decoded.length;
    const range = from === 0 && to === fetched.length ? fetched : fetched.slice(from, to);
    let rejected: Awaited<ReturnType<RecordDecoding['decode']>>;
    try {
      rejected = await records.decode(partition, range, decoded);
    } catch (error) {
      metrics.add('SchemaRegistryErrorCount');
      const delay = mapping.reconnectBackoff.initialMs;
      deps.log.warning(`offline-kafka: ${label}-${partition}: ${describeError(error)}; retrying in ${delay} ms`);
      this.pauseFor(pause, delay);
      return false;
    }
    let count = 0;
    for (const { messages, reason, detail } of rejected) {
      metrics.add('SchemaRegistryErrorCount', messages.length);
      count += messages.length;
      if (!(await this.handoff.discard(partition, messages, { error: detail, attempts: 0, condition: reason }, heartbeat))) return false;
    }
    const fresh = metrics.firstPolled(partition, decoded, from, (record) => record.offset);
    metrics.add('PolledEventCount', fresh.length);
    metrics.add('FilteredOutEventCount', Math.max(0, fresh.filter((record) => !record.passes).length - count));
    return true;
  }

  private pauseFor(pause: EachBatchPayload['pause'], delayMs: number): void {
    const resume = pause();
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        resume();
      },
      Math.max(1, delayMs),
    );
    this.timers.add(timer);
  }

  private pollerFor(partition: number): PartitionPoller<FetchedRecord> {
    let poller = this.pollers.get(partition);
    if (!poller) {
      const { mapping, records } = this.context;
      const settings = {
        batchSize: mapping.batchSize,
        maximumBatchingWindowMs: mapping.maximumBatchingWindowMs,
        maximumRetryAttempts: mapping.maximumRetryAttempts,
        bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
        retryBackoff: mapping.retryBackoff,
        maximumRecordAgeMs: mapping.maximumRecordAgeMs,
        maxBatchBytes: MAX_BATCH_BYTES,
      };
      poller = new PartitionPoller<FetchedRecord>(settings, records);
      this.pollers.set(partition, poller);
    }
    return poller;
  }
}

function messagesOf(records: readonly FetchedRecord[]): KafkaMessage[] {
  return records.map((record) => record.message);
}
