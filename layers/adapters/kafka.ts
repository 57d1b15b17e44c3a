/** Kafka adapter: the only place the pipeline builds kafkajs clients. */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, type Consumer, Kafka, KafkaJSAggregateError, type LogEntry, logLevel, Partitioners, type ITopicConfig, type Producer } from 'kafkajs';
import type { Config, TopicSpec } from '../config';
import type { TopicWriter } from '../pipeline/ports';
import { describeAccessFailure, tlsOptions } from './access';
import { kafkaSasl } from './kafka-auth';

/** Brokers and client id; TLS and authentication default to none (a test broker of its own). */
export type KafkaConnection = Pick<Config['kafka'], 'brokers' | 'clientId'> & Partial<Pick<Config['kafka'], 'tls' | 'auth'>>;

export interface KafkaClientOptions {
  clientId?: string;
  /** Quiet by default: kafkajs logs every retry at ERROR, which drowns the pipeline's own lines. */
  logLevel?: logLevel;
  connectionTimeoutMs?: number;
  retries?: number;
  /** Where the client's own log lines go (JSON, one per line); the console when not given. */
  log?: (line: string) => void;
}

export function createKafka(config: KafkaConnection, options: KafkaClientOptions = {}): Kafka {
  const ssl = tlsOptions(config.tls);
  const sasl = kafkaSasl(config.auth);
  const kafka = new Kafka({
    clientId: options.clientId ?? config.clientId,
    brokers: config.brokers,
    ...(ssl ? { ssl } : {}),
    ...(sasl ? { sasl } : {}),
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: 30_000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 300, maxRetryTime: 10_000 },
    logLevel: options.logLevel ?? logLevel.WARN,
    ...(options.log ? { logCreator: lineLogCreator(options.log) } : {}),
  });
  return describingRefusals(kafka);
}

/** Every client the Kafka object makes says why the broker refused it (certificate, SASL) when connect fails. */
function describingRefusals(kafka: Kafka): Kafka {
  const described = <T extends Producer | Consumer | Admin>(client: T): T => {
    const connect = client.connect.bind(client);
    client.connect = () => connect().catch((err: unknown) => Promise.reject(describeAccessFailure('kafka', err)));
    return client;
  };
  const { producer, consumer, admin } = kafka;
  kafka.producer = (config) => described(producer.call(kafka, config));
  kafka.consumer = (config) => described(consumer.call(kafka, config));
  kafka.admin = (config) => described(admin.call(kafka, config));
  return kafka;
}

/** kafkajs' log entries as JSON lines to a sink of our choosing (kafkajs' default writes to the console). */
function lineLogCreator(write: (line: string) => void): () => (entry: LogEntry) => void {
  return () =>
    ({ namespace, level, label, log }) =>
      write(`${JSON.stringify({ level: label, levelNumber: level, namespace, ...log })}\n`);
}

/**
 * The pipeline's producer: idempotent (acks=all on every send), Murmur2 on the key as the Java
 * client, so a user's records land on the same partition everywhere; topics only from provisioning.
 * Its retries stay bounded (kafkajs warns about that once): a function must fail and be retried
 * rather than hang, and a resend at worst duplicates a record that every consumer upserts by id.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 5, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
}

/** The producer as the stages' TopicWriter: one sendBatch per call, acknowledged by all in-sync replicas. */
export function kafkaTopicWriter(producer: Producer): TopicWriter {
  return {
    async send(batches) {
      const topicMessages = batches.filter((b) => b.messages.length > 0);
      if (topicMessages.length > 0) await producer.sendBatch({ topicMessages, acks: -1 });
    },
  };
}

/** Creates missing topics and grows partition counts to the description; never shrinks or deletes. */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = topics
      .filter((t) => !existing.has(t.name))
      .map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      }));
    // A broker just restarted may list no topics before its metadata cache is filled; createTopics
    // then answers false (some already existed) and nothing is reported as created.
    const created = missing.length > 0 && (await admin.createTopics({ topics: missing, waitForLeaders: true }).catch(namingTopics));
    const present = topics.filter((t) => existing.has(t.name));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
      const grow = present.flatMap((t) => {
        const current = metadata.topics.find((m) => m.name === t.name)?.partitions.length ?? 0;
        return current < t.partitions ? [{ topic: t.name, count: t.partitions }] : [];
      });
      if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow });
    }
    return created ? missing.map((t) => t.topic) : [];
  } finally {
    await admin.disconnect();
  }
}

/** kafkajs reports a refused creation as "Topic creation errors"; say which topic and why. */
function namingTopics(err: unknown): never {
  if (err instanceof KafkaJSAggregateError) {
    const reasons = err.errors.map((e) => (typeof e === 'string' ? e : `${(e as { topic?: string }).topic ?? '?'}: ${e.message}`));
    throw new Error(`cannot create topics (${reasons.join('; ')})`, { cause: err });
  }
  throw err;
}

/**
 * Waits until the broker hands out producer ids. A new broker allocates its first block from the
 * controller after the first request (answering COORDINATOR_LOAD_IN_PROGRESS meanwhile), so an
 * idempotent producer's first connect can outlast its retries on a slow machine.
 */
export async function awaitProducerIds(kafka: Kafka, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const producer = createProducer(kafka);
    try {
      await producer.connect();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Kafka gave no producer id within ${timeoutMs / 1000}s: ${(err as Error).message}`, { cause: err });
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
    // A non-retriable answer fails connect at once; do not spin on it until the deadline.
    await sleep(500);
  }
}
