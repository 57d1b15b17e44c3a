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
import { FUNCTIONS_NODE_FLAGS } from '../../pipeline/offline';
import { treeSeconds } from './cpu';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURE_DIR = path.join(ROOT, 'test/fixtures/offline-kafka');
const SLS = path.join(ROOT, 'node_modules/osls/bin/serverless.js');
const BARE_CONSUMER = path.join(ROOT, 'scripts/bench/bare-consumer.ts');
/** How bare-consumer.ts marks its result among kafkajs' log lines. */
export const BARE_RUN_PREFIX = 'bare consumer run: ';

export interface Run {
  /** ms from the group join until the first records were delivered */
  firstMs: number;
  /** ms from the group join until every record was delivered */
  totalMs: number;
  /**
   * CPU ms the consumer's process spent over the same span (the bench process for the bare
   * consumer, the sls process and its children for the plugin): on a machine shared with other
   * work, the rate moves with the load and this much less.
   */
  cpuMs: number;
}

/** CPU ms of this process so far (user + system). */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
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
  let cpuAtJoin = 0;
  let firstMs = 0;
  let delivered = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (joinedAt) return;
    joinedAt = performance.now();
    cpuAtJoin = ownCpuMs();
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [backlog.topic], fromBeginning: true });
  const { totalMs, cpuMs } = await new Promise<{ totalMs: number; cpuMs: number }>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: backlog.partitions,
      eachBatch: async ({ batch }) => {
        firstMs ||= performance.now() - joinedAt;
        onMessages(batch.messages);
        delivered += batch.messages.length;
        if (delivered >= backlog.records) resolve({ totalMs: performance.now() - joinedAt, cpuMs: ownCpuMs() - cpuAtJoin });
      },
    });
  });
  await consumer.disconnect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  return { firstMs, totalMs, cpuMs };
}

/** Node's flags for a V8 CPU profile written into `dir` at exit, if one is asked for. */
function profileFlags(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

/** Where a bare consumer in its own process reads the Avro's writer schema. */
export interface BareDecoding {
  registryUrl: string;
  schemaId: number;
}

/**
 * bareConsumer in a fresh Node process (scripts/bench/bare-consumer.ts) under the functions' Node
 * flags, as the plugin runs in a fresh `sls offline start`: the same cold start on both sides.
 */
export async function bareConsumerProcess(backlog: Backlog, decoding?: BareDecoding, cpuProfileDir?: string): Promise<Run> {
  const args = ['--topic', backlog.topic, '--records', String(backlog.records), '--partitions', String(backlog.partitions)];
  if (decoding) args.push('--registry', decoding.registryUrl, '--schema-id', String(decoding.schemaId));
  const child = spawn(process.execPath, [...FUNCTIONS_NODE_FLAGS, ...profileFlags(cpuProfileDir), '--import', 'tsx', BARE_CONSUMER, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const result = stdout.split('\n').find((line) => line.startsWith(BARE_RUN_PREFIX));
  if (code !== 0 || !result) throw new Error(`the bare consumer failed (exit ${code}):\n${stderr.slice(-4000)}`);
  return JSON.parse(result.slice(BARE_RUN_PREFIX.length)) as Run;
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
  /** Writes a V8 CPU profile of the sls process into this folder (node --cpu-prof). */
  cpuProfileDir?: string;
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
  // The Node flags Tributary runs its functions' process with (npm start), as the bench process has them too.
  const child = spawn(process.execPath, [...FUNCTIONS_NODE_FLAGS, ...profileFlags(run.cpuProfileDir), SLS, ...args], {
    cwd: FIXTURE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const joined = new RegExp(`offline-kafka: ${run.functionKey} ← \\S+ consuming as group`);
  const output: string[] = [];
  let joinedAt = 0;
  let cpuAtJoin = 0;
  const childCpuMs = (): number => (treeSeconds(child.pid ?? 0) ?? 0) * 1000;
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      const lines = chunk.toString('utf8').split('\n').filter(Boolean);
      if (!joinedAt && lines.some((line) => joined.test(line))) {
        joinedAt = performance.now();
        cpuAtJoin = childCpuMs();
      }
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
        if (delivered >= backlog.records) return { firstMs, totalMs: performance.now() - joinedAt, cpuMs: childCpuMs() - cpuAtJoin };
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
