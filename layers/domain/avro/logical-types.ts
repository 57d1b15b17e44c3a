/**
 * avsc has no built-in logical types; these give every Tributary reader and writer the same JS
 * values: timestamp-millis <-> Date, uuid <-> a checked string. The registry adapter must build its
 * types with avroTypeOptions too, or it would decode timestamps as plain numbers.
 */
import { Type, types } from 'avsc';
import { UUID_PATTERN } from '../validate';

export class TimestampMillisType extends types.LogicalType {
  protected override _fromValue(value: number | Date): Date {
    return new Date(value);
  }

  /** Only a Date encodes (undefined makes avsc refuse the value); an Invalid Date's NaN fails as a long. */
  protected override _toValue(value: unknown): number | undefined {
    return value instanceof Date ? value.getTime() : undefined;
  }

  protected override _resolve(writer: Type): ((value: number | Date) => Date) | undefined {
    return Type.isType(writer, 'long', 'logical:timestamp-millis') ? this._fromValue : undefined;
  }
}

export class UuidType extends types.LogicalType {
  protected override _fromValue(value: string): string {
    return value;
  }

  protected override _toValue(value: unknown): string | undefined {
    return typeof value === 'string' && UUID_PATTERN.test(value) ? value : undefined;
  }

  protected override _resolve(writer: Type): ((value: string) => string) | undefined {
    return Type.isType(writer, 'string', 'logical:uuid') ? this._fromValue : undefined;
  }
}

/**
 * Options for Type.forSchema wherever a Tributary schema becomes a type. A fresh object per call:
 * avsc keeps its registry of named types in the options, so a shared one fails on the second
 * "duplicate type name: dev.tributary.RawUser".
 */
export function avroTypeOptions() {
  return {
    logicalTypes: { 'timestamp-millis': TimestampMillisType, uuid: UuidType },
    // Our unions (["string","long"], ["null","string"]) are unambiguous, so values stay unwrapped.
    wrapUnions: 'auto' as const,
  };
}

export type AvroSchema = Parameters<typeof Type.forSchema>[0];

/** The parts of a record schema the pipeline reads (registry subjects, tests). */
export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace: string;
  doc?: string;
  fields: { name: string; type: unknown; doc?: string; default?: unknown }[];
}

export function recordType(schema: AvroRecordSchema): Type {
  return Type.forSchema(schema as AvroSchema, avroTypeOptions());
}
