/**
 * Avro values in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary). Schemas
 * are registered in a SchemaStore (the registry: adapters/schema-registry.ts; subject =
 * "<topic>-value", the TopicNameStrategy). Only the producing side: the Kafka event source mapping
 * decodes with the schema registry before a stage sees a record (docs/design.md).
 */
import { recordType, type AvroRecordSchema } from '../domain/avro';
import type { RegisteredSchema, SchemaCodec } from '../pipeline/ports';

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

export class SchemaRegistrationError extends Error {
  constructor(
    readonly subject: string,
    message: string,
    readonly status?: number,
  ) {
    super(`schema for ${subject} refused: ${message}`);
    this.name = 'SchemaRegistrationError';
  }
}

export type { RegisteredSchema };

/** Where schemas live: registered under a subject, an id back. */
export interface SchemaStore {
  register(subject: string, schemaText: string): Promise<number>;
}

export class AvroCodec implements SchemaCodec {
  private readonly registered = new Map<string, Promise<RegisteredSchema>>();

  constructor(private readonly store: SchemaStore) {}

  /** Registers (or finds) the schema under the subject; cached, so it is one HTTP call per process. */
  register(subject: string, schema: AvroRecordSchema): Promise<RegisteredSchema> {
    const key = `${subject}\n${JSON.stringify(schema)}`;
    let entry = this.registered.get(key);
    if (!entry) {
      entry = this.store
        .register(subject, JSON.stringify(schema))
        .then((id) => ({ id, type: recordType(schema) }))
        .catch((err: unknown) => {
          this.registered.delete(key);
          const e = err as { message?: string; status?: number };
          throw new SchemaRegistrationError(subject, e.message ?? String(err), e.status);
        });
      this.registered.set(key, entry);
    }
    return entry;
  }

  encode(schema: RegisteredSchema, value: unknown): Buffer {
    const body = schema.type.toBuffer(value);
    const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    out.writeUInt8(MAGIC_BYTE, 0);
    out.writeInt32BE(schema.id, 1);
    body.copy(out, HEADER_BYTES);
    return out;
  }
}
