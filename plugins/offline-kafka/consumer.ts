/**
 * One event source mapping against the real broker: a kafkajs consumer group whose eachBatch hands
 * each partition's fetched records to a PartitionPoller, invokes the function with the AWS payload,
 * and commits only what the poller settled. Offsets are never auto-committed or auto-resolved, so
 * kafkajs re-fetches from the settled position: waiting (batching window, retry backoff) is a pause
 * of that one partition, and every other partition keeps flowing.
 *
 * Lifecycle: an unreachable broker or missing topic at start is retried with a log line; a broker
 * lost mid-run makes kafkajs crash and restart the consumer (logged), resuming from the committed
 * offsets. stop() lets the in-flight batch finish and commit, then leaves the group.
 */
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { readBatchResponse } from './batch-response';
import { type FailureCondition, KafkaFailureDestination } from './destinations';
import { describeError, TopicNotFoundError } from './errors';
import { buildKafkaEvent, recordsKey } from './event';
import type { EventSourceMapping } from './event-definition';
import { createKafkaClient } from './kafka-client';
import type { FunctionInvoker } from './offline-lambda';
import { backoffMs, PartitionPoller, type Outcome, type PlannedBatch, type Settlement } from './partition-poller';
import { mappingExtras, RecordDecoding } from './record-decoding';

export interface ConsumerLog {
  notice(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export interface ConsumerDependencies {
  invoker: FunctionInvoker;
  log: ConsumerLog;
  clientId: string;
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

type BatchPartition = EachBatchPayload['batch']['partition'];

function countRecords(n: number): string {
  return n === 1 ? '1 record' : `${n} records`;
}

export class EventSourceConsumer {
  readonly label: string;
  private consumer: Consumer | undefined;
  private destination: KafkaFailureDestination | undefined;
  private readonly pollers = new Map<BatchPartition, PartitionPoller<KafkaMessage>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private supervisor: Promise<void> | undefined;
  private startingOffsets = new Map<number, string>();
  private stopping = false;
  /** Decodes (schema registry), filters and shapes the fetched records. */
  private readonly records: RecordDecoding;

  constructor(
    readonly mapping: EventSourceMapping,
    private readonly deps: ConsumerDependencies,
  ) {
    this.label = `${mapping.functionKey} ← ${mapping.topic}`;
    this.records = new RecordDecoding(mapping.topic, mapping.filter, mappingExtras(mapping).schemaRegistry);
  }

  /** Starts in the background; connection problems are logged and retried, never thrown. */
  start(): void {
    this.supervisor ??= this.supervise();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.supervisor;
    await this.teardown();
    this.deps.log.notice(`offline-kafka: ${this.label} stopped`);
  }

  private async supervise(): Promise<void> {
    const { log } = this.deps;
    for (let failures = 1; !this.stopping; failures++) {
      try {
        await this.connect();
        return;
      } catch (error) {
        await this.teardown();
        if (this.stopping) return;
        const delay = backoffMs(this.mapping.reconnectBackoff, failures);
        log.warning(`offline-kafka: ${this.label}: ${describeError(error)} (brokers ${this.mapping.brokers.join(',')}); retrying in ${delay} ms`);
        await this.sleep(delay);
      }
    }
  }

  /** A crash kafkajs will not recover from itself: rebuild the client after a backoff. */
  private restart(): void {
    if (this.stopping) return;
    this.supervisor = (async () => {
      await this.teardown();
      await this.sleep(this.mapping.reconnectBackoff.initialMs);
      await this.supervise();
    })();
  }

  private async connect(): Promise<void> {
    const { mapping, deps } = this;
    const kafka = createKafkaClient({ brokers: mapping.brokers, clientId: deps.clientId });
    const partitionCount = await this.prepareGroup(kafka);
    if (mapping.onFailure?.kind === 'kafka') {
      this.destination = new KafkaFailureDestination(kafka, mapping.onFailure.topic, {
        source: mapping.source,
        functionArn: mappingExtras(mapping).functionArn,
      });
    }

    const consumer = kafka.consumer({
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
      this.applyStartingOffsets(consumer, assigned);
      deps.log.notice(
        `offline-kafka: ${this.label} consuming as group ${mapping.consumerGroupId}, partitions [${assigned.join(',')}]` +
          ` (batchSize ${mapping.batchSize}, window ${mapping.maximumBatchingWindowMs} ms)`,
      );
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.stopping) return;
      const next = payload.restart ? 'kafkajs reconnects and resumes from the committed offsets' : 'restarting the consumer';
      deps.log.warning(`offline-kafka: ${this.label}: Kafka consumer failed: ${describeError(payload.error)}; ${next}`);
      if (!payload.restart) this.restart();
    });

    await consumer.connect();
    await consumer.subscribe({ topics: [mapping.topic], fromBeginning: mapping.startingPosition !== 'LATEST' });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, partitionCount),
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** Checks the topics and applies startingPosition to partitions the group never committed. */
  private async prepareGroup(kafka: Kafka): Promise<number> {
    const { mapping } = this;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = new Set(await admin.listTopics());
      if (!topics.has(mapping.topic)) throw new TopicNotFoundError(mapping.topic);
      if (this.mapping.onFailure?.kind === 'kafka' && !topics.has(this.mapping.onFailure.topic)) {
        this.deps.log.warning(`offline-kafka: ${this.label}: on-failure topic ${this.mapping.onFailure.topic} does not exist yet`);
      }
      const metadata = await admin.fetchTopicMetadata({ topics: [mapping.topic] });
      this.startingOffsets = await this.findStartingOffsets(admin);
      return metadata.topics[0]?.partitions.length ?? 1;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * LATEST and AT_TIMESTAMP are pinned at start, like an event source mapping's creation, for the
   * partitions the group never committed; TRIM_HORIZON is the consumer's own fromBeginning.
   */
  private async findStartingOffsets(admin: Admin): Promise<Map<number, string>> {
    const { mapping } = this;
    const starting = new Map<number, string>();
    if (mapping.startingPosition === 'TRIM_HORIZON') return starting;
    const [committed] = await admin.fetchOffsets({ groupId: mapping.consumerGroupId, topics: [mapping.topic] });
    const fresh = new Set((committed?.partitions ?? []).filter((p) => Number(p.offset) < 0).map((p) => p.partition));
    if (fresh.size === 0) return starting;
    const positions =
      mapping.startingPosition === 'LATEST'
        ? (await admin.fetchTopicOffsets(mapping.topic)).map(({ partition, high }) => ({ partition, offset: high }))
        : await admin.fetchTopicOffsetsByTimestamp(mapping.topic, mapping.startingPositionTimestampMs);
    for (const { partition, offset } of positions) if (fresh.has(partition)) starting.set(partition, offset);
    return starting;
  }

  /** Seeks fresh partitions to their starting offsets and commits them, so a restart keeps them. */
  private applyStartingOffsets(consumer: Consumer, assigned: readonly number[]): void {
    const offsets = assigned.flatMap((partition) => {
      const offset = this.startingOffsets.get(partition);
      return offset === undefined ? [] : [{ topic: this.mapping.topic, partition, offset }];
    });
    if (offsets.length === 0) return;
    for (const offset of offsets) consumer.seek(offset);
    consumer
      .commitOffsets(offsets)
      .then(() => {
        for (const { partition } of offsets) this.startingOffsets.delete(partition);
      })
      .catch((error: unknown) =>
        this.deps.log.warning(`offline-kafka: ${this.label}: could not commit the ${this.mapping.startingPosition} position: ${describeError(error)}`),
      );
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, pause, isRunning, isStale } = payload;
    const { partition } = batch;
    const poller = this.pollerFor(partition);
    const fetched = batch.messages;
    const caughtUp = Number(batch.lastOffset()) + 1 >= Number(batch.highWatermark);
    let position = 0;
    const settleUpTo = async (nextOffset: number): Promise<void> => {
      // The payload's commit works while stopping too; consumer.commitOffsets() is a no-op then.
      await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition, offset: String(nextOffset) }] }] });
      resolveOffset(String(nextOffset - 1));
      while (position < fetched.length && Number((fetched[position] as KafkaMessage).offset) < nextOffset) position++;
    };
    if (!(await this.decodeFetched(partition, fetched, pause, heartbeat))) return;

    while (isRunning() && !isStale() && !this.stopping) {
      const step = poller.plan(fetched, caughtUp, Date.now(), position);
      if (step.kind === 'idle') return;
      if (step.kind === 'wait') {
        const delay = step.untilMs - Date.now();
        this.pauseFor(pause, step.reason === 'window' ? Math.min(delay, WINDOW_POLL_MS) : delay);
        return;
      }
      if (step.kind === 'skip') {
        await settleUpTo(step.nextOffset);
        this.deps.log.debug(`offline-kafka: ${this.label}-${partition}: ${step.skipped} records filtered out, committed to ${step.nextOffset}`);
        continue;
      }
      const { settlement, error } = await this.invoke(partition, step.batch, poller, heartbeat);
      if (settlement.discarded.length > 0 && !(await this.discard(partition, settlement.discarded, { error, attempts: settlement.attempts }, heartbeat)))
        return;
      if (settlement.commitOffset !== undefined) await settleUpTo(settlement.commitOffset);
      await heartbeat();
    }
  }

  private async invoke(
    partition: number,
    batch: PlannedBatch<KafkaMessage>,
    poller: PartitionPoller<KafkaMessage>,
    heartbeat: () => Promise<void>,
  ): Promise<{ settlement: Settlement<KafkaMessage>; error: string }> {
    const { mapping, deps } = this;
    const started = Date.now();
    const keepAlive = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
    let outcome: Outcome;
    try {
      const records = batch.records.map((message) => this.records.toRecord(partition, message));
      const result = await deps.invoker.invoke(mapping.functionKey, buildKafkaEvent(mapping.source, records));
      outcome = { kind: 'success' };
      if (mapping.reportBatchItemFailures) {
        const offsets = new Set(records.map((record) => record.offset));
        const response = readBatchResponse(result, recordsKey(mapping.topic, partition), offsets);
        if (response.kind === 'partial') {
          outcome = { kind: 'partial', firstFailedOffset: response.firstFailedOffset, error: `${countRecords(response.failedCount)} reported failed` };
        }
      }
    } catch (error) {
      outcome = { kind: 'failure', error: describeError(error) };
    } finally {
      clearInterval(keepAlive);
    }
    const settlement = poller.settle(outcome, Date.now());
    this.logBatch(partition, batch, outcome, settlement, Date.now() - started);
    return { settlement, error: outcome.kind === 'success' ? '' : outcome.error };
  }

  /**
   * With a schema registry, decodes what was fetched and hands the records it cannot decode to the
   * destination (they never reach the function); false when the partition must wait: the registry is
   * unreachable (paused for the reconnect backoff) or stopping before the destination took them.
   */
  private async decodeFetched(partition: number, fetched: KafkaMessage[], pause: EachBatchPayload['pause'], heartbeat: () => Promise<void>): Promise<boolean> {
    let rejected: Awaited<ReturnType<RecordDecoding['decode']>>;
    try {
      rejected = await this.records.decode(partition, fetched);
    } catch (error) {
      const delay = this.mapping.reconnectBackoff.initialMs;
      this.deps.log.warning(`offline-kafka: ${this.label}-${partition}: ${describeError(error)}; retrying in ${delay} ms`);
      this.pauseFor(pause, delay);
      return false;
    }
    for (const { messages, reason, detail } of rejected) {
      if (!(await this.discard(partition, messages, { error: detail, attempts: 0, condition: reason }, heartbeat))) return false;
    }
    return true;
  }

  /** Hands given-up records to the destination; false when stopping before it took them. */
  private async discard(
    partition: number,
    messages: readonly KafkaMessage[],
    failure: { error: string; attempts: number; condition?: FailureCondition },
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const { mapping, deps } = this;
    const { destination } = this;
    const offsets = `${messages[0]?.offset}-${messages.at(-1)?.offset}`;
    const why = failure.condition && failure.condition !== 'RetriesExhausted' ? ` (${failure.condition}: ${failure.error})` : '';
    if (!destination) {
      const where = mapping.onFailure ? `${mapping.onFailure.uri} is not emulated offline` : 'no on-failure destination';
      deps.log.warning(`offline-kafka: ${this.label}-${partition}: dropped offsets ${offsets} (${countRecords(messages.length)})${why}: ${where}`);
      return true;
    }
    if (why) deps.log.warning(`offline-kafka: ${this.label}-${partition}: offsets ${offsets}${why} → ${destination.topic}`);
    const discarded = { functionKey: mapping.functionKey, topic: mapping.topic, partition, messages, ...failure };
    for (let failures = 1; !this.stopping; failures++) {
      try {
        await destination.send(discarded);
        return true;
      } catch (sendError) {
        const delay = backoffMs(mapping.reconnectBackoff, failures);
        deps.log.error(`offline-kafka: ${this.label}-${partition}: ${describeError(sendError)}; offsets ${offsets} stay uncommitted, retrying in ${delay} ms`);
        await this.sleep(delay);
        await heartbeat().catch(() => undefined);
      }
    }
    return false;
  }

  private logBatch(partition: number, batch: PlannedBatch<KafkaMessage>, outcome: Outcome, settlement: Settlement<KafkaMessage>, durationMs: number): void {
    const { mapping, deps } = this;
    const head =
      `offline-kafka: ${this.label}-${partition} offsets ${batch.firstOffset}-${batch.lastOffset} ` +
      `(${countRecords(batch.records.length)}) ${durationMs} ms`;
    if (outcome.kind === 'success') {
      deps.log.notice(`${head}: ok`);
      return;
    }
    const attempt = `attempt ${settlement.attempts} of ${mapping.maximumRetryAttempts < 0 ? '∞' : mapping.maximumRetryAttempts + 1}`;
    const retryIn = settlement.retryAtMs === undefined ? '' : `, retrying in ${Math.max(0, settlement.retryAtMs - Date.now())} ms`;
    switch (settlement.verdict) {
      case 'partial':
        deps.log.warning(
          `${head}: partial failure from offset ${outcome.kind === 'partial' ? outcome.firstFailedOffset : '?'} (${outcome.error}, ${attempt})` +
            `${settlement.commitOffset === undefined ? '' : `, committed to ${settlement.commitOffset}`}${retryIn}`,
        );
        return;
      case 'bisect':
        deps.log.warning(`${head}: failed: ${outcome.error}; bisecting the batch${retryIn}`);
        return;
      case 'discarded':
        deps.log.warning(
          `${head}: failed: ${outcome.error} (${attempt}); giving up on ${countRecords(settlement.discarded.length)}` +
            `${mapping.onFailure ? ` → ${mapping.onFailure.uri}` : ''}, committed to ${settlement.commitOffset}`,
        );
        return;
      default:
        deps.log.warning(`${head}: failed: ${outcome.error} (${attempt})${retryIn}`);
    }
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

  private pollerFor(partition: number): PartitionPoller<KafkaMessage> {
    let poller = this.pollers.get(partition);
    if (!poller) {
      const { mapping } = this;
      const settings = {
        batchSize: mapping.batchSize,
        maximumBatchingWindowMs: mapping.maximumBatchingWindowMs,
        maximumRetryAttempts: mapping.maximumRetryAttempts,
        bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
        retryBackoff: mapping.retryBackoff,
        maxBatchBytes: MAX_BATCH_BYTES,
      };
      poller = new PartitionPoller<KafkaMessage>(settings, this.records);
      this.pollers.set(partition, poller);
    }
    return poller;
  }

  private async teardown(): Promise<void> {
    const consumer = this.consumer;
    const destination = this.destination;
    this.consumer = undefined;
    this.destination = undefined;
    this.pollers.clear();
    await consumer?.disconnect().catch(() => undefined);
    await destination?.close();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
      if (this.stopping) wake();
    });
  }
}
