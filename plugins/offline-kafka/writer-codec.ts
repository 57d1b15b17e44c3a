/**
 * Decoding with the writer's schema (the one whose id the record carries), as the event source
 * mapping does: there is no reader schema on a mapping. Avro becomes plain JSON — unions as the
 * branch's value, bytes and fixed as base64, logical types as their underlying type's value
 * (AWS does not document its rendering; README.md gives the choice) — transcoded by avro-json.ts.
 * JSON Schema records are JSON already; Protobuf is not decoded offline.
 */
import { Type } from 'avsc';
import { compileAvroToJson, type JsonOutput } from './avro-json';
import type { DataFormat, RegisteredSchema } from './registry-client';

/** bytes[start…] (after the Confluent header) read with the writer's schema; each throws when they are not a value of it. */
export interface WriterCodec {
  dataFormat: DataFormat;
  schemaId: string;
  /** The value as JSON text (filter patterns parse it). */
  jsonText(bytes: Buffer, start: number): string;
  /** The value's JSON appended to `output` as one record (JsonOutput.append). */
  appendJson(bytes: Buffer, start: number, output: JsonOutput): void;
  /** Only the validation (EventRecordFormat SOURCE delivers the bytes themselves). */
  check(bytes: Buffer, start: number): void;
}

export function createWriterCodec(registered: RegisteredSchema): WriterCodec {
  const schemaId = String(registered.id);
  switch (registered.dataFormat) {
    case 'AVRO':
      return avroCodec(registered, schemaId);
    case 'JSON':
      return jsonSchemaCodec(schemaId);
    default:
      return unreadable(registered.dataFormat, schemaId, `${registered.dataFormat} records are not decoded offline (only AVRO and JSON)`);
  }
}

function avroCodec(registered: RegisteredSchema, schemaId: string): WriterCodec {
  try {
    // No logical types registered: each is read as its underlying type (timestamp-millis as a number).
    const type = Type.forSchema(JSON.parse(registered.schema) as Parameters<typeof Type.forSchema>[0], { wrapUnions: 'auto' });
    const json = compileAvroToJson(type);
    return { dataFormat: 'AVRO', schemaId, jsonText: json.text, appendJson: json.append, check: json.check };
  } catch (error) {
    return unreadable('AVRO', schemaId, `writer schema ${schemaId} is not an Avro schema avsc can read: ${(error as Error).message}`);
  }
}

/** JSON Schema records are JSON text already: checked, then delivered as they are. */
function jsonSchemaCodec(schemaId: string): WriterCodec {
  const jsonText = (bytes: Buffer, start: number): string => {
    const text = bytes.toString('utf8', start);
    JSON.parse(text);
    return text;
  };
  return {
    dataFormat: 'JSON',
    schemaId,
    jsonText,
    appendJson: (bytes, start, output) => {
      jsonText(bytes, start);
      output.begin();
      output.reserve(bytes.length - start);
      output.length += bytes.copy(output.buffer, output.length, start);
    },
    check: (bytes, start) => void jsonText(bytes, start),
  };
}

function unreadable(dataFormat: DataFormat, schemaId: string, reason: string): WriterCodec {
  const fail = (): never => {
    throw new Error(reason);
  };
  return { dataFormat, schemaId, jsonText: fail, appendJson: fail, check: fail };
}
