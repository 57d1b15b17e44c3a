/**
 * Benchmark of the offline Kafka event source mapping (plugins/offline-kafka): records per second
 * delivered to a no-op handler through `sls offline start`, against a bare kafkajs eachBatch
 * consumer reading the same backlog in the same run.
 *
 *   npm run bench:offline-kafka [-- --records 1000000 --partitions 4 --size 100 --rounds 1 --registry-only --in-process-only --cpu-prof <dir> --verbose]
 *
 * Two backlogs, two comparisons:
 * - plain JSON records: the plugin (no schema registry) against a consumer that only counts.
 *   Target: plugin / bare ≥ 0.5.
 * - Avro records in the Confluent wire format: the plugin with SchemaRegistryConfig (EventRecordFormat
 *   JSON: each value decoded with the writer's schema, rendered as JSON, base64) against a consumer
 *   that decodes the same Avro with avsc. Target: plugin / bare ≥ 0.6.
 *
 * --rounds N runs each comparison N times, interleaved, and reports medians (with the spread): on a
 * machine shared with other work, one round can be off by half.
 *
 * A million records by default: at ~300k records/s for the bare consumer, fewer would measure the
 * start-up (handler loading, group join) more than the delivery rate. The plugin runs
 * test/fixtures/offline-kafka/serverless.bench.yml and serverless.bench-registry.yml (handler bundled
 * by serverless-esbuild, as in Tributary's serverless.yml; batchSize 10000, no batching window),
 * each once with serverless-offline's default worker-thread runtime and once with --useInProcess.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Type } from 'avsc';
import { type Kafka, Partitioners } from 'kafkajs';
import { createKafka } from '../../layers/adapters/kafka';
import { loadConfig } from '../../layers/config';
import { avroDecoder, type Backlog, bareConsumer, bareConsumerProcess, pluginConsumer, type Run } from './lib/esm-runs';

const TARGETS = { plain: 0.5, registry: 0.6 };

const BENCH_USER = Type.forSchema({
  type: 'record',
  name: 'BenchUser',
  namespace: 'bench.offline_kafka',
  fields: [
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'name', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'country', type: 'string' },
    { name: 'age', type: 'int' },
    { name: 'registered', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'postcode', type: ['string', 'long'] },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});

interface Options {
  records: number;
  partitions: number;
  size: number;
  rounds: number;
  /** Only the schema-registry comparison (for profiling it). */
  registryOnly: boolean;
  /** Only the plugin in serverless-offline's in-process runtime (the pipeline's), not in worker threads. */
  inProcessOnly: boolean;
  /** Where the sls processes and the fresh bare consumers write V8 CPU profiles (node --cpu-prof), if anywhere. */
  cpuProfileDir: string | undefined;
  /** Print the sls offline output (one line per batch), stamped with ms since the group join. */
  verbose: boolean;
}

interface Row {
  name: string;
  /** One per round. */
  runs: Run[];
  /** The runs this one is compared with, and the target ratio. */
  against?: { runs: Run[]; target: number };
  /** The warm bare consumer's runs, for a second ratio (not the target's). */
  warm?: Run[];
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000000' },
      partitions: { type: 'string', default: '4' },
      size: { type: 'string', default: '100' },
      rounds: { type: 'string', default: '1' },
      'registry-only': { type: 'boolean', default: false },
      'in-process-only': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  return {
    records: Number(values.records),
    partitions: Number(values.partitions),
    size: Number(values.size),
    rounds: Math.max(1, Number(values.rounds)),
    registryOnly: values['registry-only'],
    inProcessOnly: values['in-process-only'],
    cpuProfileDir: values['cpu-prof'],
    verbose: values.verbose,
  };
}

/** Sends `records` messages built by `message(i)`, 10 000 per request. */
async function produce(kafka: Kafka, topic: string, records: number, message: (i: number) => { key: string; value: Buffer | string }): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let start = 0; start < records; start += 10_000) {
      const count = Math.min(10_000, records - start);
      await producer.send({ topic, acks: 1, messages: Array.from({ length: count }, (_, i) => message(start + i)) });
    }
  } finally {
    await producer.disconnect();
  }
}

function benchUser(i: number) {
  return {
    id: randomUUID(),
    name: `user ${i}`,
    email: `user${i}@example.com`,
    country: i % 2 === 0 ? 'NL' : 'BR',
    age: 18 + (i % 60),
    registered: 1_700_000_000_000 + i,
    postcode: i % 3 === 0 ? `${1000 + (i % 9000)} AB` : 10_000 + i,
    note: i % 5 === 0 ? 'vip' : null,
  };
}

async function registerBenchSchema(registryUrl: string, topic: string): Promise<number> {
  const response = await fetch(`${registryUrl}/subjects/${topic}-value/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(BENCH_USER.schema()) }),
  });
  if (!response.ok) throw new Error(`registering the bench schema failed: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

/**
 * Runs the bare consumer (in a fresh process, as the plugin's sls is), the same consumer inside this
 * long-lived process (its kafkajs warmed by the rounds before), and the plugin runs in turn, `rounds`
 * times, into rows against the fresh bare one; the warm one gives a second ratio, for reference.
 */
async function compare(
  rounds: number,
  bare: { name: string; run: () => Promise<Run> },
  warmBare: { name: string; run: () => Promise<Run> },
  plugins: { name: string; run: () => Promise<Run> }[],
  target: number,
): Promise<Row[]> {
  const bareRow: Row = { name: bare.name, runs: [] };
  const warmRow: Row = { name: warmBare.name, runs: [] };
  const pluginRows: Row[] = plugins.map(({ name }) => ({ name, runs: [], against: { runs: bareRow.runs, target }, warm: warmRow.runs }));
  for (let round = 0; round < rounds; round++) {
    bareRow.runs.push(await bare.run());
    warmRow.runs.push(await warmBare.run());
    for (const [i, plugin] of plugins.entries()) pluginRows[i]?.runs.push(await plugin.run());
  }
  return [bareRow, warmRow, ...pluginRows];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function report(rows: Row[], records: number): void {
  const perSecond = (runs: Run[]) => records / (median(runs.map((run) => run.totalMs)) / 1000);
  const count = (value: number) => Math.round(value).toLocaleString('en-US');
  const spread = (runs: Run[]) => {
    if (runs.length < 2) return '';
    const rates = runs.map((run) => records / (run.totalMs / 1000));
    return ` (${count(Math.min(...rates))}–${count(Math.max(...rates))})`;
  };
  // CPU µs per record over the delivery; its ratio (bare ÷ plugin) moves less with other load than the rate's.
  const cpuPerRecord = (runs: Run[]) => (median(runs.map((run) => run.cpuMs)) * 1000) / records;
  console.log(`  ${''.padEnd(46)}${'delivered'.padStart(20)}${'first'.padStart(12)}${'all'.padStart(12)}${'CPU'.padStart(15)}   ratio (target); by CPU`);
  for (const { name, runs, against, warm } of rows) {
    if (runs.length === 0) continue;
    const ratio = against && perSecond(runs) / perSecond(against.runs);
    const warmRatio = warm && warm.length > 0 ? `; ${(perSecond(runs) / perSecond(warm)).toFixed(2)} of the warm one` : '';
    const cpuRatio = against && cpuPerRecord(against.runs) / cpuPerRecord(runs);
    const verdict =
      against && ratio !== undefined
        ? `   ${ratio.toFixed(2)} (≥ ${against.target}) ${ratio >= against.target ? 'met' : 'NOT met'}; ${cpuRatio?.toFixed(2)}${warmRatio}`
        : '';
    console.log(
      `  ${name.padEnd(46)}${count(perSecond(runs)).padStart(10)} records/s${count(median(runs.map((r) => r.firstMs))).padStart(9)} ms` +
        `${count(median(runs.map((r) => r.totalMs))).padStart(9)} ms${cpuPerRecord(runs).toFixed(2).padStart(8)} µs/rec${verdict}${spread(runs)}`,
    );
  }
  if (rows.some((row) => row.runs.length > 1)) console.log('  medians of the rounds; (min–max records/s)');
}

async function main(): Promise<void> {
  const options = readOptions();
  const config = loadConfig();
  const kafka = createKafka(config.kafka, { clientId: 'bench-offline-kafka' });
  const admin = kafka.admin();
  const brokers = config.kafka.brokers.join(',');
  const plainTopic = `bench.offline-kafka.${randomUUID()}`;
  const registryTopic = `bench.offline-kafka.registry.${randomUUID()}`;
  const rows: Row[] = [];
  const created: string[] = [];
  await admin.connect();
  try {
    console.log(`offline-kafka bench: ${options.records} records on ${options.partitions} partitions; plugin batchSize 10000`);
    if (!options.registryOnly) {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: plainTopic, numPartitions: options.partitions }] });
      created.push(plainTopic);
      const filler = 'x'.repeat(Math.max(0, options.size - 40));
      await produce(kafka, plainTopic, options.records, (i) => ({ key: `user-${i % 1000}`, value: `{"n":${i},"pad":"${filler}"}` }));
      const backlog: Backlog = { topic: plainTopic, records: options.records, partitions: options.partitions };
      const plugin = {
        config: 'serverless.bench.yml',
        service: 'offline-kafka-bench',
        functionKey: 'noop',
        params: { topic: plainTopic, brokers },
        verbose: options.verbose,
        cpuProfileDir: options.cpuProfileDir,
      };
      rows.push(
        ...(await compare(
          options.rounds,
          { name: `JSON records of ~${options.size} bytes: bare kafkajs eachBatch`, run: () => bareConsumerProcess(backlog, undefined, options.cpuProfileDir) },
          { name: '  the same, warm in the bench process', run: () => bareConsumer(kafka, admin, backlog) },
          [
            { name: '  plugin, worker threads (default)', run: () => pluginConsumer(admin, backlog, { ...plugin, inProcess: false }) },
            { name: '  plugin, --useInProcess', run: () => pluginConsumer(admin, backlog, { ...plugin, inProcess: true }) },
          ].filter(({ name }) => !options.inProcessOnly || name.includes('InProcess')),
          TARGETS.plain,
        )),
      );
    }

    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: registryTopic, numPartitions: options.partitions }] });
    created.push(registryTopic);
    const schemaId = await registerBenchSchema(config.schemaRegistry.url, registryTopic);
    const header = Buffer.from([0, 0, 0, 0, 0]);
    header.writeInt32BE(schemaId, 1);
    await produce(kafka, registryTopic, options.records, (i) => ({
      key: `user-${i % 1000}`,
      value: Buffer.concat([header, BENCH_USER.toBuffer(benchUser(i))]),
    }));
    const backlog: Backlog = { topic: registryTopic, records: options.records, partitions: options.partitions };
    const plugin = {
      config: 'serverless.bench-registry.yml',
      service: 'offline-kafka-bench-registry',
      functionKey: 'noop',
      params: { topic: registryTopic, brokers, registry: config.schemaRegistry.url },
      verbose: options.verbose,
      cpuProfileDir: options.cpuProfileDir,
    };
    const decode = await avroDecoder(config.schemaRegistry.url, schemaId);
    rows.push(
      ...(await compare(
        options.rounds,
        {
          name: 'Avro records (Confluent): bare kafkajs + avsc decode',
          run: () => bareConsumerProcess(backlog, { registryUrl: config.schemaRegistry.url, schemaId }, options.cpuProfileDir),
        },
        { name: '  the same, warm in the bench process', run: () => bareConsumer(kafka, admin, backlog, decode) },
        [
          { name: '  plugin, JSON decoding, worker threads', run: () => pluginConsumer(admin, backlog, { ...plugin, inProcess: false }) },
          { name: '  plugin, JSON decoding, --useInProcess', run: () => pluginConsumer(admin, backlog, { ...plugin, inProcess: true }) },
        ].filter(({ name }) => !options.inProcessOnly || name.includes('InProcess')),
        TARGETS.registry,
      )),
    );
  } finally {
    report(rows, options.records);
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
