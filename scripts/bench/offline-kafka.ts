/**
 * Benchmark of the offline Kafka event source mapping (plugins/offline-kafka): records per second
 * delivered to a no-op handler through `sls offline start`, against a bare kafkajs eachBatch
 * consumer reading the same backlog in the same run. Target: plugin / bare ≥ 0.5.
 *
 *   npm run bench:offline-kafka [-- --records 1000000 --partitions 4 --size 100 --verbose]
 *
 * A million records by default: at ~300k records/s for the bare consumer, fewer would measure the
 * start-up (handler loading, group join) more than the delivery rate.
 *
 * The plugin runs test/fixtures/offline-kafka/serverless.bench.yml (handler bundled by
 * serverless-esbuild, as in Tributary's serverless.yml; batchSize 10000, no batching window), once
 * with serverless-offline's default worker-thread runtime and once with --useInProcess.
 *
 * Every clock starts when the consumer joins its group and stops when the last record is
 * delivered: counted in eachBatch for the bare consumer, read from the committed offsets for the
 * plugin (it commits only after the handler returned).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Partitioners, type Admin, type Kafka } from 'kafkajs';
import { createKafka } from '../../layers/adapters/kafka';
import { loadConfig } from '../../layers/config';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE_DIR = path.join(ROOT, 'test/fixtures/offline-kafka');
const SLS = path.join(ROOT, 'node_modules/osls/bin/serverless.js');
const TARGET_RATIO = 0.5;

interface Options {
  records: number;
  partitions: number;
  size: number;
  /** Print the sls offline output (one line per batch), stamped with ms since the group join. */
  verbose: boolean;
}

interface Run {
  /** ms from the group join until the first records were delivered */
  firstMs: number;
  /** ms from the group join until every record was delivered */
  totalMs: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000000' },
      partitions: { type: 'string', default: '4' },
      size: { type: 'string', default: '100' },
      verbose: { type: 'boolean', default: false },
    },
  });
  return { records: Number(values.records), partitions: Number(values.partitions), size: Number(values.size), verbose: values.verbose };
}

async function produce(kafka: Kafka, topic: string, { records, size }: Options): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const filler = 'x'.repeat(Math.max(0, size - 40));
  try {
    for (let start = 0; start < records; start += 10_000) {
      const count = Math.min(10_000, records - start);
      await producer.send({
        topic,
        acks: 1,
        messages: Array.from({ length: count }, (_, i) => ({ key: `user-${(start + i) % 1000}`, value: `{"n":${start + i},"pad":"${filler}"}` })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** A plain kafkajs consumer that does nothing with each batch but count it. */
async function bareConsumer(kafka: Kafka, admin: Admin, topic: string, { records, partitions }: Options): Promise<Run> {
  const groupId = `bench-bare-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId });
  let joinedAt = 0;
  let firstMs = 0;
  let delivered = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => (joinedAt ||= performance.now()));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const totalMs = await new Promise<number>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: partitions,
      eachBatch: async ({ batch }) => {
        firstMs ||= performance.now() - joinedAt;
        delivered += batch.messages.length;
        if (delivered >= records) resolve(performance.now() - joinedAt);
      },
    });
  });
  await consumer.disconnect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  return { firstMs, totalMs };
}

async function committedTotal(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** `sls offline start` with the bench service; the plugin's consumer group is the function's default. */
async function pluginConsumer(admin: Admin, topic: string, brokers: string, inProcess: boolean, { records, verbose }: Options): Promise<Run> {
  const stage = `b${randomUUID().slice(0, 8)}`;
  const groupId = `offline-kafka-bench-${stage}-noop-${topic}`;
  const args = [
    'offline',
    'start',
    '--config',
    'serverless.bench.yml',
    '--stage',
    stage,
    `--param=topic=${topic}`,
    `--param=brokers=${brokers}`,
    '--param=lambdaPort=0',
  ];
  if (inProcess) args.push('--useInProcess');
  const child = spawn(process.execPath, [SLS, ...args], { cwd: FIXTURE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let joinedAt = 0;
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      const lines = chunk.toString('utf8').split('\n').filter(Boolean);
      if (!joinedAt && lines.some((line) => /offline-kafka: noop ← \S+ consuming as group/.test(line))) joinedAt = performance.now();
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
        const delivered = await committedTotal(admin, groupId, topic);
        if (delivered > 0) firstMs ||= performance.now() - joinedAt;
        if (delivered >= records) return { firstMs, totalMs: performance.now() - joinedAt };
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    if (verbose) console.log(output.join('\n'));
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const config = loadConfig();
  const kafka = createKafka(config.kafka, { clientId: 'bench-offline-kafka' });
  const admin = kafka.admin();
  const topic = `bench.offline-kafka.${randomUUID()}`;
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: options.partitions }] });
    console.log(`offline-kafka bench: ${options.records} records of ~${options.size} bytes on ${options.partitions} partitions; plugin batchSize 10000`);
    await produce(kafka, topic, options);

    const brokers = config.kafka.brokers.join(',');
    const bare = await bareConsumer(kafka, admin, topic, options);
    const workers = await pluginConsumer(admin, topic, brokers, false, options);
    const inProcess = await pluginConsumer(admin, topic, brokers, true, options);

    const perSecond = (run: Run) => options.records / (run.totalMs / 1000);
    const row = (name: string, run: Run, ratio?: number) =>
      `  ${name.padEnd(34)}${Math.round(perSecond(run)).toLocaleString('en-US').padStart(10)} records/s` +
      `${Math.round(run.firstMs).toLocaleString('en-US').padStart(9)} ms${Math.round(run.totalMs).toLocaleString('en-US').padStart(9)} ms` +
      (ratio === undefined ? '' : `   ${ratio.toFixed(2)} ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`);
    console.log(`  ${''.padEnd(34)}${'delivered'.padStart(20)}${'first'.padStart(12)}${'all'.padStart(12)}   ratio (target ≥ ${TARGET_RATIO})`);
    console.log(row('bare kafkajs eachBatch', bare));
    console.log(row('plugin, worker threads (default)', workers, perSecond(workers) / perSecond(bare)));
    console.log(row('plugin, --useInProcess', inProcess, perSecond(inProcess) / perSecond(bare)));
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
