/**
 * The offline-kafka benchmark's runs: a bare kafkajs eachBatch consumer (counting, or decoding
 * each record's Avro with avsc as a hand-written consumer would) and `sls offline start` on a bench
 * service. Every clock starts when the consumer joins its group and stops when the last record is
 * delivered: counted in eachBatch for the bare consumer, read from the committed offsets for the
 * plugin (it commits only after the handler returned).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Type } from 'avsc';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURE_DIR = path.join(ROOT, 'test/fixtures/offline-kafka');
const SLS = path.join(ROOT, 'node_modules/osls/bin/serverless.js');

export interface Run {
  /** ms from the group join until the first records were delivered */
  firstMs: number;
  /** ms from the group join until every record was delivered */
  totalMs: number;
}

export interface Backlog {
  topic: string;
  records: number;
  partitions: number;
}

/** A plain kafkajs consumer that hands each batch's messages to `onMessages` (nothing by default). */
export async function bareConsumer(
  kafka: Kafka,
  admin: Admin,
  backlog: Backlog,
  onMessages: (messages: KafkaMessage[]) => void = () => undefined,
): Promise<Run> {
  const groupId = `bench-bare-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId });
  let joinedAt = 0;
  let firstMs = 0;
  let delivered = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => (joinedAt ||= performance.now()));
  await consumer.connect();
  await consumer.subscribe({ topics: [backlog.topic], fromBeginning: true });
  const totalMs = await new Promise<number>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: backlog.partitions,
      eachBatch: async ({ batch }) => {
        firstMs ||= performance.now() - joinedAt;
        onMessages(batch.messages);
        delivered += batch.messages.length;
        if (delivered >= backlog.records) resolve(performance.now() - joinedAt);
      },
    });
  });
  await consumer.disconnect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  return { firstMs, totalMs };
}

/**
 * What a consumer without the mapping's decoding does per record: the Confluent header read, the
 * writer's schema fetched from the registry once per id, the Avro decoded with avsc.
 */
export async function avroDecoder(registryUrl: string, schemaId: number): Promise<(messages: KafkaMessage[]) => void> {
  const response = await fetch(`${registryUrl}/schemas/ids/${schemaId}`);
  const types = new Map<number, Type>([[schemaId, Type.forSchema(JSON.parse(((await response.json()) as { schema: string }).schema))]]);
  return (messages) => {
    for (const message of messages) {
      const value = message.value as Buffer;
      if (value[0] !== 0) throw new Error('not in the Confluent wire format');
      const type = types.get(value.readInt32BE(1));
      if (!type) throw new Error(`unknown schema id ${value.readInt32BE(1)}`);
      type.fromBuffer(value.subarray(5));
    }
  };
}

export interface PluginRun {
  /** The bench service, in test/fixtures/offline-kafka. */
  config: string;
  service: string;
  functionKey: string;
  params: Record<string, string>;
  inProcess: boolean;
  verbose: boolean;
}

/** `sls offline start` with a bench service; the plugin's consumer group is the function's default. */
export async function pluginConsumer(admin: Admin, backlog: Backlog, run: PluginRun): Promise<Run> {
  const stage = `b${randomUUID().slice(0, 8)}`;
  const groupId = `${run.service}-${stage}-${run.functionKey}-${backlog.topic}`;
  const args = [
    'offline',
    'start',
    '--config',
    run.config,
    '--stage',
    stage,
    '--param=lambdaPort=0',
    ...Object.entries(run.params).map(([k, v]) => `--param=${k}=${v}`),
  ];
  if (run.inProcess) args.push('--useInProcess');
  const child = spawn(process.execPath, [SLS, ...args], { cwd: FIXTURE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  const joined = new RegExp(`offline-kafka: ${run.functionKey} ← \\S+ consuming as group`);
  const output: string[] = [];
  let joinedAt = 0;
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      const lines = chunk.toString('utf8').split('\n').filter(Boolean);
      if (!joinedAt && lines.some((line) => joined.test(line))) joinedAt = performance.now();
      output.push(...lines.map((line) => `[${joinedAt ? Math.round(performance.now() - joinedAt) : '-'}] ${line}`));
    });
  }
  try {
    const deadline = Date.now() + 300_000;
    let firstMs = 0;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`sls offline exited early:\n${output.slice(-40).join('\n')}`);
      if (Date.now() > deadline) throw new Error('the plugin did not commit every record within 5 minutes');
      if (joinedAt) {
        const delivered = await committedTotal(admin, groupId, backlog.topic);
        if (delivered > 0) firstMs ||= performance.now() - joinedAt;
        if (delivered >= backlog.records) return { firstMs, totalMs: performance.now() - joinedAt };
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    if (run.verbose) console.log(output.join('\n'));
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}

async function committedTotal(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}
