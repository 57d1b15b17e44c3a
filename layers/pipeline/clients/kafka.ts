/** The process's Kafka producer, connected on first use. */
import type { Producer } from 'kafkajs';
import { createKafka, createProducer } from '../../adapters/kafka';
import { pipelineConfig, registerClient } from './registry';

let producer: Promise<Producer> | undefined;

export function kafkaProducer(): Promise<Producer> {
  if (!producer) {
    const p = createProducer(createKafka(pipelineConfig().kafka));
    const connected = p.connect().then(() => p);
    producer = connected;
    // A failed connect must not be cached: the next invocation tries again.
    connected.catch(() => {
      if (producer === connected) producer = undefined;
    });
    registerClient(async () => {
      if (producer === connected) producer = undefined;
      await (await connected).disconnect();
    });
  }
  return producer;
}
