/**
 * Runs the fixture service under the real `sls offline start` against the stack's broker, and the
 * Kafka chores around it: unique topics per run, producing, reading committed offsets. A test file
 * on the stack's broker takes all of it at once with useFixture().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Partitioners, type Admin, type Kafka, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import { createKafka } from '../../../layers/adapters/kafka';
import type { MappingStatus, MetricsDocument } from '../../../plugins/offline-kafka/mapping-monitor';
import { loadConfig } from '../../../layers/config';
import { clearInvocations, readInvocations, type Invocation } from '../../fixtures/offline-kafka/probe';
import { freePort } from '../../support/ports';

export const config = loadConfig();
export const FIXTURE_DIR = path.resolve(__dirname, '../../fixtures/offline-kafka');
const SLS = path.resolve(__dirname, '../../../node_modules/osls/bin/serverless.js');
const SERVICE = 'offline-kafka-fixture';

/** The fixture's topics (suffix → partitions); serverless.yml names them `${prefix}.${suffix}`. */
export const FIXTURE_TOPICS: Record<string, number> = {
  payload: 1,
  batching: 1,
  ordered: 3,
  stuck: 1,
  'stuck-non-native': 1,
  'dlq-source': 1,
  dlq: 1,
  capped: 1,
  'capped-dlq': 1,
  bisect: 1,
  'bisect-dlq': 1,
  partial: 1,
  'partial-dlq': 1,
  malformed: 1,
  timeout: 1,
  positions: 1,
  filtered: 1,
  slow: 1,
  aged: 1,
  'aged-dlq': 1,
  'aged-dropped': 1,
  ageing: 1,
  'ageing-dlq': 1,
  scaled: 4,
};

/** Functions with an enabled event source mapping in the fixture. */
export const FIXTURE_CONSUMERS = [
  'payloadKafka',
  'payloadMsk',
  'batching',
  'ordered',
  'stuck',
  'stuckNonNative',
  'dlq',
  'capped',
  'bisect',
  'partial',
  'malformed',
  'timesOut',
  'trimHorizon',
  'latest',
  'atTimestamp',
  'sharedGroup',
  'filtered',
  'slow',
  'aged',
  'agedDropped',
  'ageing',
  'scaled',
];

export interface Run {
  stage: string;
  prefix: string;
  topic(suffix: string): string;
  functionName(functionKey: string): string;
  /** The default consumer group of a function's event on a fixture topic. */
  groupId(functionKey: string, suffix: string): string;
}

export function newRun(): Run {
  const id = randomUUID();
  const stage = `t${id.slice(0, 8)}`;
  const prefix = `test.esm.${id}`;
  const functionName = (key: string): string => `${SERVICE}-${stage}-${key}`;
  return {
    stage,
    prefix,
    topic: (suffix) => `${prefix}.${suffix}`,
    functionName,
    groupId: (key, suffix) => `${functionName(key)}-${prefix}.${suffix}`,
  };
}

export function testKafka(): Kafka {
  return createKafka(config.kafka, { clientId: 'offline-kafka-test' });
}

export function testProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
}

export async function createTopics(admin: Admin, run: Run, topics: Record<string, number> = FIXTURE_TOPICS): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    // No time-based retention: some tests write records stamped seconds after the epoch (for
    // AT_TIMESTAMP), which the broker's retention check (every 5 minutes) would otherwise delete.
    topics: Object.entries(topics).map(([suffix, numPartitions]) => ({
      topic: run.topic(suffix),
      numPartitions,
      configEntries: [{ name: 'retention.ms', value: '-1' }],
    })),
  });
}

/** Deletes the run's topics, the consumer groups that read them and what its handlers recorded. */
export async function cleanUp(admin: Admin | undefined, run: Run): Promise<void> {
  clearInvocations(run.functionName(''));
  if (!admin) return;
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${run.prefix}.`));
  const { groups } = await admin.listGroups();
  const groupIds = groups.map((g) => g.groupId).filter((id) => id.includes(run.prefix));
  if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => undefined);
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
}

export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<number[]> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
}

export function json(value: unknown, extra: Partial<Message> = {}): Message {
  return { value: JSON.stringify(value), ...extra };
}

/** Polls until `read()` satisfies `done`, or fails with the last value seen. */
export async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; last value: ${JSON.stringify(value)?.slice(0, 2000)}`);
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Offsets a function received, per invocation, in invocation order. */
export function deliveries(run: Run, functionKey: string): Invocation[] {
  return readInvocations(run.functionName(functionKey));
}

export function offsetsOf(invocation: Invocation): number[] {
  return Object.values(invocation.event.records).flatMap((records) => records.map((r) => r.offset));
}

export function decodedValues(invocation: Invocation): unknown[] {
  return Object.values(invocation.event.records).flatMap((records) =>
    records.map((r) => (r.value === undefined ? null : (JSON.parse(Buffer.from(r.value, 'base64').toString('utf8')) as unknown))),
  );
}

/** A function's mapping as the plugin's metrics file has it (custom.offlineKafka.metricsFile), or undefined before the file is written. */
export function mappingStatus(metricsFile: string, functionKey: string): MappingStatus | undefined {
  if (!existsSync(metricsFile)) return undefined;
  return (JSON.parse(readFileSync(metricsFile, 'utf8')) as MetricsDocument).mappings.find((mapping) => mapping.functionKey === functionKey);
}

/** Reads `count` records of a topic from the beginning with a throwaway group. */
export async function readTopic(kafka: Kafka, topic: string, count: number, timeoutMs = 15_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `offline-kafka-test-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await eventually(
      () => messages.length,
      (n) => n >= count,
      timeoutMs,
    );
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

export interface OfflineOptions {
  run: Run;
  /** Overrides every mapping's brokers (custom.offlineKafka.brokers). */
  offlineBrokers?: string;
  config?: string;
  params?: Record<string, string>;
  /** serverless-offline's Lambda API port; 0 (any free one, not known to the test) by default. */
  lambdaPort?: number;
}

/** `sls offline start` on the fixture service, with its output kept for assertions. */
export class Offline {
  readonly lines: string[] = [];
  /** serverless-offline's Lambda API (the fixture's lambdaPort). */
  readonly lambdaPort: number;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private readonly waiters = new Set<() => void>();

  constructor(options: OfflineOptions) {
    const params: Record<string, string> = {
      prefix: options.run.prefix,
      brokers: config.kafka.brokers.join(','),
      lambdaPort: String(options.lambdaPort ?? 0),
      ...(options.offlineBrokers && { offlineBrokers: options.offlineBrokers }),
      ...options.params,
    };
    this.lambdaPort = Number(params.lambdaPort);
    const args = [SLS, 'offline', 'start', '--stage', options.run.stage, ...Object.entries(params).map(([k, v]) => `--param=${k}=${v}`)];
    if (options.config) args.push('--config', options.config);
    this.child = spawn(process.execPath, args, { cwd: FIXTURE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8');
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        this.lines.push(...parts);
        for (const wake of this.waiters) wake();
      });
    }
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves with the first line (from the start) matching, waiting for it if needed. */
  async waitForLine(pattern: RegExp, timeoutMs = 30_000, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.slice(from).find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${this.lines.slice(-60).join('\n')}`);
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, 200);
        this.waiters.add(wake);
      });
    }
  }

  /** Waits until each function's consumer joined its group (after that, LATEST is pinned). */
  async waitForConsumers(functionKeys: readonly string[] = FIXTURE_CONSUMERS, timeoutMs = 60_000): Promise<void> {
    await Promise.all(functionKeys.map((key) => this.waitForLine(new RegExp(`offline-kafka: ${key} ← \\S+ consuming as group`), timeoutMs)));
  }

  matching(pattern: RegExp): string[] {
    return this.lines.filter((line) => pattern.test(line));
  }

  /** Ctrl-C, as a developer would; resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGINT', timeoutMs = 30_000): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'killed'>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve('killed');
      }, timeoutMs);
    });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === 'killed') throw new Error(`sls offline did not exit within ${timeoutMs} ms after ${signal}`);
    return result;
  }
}

export interface FixtureOptions {
  /** The run's topics (suffix → partitions), created before `sls offline start`. */
  topics: Record<string, number>;
  /** The functions whose consumers must have joined before the tests start. */
  consumers: readonly string[];
  /** Runs once the topics exist and before `sls offline start`, e.g. to produce records that predate the mappings. */
  beforeStart?: (fixture: Fixture) => Promise<unknown>;
  /** Extra `--param`s, e.g. metricsFile. */
  params?: Record<string, string>;
  /** Another service file in the fixture directory (the schema-registry tests' serverless.registry.yml). */
  config?: string;
}

export interface Fixture {
  run: Run;
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  /** The running `sls offline start`. */
  offline(): Offline;
  /** Starts `sls offline start` anew (the previous one stopped) and waits for the consumers, the fixture's by default. */
  startOffline(consumers?: readonly string[]): Promise<void>;
}

/**
 * A test file's run on the stack's broker: its topics, a connected admin and producer and
 * `sls offline start` with its consumers joined, set up before the file's tests; afterwards
 * `sls offline` must exit 0, and the run's topics, groups and recorded invocations are removed.
 */
export function useFixture(options: FixtureOptions): Fixture {
  const kafka = testKafka();
  let offline: Offline | undefined;
  const fixture: Fixture = {
    run: newRun(),
    kafka,
    admin: kafka.admin(),
    producer: testProducer(kafka),
    offline: () => {
      if (!offline) throw new Error('sls offline has not been started');
      return offline;
    },
    startOffline: async (consumers = options.consumers) => {
      offline = new Offline({ run: fixture.run, lambdaPort: await freePort(), params: options.params, config: options.config });
      await offline.waitForConsumers(consumers);
    },
  };
  const { run, admin, producer } = fixture;

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
    await createTopics(admin, run, options.topics);
    await options.beforeStart?.(fixture);
    await fixture.startOffline();
  });

  afterAll(async () => {
    expect(await offline?.stop()).toBe(0);
    await cleanUp(admin, run);
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  });

  return fixture;
}
