/** The process's Avro codec over the schema registry (schemas registered and fetched once). */
import type { AvroCodec } from '../../adapters/avro-codec';
import { createAvroCodec } from '../../adapters/schema-registry';
import { pipelineConfig } from './registry';

let codec: AvroCodec | undefined;

export function schemaCodec(): AvroCodec {
  return (codec ??= createAvroCodec(pipelineConfig().schemaRegistry));
}
