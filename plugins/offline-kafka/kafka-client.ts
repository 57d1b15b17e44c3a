/** The plugin's kafkajs clients: its own, so the plugin needs nothing of the project it runs in. */
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConnectionOptions } from './kafka-access';

export interface KafkaClientOptions extends KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
}

export function createKafkaClient({ brokers, clientId, ssl, sasl }: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId,
    brokers,
    ...(ssl ? { ssl } : {}),
    ...(sasl ? { sasl } : {}),
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: { retries: 3, initialRetryTime: 300, maxRetryTime: 10_000 },
    // kafkajs logs every retry as an error; the consumer logs one clear line per problem instead.
    logLevel: logLevel.NOTHING,
  });
}
