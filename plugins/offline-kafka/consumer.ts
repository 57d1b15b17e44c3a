/**
 * One event source mapping against the real broker: its consumer group, run by between
 * MinimumPollers and MaximumPollers event pollers (event-poller.ts, one kafkajs consumer each),
 * rescaled on every offset-lag reading (poller-scaling.ts), its on-failure destination and its
 * metrics.
 *
 * Lifecycle: an unreachable broker or missing topic at start is retried with a log line; a broker
 * lost mid-run makes kafkajs crash and restart the poller (logged), resuming from the committed
 * offsets. stop() lets every in-flight batch finish and commit, then leaves the group.
 */
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { KafkaFailureDestination } from './destinations';
import { describeError, TopicNotFoundError } from './errors';
import type { EventSourceMapping } from './event-definition';
import { EventPoller, type PollerContext } from './event-poller';
import { kafkaConnectionOptions } from './kafka-access';
import { createKafkaClient } from './kafka-client';
import { MappingMetrics } from './metrics';
import type { FunctionInvoker } from './offline-lambda';
import { readOffsetLag } from './offset-lag';
import { backoffMs } from './partition-poller';
import { nextPollerCount, PollerScaling } from './poller-scaling';
import { RecordDecoding } from './record-decoding';
import { registryGet } from './registry-access';
import { ConfluentRegistryClient } from './registry-client';
import { Sleeps } from './sleeps';

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

export type MappingState = 'starting' | 'consuming' | 'stopped';

export class EventSourceConsumer {
  readonly label: string;
  readonly metrics = new MappingMetrics();
  state: MappingState = 'starting';
  private kafka: Kafka | undefined;
  private admin: Admin | undefined;
  private destination: KafkaFailureDestination | undefined;
  private pollers: EventPoller[] = [];
  private context: PollerContext | undefined;
  private readonly sleeps = new Sleeps(() => this.stopping);
  private supervisor: Promise<void> | undefined;
  private restarting = false;
  private rescaling: Promise<void> | undefined;
  private readonly scaling = new PollerScaling();
  private startingOffsets = new Map<number, string>();
  private stopping = false;
  /** Decodes (schema registry), filters and shapes the fetched records; shared by the pollers. */
  private readonly records: RecordDecoding;

  constructor(
    readonly mapping: EventSourceMapping,
    private readonly deps: ConsumerDependencies,
  ) {
    this.label = `${mapping.functionKey} ← ${mapping.topic}`;
    const registry = mapping.schemaRegistry && new ConfluentRegistryClient(mapping.schemaRegistry.uri, registryGet(mapping.access.registry));
    this.records = new RecordDecoding(mapping.topic, mapping.filter, mapping.schemaRegistry, registry);
  }

  /** Starts in the background; connection problems are logged and retried, never thrown. */
  start(): void {
    this.supervisor ??= this.supervise();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeps.wakeAll();
    await this.supervisor;
    await this.rescaling;
    await this.teardown();
    this.state = 'stopped';
    this.deps.log.notice(`offline-kafka: ${this.label} stopped`);
  }

  /**
   * Reads the group's offset lag (KafkaMetrics) and moves the number of pollers toward what the
   * lag calls for. Called on every scaling interval; a reading still running is not overlapped.
   */
  monitor(): Promise<void> {
    this.rescaling ??= this.rescale().finally(() => {
      this.rescaling = undefined;
    });
    return this.rescaling;
  }

  private async rescale(): Promise<void> {
    const { mapping, metrics, admin } = this;
    if (this.state !== 'consuming' || !admin || this.stopping) return;
    let lag: Map<number, number>;
    try {
      lag = await readOffsetLag(admin, mapping.consumerGroupId, mapping.topic);
    } catch (error) {
      metrics.add('PollingErrorCount');
      this.deps.log.debug(`offline-kafka: ${this.label}: offset lag not read: ${describeError(error)}`);
      return;
    }
    metrics.setOffsetLag(lag);
    const sum = [...lag.values()].reduce((total, partitionLag) => total + partitionLag, 0);
    const current = this.pollers.length;
    const next = this.scaling.next({ current, lag: sum, batchSize: mapping.batchSize, partitions: lag.size, bounds: mapping.pollers });
    if (next === current) return;
    this.deps.log.notice(
      `offline-kafka: ${this.label} pollers ${current} → ${next} (offset lag ${sum}, MinimumPollers ${mapping.pollers.minimum}, MaximumPollers ${mapping.pollers.maximum})`,
    );
    await this.scaleTo(next, lag.size);
  }

  private async scaleTo(count: number, partitionCount: number): Promise<void> {
    const { context, kafka } = this;
    if (!context || !kafka) return;
    context.partitionCount = partitionCount;
    try {
      while (this.pollers.length < count && !this.stopping) {
        const poller = new EventPoller(kafka, context, this.pollers.length + 1);
        this.pollers.push(poller);
        await poller.start();
      }
    } finally {
      while (this.pollers.length > count) await this.pollers.pop()?.stop();
      this.metrics.pollers = this.pollers.length;
    }
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
        this.metrics.add('PollingErrorCount');
        const delay = backoffMs(this.mapping.reconnectBackoff, failures);
        log.warning(`offline-kafka: ${this.label}: ${describeError(error)} (brokers ${this.mapping.brokers.join(',')}); retrying in ${delay} ms`);
        await this.sleeps.sleep(delay);
      }
    }
  }

  /** A crash kafkajs will not recover from itself: rebuild the client after a backoff. */
  private restart(): void {
    if (this.stopping || this.restarting) return;
    this.restarting = true;
    this.supervisor = (async () => {
      await this.teardown();
      await this.sleeps.sleep(this.mapping.reconnectBackoff.initialMs);
      this.restarting = false;
      await this.supervise();
    })();
  }

  private async connect(): Promise<void> {
    const { mapping, deps } = this;
    const kafka = createKafkaClient({ brokers: mapping.brokers, clientId: deps.clientId, ...(await kafkaConnectionOptions(mapping.access.kafka)) });
    this.kafka = kafka;
    const admin = kafka.admin();
    this.admin = admin;
    await admin.connect();
    // The writer schemas are fetched beside the group's preparation; a slow registry delays the
    // start by a second at most (the fetch goes on, and the first batch waits for it if it must).
    const [partitionCount] = await Promise.all([this.prepareGroup(admin), Promise.race([this.records.warm(), unrefDelay(WARM_WAIT_MS)])]);
    if (mapping.onFailure?.kind === 'kafka') {
      this.destination = new KafkaFailureDestination(kafka, mapping.onFailure.topic, { source: mapping.source, functionArn: mapping.functionArn });
    }
    this.context = {
      mapping,
      label: this.label,
      deps,
      records: this.records,
      metrics: this.metrics,
      destination: this.destination,
      partitionCount,
      applyStartingOffsets: (consumer, assigned) => this.applyStartingOffsets(consumer, assigned),
      restart: () => this.restart(),
      isStopping: () => this.stopping,
    };
    const initial = nextPollerCount({ current: 0, lag: 0, batchSize: mapping.batchSize, partitions: partitionCount, bounds: mapping.pollers });
    await this.scaleTo(initial, partitionCount);
    this.state = 'consuming';
  }

  /** Checks the topics and applies startingPosition to partitions the group never committed. */
  private async prepareGroup(admin: Admin): Promise<number> {
    const { mapping } = this;
    const topics = new Set(await admin.listTopics());
    if (!topics.has(mapping.topic)) throw new TopicNotFoundError(mapping.topic);
    if (mapping.onFailure?.kind === 'kafka' && !topics.has(mapping.onFailure.topic)) {
      this.deps.log.warning(`offline-kafka: ${this.label}: on-failure topic ${mapping.onFailure.topic} does not exist yet`);
    }
    const metadata = await admin.fetchTopicMetadata({ topics: [mapping.topic] });
    this.startingOffsets = await this.findStartingOffsets(admin);
    return metadata.topics[0]?.partitions.length ?? 1;
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

  private async teardown(): Promise<void> {
    this.state = this.state === 'stopped' ? 'stopped' : 'starting';
    const { pollers, destination, admin } = this;
    this.pollers = [];
    this.destination = undefined;
    this.admin = undefined;
    this.kafka = undefined;
    this.context = undefined;
    this.metrics.pollers = 0;
    await Promise.all(pollers.map((poller) => poller.stop()));
    await destination?.close();
    await admin?.disconnect().catch(() => undefined);
  }
}

/** How long a mapping's start waits for its schemas to be fetched ahead (RecordDecoding.warm). */
const WARM_WAIT_MS = 1000;

function unrefDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
