/**
 * The offline-kafka bench's bare consumer in a process of its own, started fresh for each round as
 * the plugin's `sls offline start` is: both sides then begin with a cold JIT and a new heap, where a
 * consumer run inside the long-lived bench process would have kafkajs' decoder warmed by the rounds
 * before it. Prints its Run as JSON on a line of its own (BARE_RUN_PREFIX).
 *
 *   node --import tsx scripts/bench/bare-consumer.ts --topic <t> --records <n> --partitions <p> [--registry <url> --schema-id <id>]
 */
import { parseArgs } from 'node:util';
import { createKafka } from '../../layers/adapters/kafka';
import { loadConfig } from '../../layers/config';
import { avroDecoder, BARE_RUN_PREFIX, bareConsumer } from './lib/esm-runs';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      topic: { type: 'string' },
      records: { type: 'string' },
      partitions: { type: 'string' },
      registry: { type: 'string' },
      'schema-id': { type: 'string' },
    },
  });
  if (!values.topic || !values.records || !values.partitions) throw new Error('--topic, --records and --partitions are required');
  const kafka = createKafka(loadConfig().kafka, { clientId: 'bench-offline-kafka-bare' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const decode = values.registry ? await avroDecoder(values.registry, Number(values['schema-id'])) : undefined;
    const backlog = { topic: values.topic, records: Number(values.records), partitions: Number(values.partitions) };
    const run = await bareConsumer(kafka, admin, backlog, decode);
    console.log(`${BARE_RUN_PREFIX}${JSON.stringify(run)}`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
