/** A Kafka record's value, decoded: the one check later stages make on data fetch validated. */
import type { Type } from 'avsc';
import type { KafkaRecordIn } from '../domain/kafka-records';
import { WireFormatError } from '../adapters/avro-codec';
import type { SchemaCodec } from './ports';

export async function decodeValue<T>(codec: SchemaCodec, record: KafkaRecordIn, reader: Type): Promise<T> {
  if (!record.value) throw new WireFormatError('record has no value (tombstone)');
  return codec.decode<T>(record.value, reader);
}
