/**
 * Kafka messages as the event source mapping delivers them with the schema registry (EventRecordFormat
 * JSON), for integration tests that call the Kafka stages directly: the offline-kafka plugin's own
 * decoding (plugins/offline-kafka/record-decoder.ts) against the stack's real registry, so what a
 * stage reads here is what it reads under `sls offline start`.
 */
import type { Context } from 'aws-lambda';
import type { KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import type { KafkaRecordIn } from '../../layers/domain/kafka-records';
import { kafkaEventReader } from '../../layers/pipeline/kafka-event';
import { buildKafkaEvent, type KafkaRecord, toDecodedKafkaRecord } from '../../plugins/offline-kafka/event';
import { isSchemaFailure, RecordDecoder, UNPREPARED } from '../../plugins/offline-kafka/record-decoder';
import { ConfluentRegistryClient } from '../../plugins/offline-kafka/registry-client';

export type TopicMessage = KafkaMessage & { partition: number };

/** The event the mapping would invoke the function with for `messages`; a record it could not decode is refused. */
export async function mappingEvent(registryUrl: string, bootstrapServers: string, topic: string, messages: TopicMessage[]) {
  const decoder = new RecordDecoder(new ConfluentRegistryClient(registryUrl), 'JSON', false);
  await decoder.prepare(messages.flatMap((m) => decoder.unpreparedSchemaId(m.value) ?? []));
  const records = messages.map((message): KafkaRecord => {
    const decoded = message.value === null ? undefined : decoder.decode(message.value, true);
    if (decoded === UNPREPARED || (decoded && isSchemaFailure(decoded))) {
      const why = decoded === UNPREPARED ? 'its writer schema was not fetched' : `${decoded.reason}: ${decoded.detail}`;
      throw new Error(`${topic}-${message.partition}@${message.offset}: the mapping would not deliver it (${why})`);
    }
    return toDecodedKafkaRecord(topic, message.partition, message, undefined, decoded);
  });
  return buildKafkaEvent({ eventSource: 'SelfManagedKafka', bootstrapServers }, records);
}

/** The records a stage gets for `messages`, read through `schema` as its handler reads them. */
export async function mappingRecords<V>(
  schema: z.ZodType<V>,
  registryUrl: string,
  bootstrapServers: string,
  topic: string,
  messages: TopicMessage[],
): Promise<KafkaRecordIn<V>[]> {
  return kafkaEventReader(schema)(await mappingEvent(registryUrl, bootstrapServers, topic, messages), {} as Context);
}
