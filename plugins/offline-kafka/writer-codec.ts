/**
 * Decoding with the writer's schema (the one whose id the record carries), as the event source
 * mapping does: there is no reader schema on a mapping. Avro becomes plain JSON — unions as the
 * branch's value, bytes and fixed as base64, logical types as their underlying type's value
 * (AWS does not document its rendering; README.md gives the choice). JSON Schema records are JSON
 * already; Protobuf is not decoded offline.
 */
import { Type } from 'avsc';
import type { DataFormat, RegisteredSchema } from './registry-client';

export interface WriterCodec {
  dataFormat: DataFormat;
  schemaId: string;
  /** bytes[start…] (after the Confluent header) as a value of the schema; throws when they are not one. */
  decode(bytes: Buffer, start: number): unknown;
  /** The decoded value as JSON text: what EventRecordFormat JSON delivers. */
  toJson(value: unknown, bytes: Buffer, start: number): string;
  /** The decoded value as filter patterns see it: the same JSON, as data. */
  toFilterValue(value: unknown, json: string): unknown;
}

export function createWriterCodec(registered: RegisteredSchema): WriterCodec {
  const schemaId = String(registered.id);
  switch (registered.dataFormat) {
    case 'AVRO':
      return avroCodec(registered, schemaId);
    case 'JSON':
      return {
        dataFormat: 'JSON',
        schemaId,
        decode: (bytes, start) => JSON.parse(bytes.toString('utf8', start)) as unknown,
        toJson: (_value, bytes, start) => bytes.toString('utf8', start),
        toFilterValue: (value) => value,
      };
    default:
      return unreadable(registered.dataFormat, schemaId, `${registered.dataFormat} records are not decoded offline (only AVRO and JSON)`);
  }
}

function avroCodec(registered: RegisteredSchema, schemaId: string): WriterCodec {
  let type: Type;
  try {
    // No logical types registered: each decodes as its underlying type (timestamp-millis as a number).
    type = Type.forSchema(JSON.parse(registered.schema) as Parameters<typeof Type.forSchema>[0], { wrapUnions: 'auto' });
  } catch (error) {
    return unreadable('AVRO', schemaId, `writer schema ${schemaId} is not an Avro schema avsc can read: ${(error as Error).message}`);
  }
  // Reads in place (no view of the payload per record); truncated and trailing bytes are refused.
  const decode = (bytes: Buffer, start: number): unknown => {
    const { value, offset } = type.decode(bytes, start);
    if (offset < 0) throw new Error('truncated buffer');
    if (offset < bytes.length) throw new Error('trailing data');
    return value;
  };
  if (!needsRendering(type)) {
    // The common case: JSON.stringify renders avsc's values as they are.
    return { dataFormat: 'AVRO', schemaId, decode, toJson: (value) => JSON.stringify(value), toFilterValue: (value) => value };
  }
  return {
    dataFormat: 'AVRO',
    schemaId,
    decode,
    toJson: (value) => JSON.stringify(value, renderAvroValue),
    toFilterValue: (_value, json) => JSON.parse(json) as unknown,
  };
}

function unreadable(dataFormat: DataFormat, schemaId: string, reason: string): WriterCodec {
  const fail = (): never => {
    throw new Error(reason);
  };
  return { dataFormat, schemaId, decode: fail, toJson: fail, toFilterValue: fail };
}

/**
 * A JSON.stringify replacer for what avsc decodes into shapes JSON has no form for: Buffers (bytes,
 * fixed) become base64, wrapped union branches (ambiguous unions) their value. `this[key]` is the
 * value before Buffer's own toJSON ran.
 */
function renderAvroValue(this: Record<string, unknown>, key: string, value: unknown): unknown {
  let raw = this[key];
  if (isWrappedBranch(raw)) raw = raw.unwrap();
  if (Buffer.isBuffer(raw)) return raw.toString('base64');
  return raw === this[key] ? value : raw;
}

function isWrappedBranch(value: unknown): value is { unwrap(): unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { unwrap?: unknown }).unwrap === 'function';
}

/** Whether the schema holds bytes, fixed or an ambiguous (wrapped) union anywhere. */
function needsRendering(type: Type, seen = new Set<Type>()): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  const name = type.typeName;
  if (name === 'bytes' || name === 'fixed' || name === 'union:wrapped') return true;
  return childTypes(type).some((child) => needsRendering(child, seen));
}

function childTypes(type: Type): Type[] {
  const shaped = type as unknown as { fields?: { type: Type }[]; itemsType?: Type; valuesType?: Type; types?: Type[] };
  if (shaped.fields) return shaped.fields.map((field) => field.type);
  if (shaped.itemsType) return [shaped.itemsType];
  if (shaped.valuesType) return [shaped.valuesType];
  return shaped.types ?? [];
}
