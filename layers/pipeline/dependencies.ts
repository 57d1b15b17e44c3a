/**
 * The composition root: each external client built once per process (a Lambda container reuses
 * them across invocations) from the one config module. Handlers ask for the deps they need.
 */
import type { Client } from 'cassandra-driver';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { loadConfig, type Config } from '../config';
import type { AvroCodec } from '../adapters/avro-codec';
import { createCassandra } from '../adapters/cassandra';
import { cassandraCreatedUsers } from '../adapters/created-users-store';
import { createKafka, createProducer, kafkaTopicWriter } from '../adapters/kafka';
import { postgresOutbox, postgresRawUsers } from '../adapters/raw-users-store';
import { createLambdaClient, invokeFunction, triggerFunction } from '../adapters/lambda';
import { createPool } from '../adapters/postgres';
import { fetchUsers } from '../adapters/randomuser';
import { createAvroCodec } from '../adapters/schema-registry';
import { logger } from '../logging/logger';
import type { FetchDeps } from './fetch-users';
import { currentInvocation } from './invocation';
import type { PersistDeps, PersistReport } from './persist-users';
import type { PublishDeps } from './publish-outbox';
import type { SinkDeps } from './sink-records';
import type { TransformDeps } from './transform-records';

let config: Config | undefined;
let pool: Pool | undefined;
let producer: Promise<Producer> | undefined;
let codec: AvroCodec | undefined;
let cassandra: Promise<Client> | undefined;
let lambda: ReturnType<typeof createLambdaClient> | undefined;

export function pipelineConfig(): Config {
  return (config ??= loadConfig());
}

/** The process's PostgreSQL pool (scripts such as replay share the functions' clients). */
export function postgresPool(): Pool {
  return (pool ??= createPool(pipelineConfig().postgres));
}

function getProducer(): Promise<Producer> {
  if (!producer) {
    const p = createProducer(createKafka(pipelineConfig().kafka));
    producer = p.connect().then(() => p);
    // A failed connect must not be cached: the next invocation tries again.
    producer.catch(() => (producer = undefined));
  }
  return producer;
}

function getCodec(): AvroCodec {
  const c = pipelineConfig();
  return (codec ??= createAvroCodec(c.schemaRegistry));
}

function getCassandra(): Promise<Client> {
  if (!cassandra) {
    const client = createCassandra(pipelineConfig().cassandra);
    cassandra = client.connect().then(() => client);
    cassandra.catch(() => (cassandra = undefined));
  }
  return cassandra;
}

function getLambda(): ReturnType<typeof createLambdaClient> {
  return (lambda ??= createLambdaClient(pipelineConfig().lambda));
}

export function fetchDeps(): FetchDeps {
  const c = pipelineConfig();
  return {
    fetchUsers: (request) =>
      fetchUsers(c.randomUser, request, { onRetry: (error, attempt, delayMs) => logger.warn('randomuser retry', { attempt, delayMs, error: error.message }) }),
    persist: (batch) => invokeFunction<PersistReport>(getLambda(), c.lambda.persistFunction, batch),
    log: logger,
  };
}

export function persistDeps(): PersistDeps {
  const c = pipelineConfig();
  return {
    rawUsers: postgresRawUsers(postgresPool()),
    triggerPublish: () => triggerFunction(getLambda(), c.lambda.publishFunction, { reason: 'persisted' }),
    log: logger,
  };
}

export async function publishDeps(): Promise<PublishDeps> {
  const c = pipelineConfig();
  return {
    outbox: postgresOutbox(postgresPool()),
    writer: kafkaTopicWriter(await getProducer()),
    codec: getCodec(),
    topics: c.topics,
    invocation: currentInvocation(),
    log: logger,
  };
}

export async function transformDeps(): Promise<TransformDeps> {
  return { writer: kafkaTopicWriter(await getProducer()), codec: getCodec(), topics: pipelineConfig().topics, invocation: currentInvocation(), log: logger };
}

export async function sinkDeps(): Promise<SinkDeps> {
  const [cassandraClient, kafkaProducer] = await Promise.all([getCassandra(), getProducer()]);
  const c = pipelineConfig();
  return {
    createdUsers: cassandraCreatedUsers(cassandraClient, c.cassandra.writeConcurrency),
    writer: kafkaTopicWriter(kafkaProducer),
    topics: c.topics,
    invocation: currentInvocation(),
    log: logger,
  };
}

/**
 * Closes every client this process opened. A Lambda container keeps them between invocations;
 * `sls invoke local` runs one invocation and would otherwise wait for idle sockets to time out.
 */
export async function closeClients(): Promise<void> {
  const open: Promise<unknown>[] = [];
  if (pool) open.push(pool.end());
  if (producer) open.push(producer.then((p) => p.disconnect()));
  if (cassandra) open.push(cassandra.then((c) => c.shutdown()));
  lambda?.destroy();
  pool = undefined;
  producer = undefined;
  cassandra = undefined;
  lambda = undefined;
  await Promise.allSettled(open);
}
