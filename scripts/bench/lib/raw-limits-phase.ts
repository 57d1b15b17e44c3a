/** The pipeline benchmark's first phase: each raw limit (lib/raw-limits.ts) measured on the run's own users; Cassandra's again after the pipeline. */
import { topology } from '../../../layers/config';
import type { Clients } from './clients';
import { benchUsers } from './data';
import type { Options } from './options';
import { progress } from './progress';
import { cassandraLimit, kafkaProduceLimit, postgresCopyLimit, rawUserMessages, type LimitRun } from './raw-limits';
import type { RawLimits } from './report';
import { fmtInt, perSecond } from './stats';

export async function measureRawLimits(clients: Clients, options: Options, runId: string, written: { topics: string[] }): Promise<RawLimits> {
  progress(`raw limits: generating ${fmtInt(options.users)} users…`);
  const users = benchUsers(`bench-raw-${runId}`, options.users);

  progress('raw limits: PostgreSQL COPY…');
  const postgres = [await postgresCopyLimit(clients.pool, users)];

  const topic = `bench.pipeline.${runId}.raw`;
  written.topics.push(topic);
  const rawTopic = topology.kafka.topics.raw;
  await clients.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: rawTopic.partitions }] });
  progress('raw limits: Kafka produce…');
  const messages = await rawUserMessages(clients.codec, `${clients.config.topics.raw}-value`, users);
  const kafka: LimitRun[] = [];
  for (const [batchSize, inFlight] of [
    [2000, 1],
    [2000, 4],
  ] as const)
    kafka.push(await kafkaProduceLimit(clients.kafka, messages, { topic, batchSize, inFlight }));

  const sample = users.slice(0, Math.min(users.length, options.cassandraSample));
  progress(`raw limits: Cassandra upserts of ${fmtInt(sample.length)} users at ${options.cassandraConcurrency.join(', ')} in flight…`);
  const cassandra = await cassandraLimit(clients.cassandra, sample, options.cassandraConcurrency, (message) => progress(`  ${message}`));
  for (const r of [...postgres, ...kafka, ...cassandra]) progress(`  ${r.label}: ${fmtInt(perSecond(r.items, r.ms))} /s`);
  return { cassandra, postgres, kafka };
}

/**
 * Cassandra's limit once more, after the pipeline, at the deepest level and with no warm-up: the
 * pipeline's writes have warmed the node whatever the first warm-up left undone, and the best of
 * the runs is the limit, so a node still cold at the start cannot flatter the pipeline's ratio.
 */
export async function cassandraLimitAgain(clients: Clients, options: Options, runId: string, raw: RawLimits): Promise<RawLimits> {
  const sample = benchUsers(`bench-raw-${runId}`, Math.min(options.users, options.cassandraSample));
  const level = Math.max(...options.cassandraConcurrency);
  progress(`raw limits: Cassandra upserts of ${fmtInt(sample.length)} users at ${level} in flight again, after the pipeline…`);
  const again = await cassandraLimit(clients.cassandra, sample, [level], undefined, { warmUpWrites: 0, labelSuffix: ', after the pipeline' });
  for (const r of again) progress(`  ${r.label}: ${fmtInt(perSecond(r.items, r.ms))} /s`);
  return { ...raw, cassandra: [...raw.cassandra, ...again] };
}
