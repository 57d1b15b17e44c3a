/**
 * Avro values in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary).
 * Schemas are registered in a SchemaStore (the registry: adapters/schema-registry.ts; subject =
 * "<topic>-value", the TopicNameStrategy); decoding fetches the writer's schema by id once and
 * resolves it to the reader's type, so a consumer keeps working across BACKWARD-compatible changes.
 */
import { Type } from 'avsc';
import { avroTypeOptions, recordType, type AvroRecordSchema, type AvroSchema } from '../domain/avro';
import { RecordFault } from '../domain/faults';
import type { RegisteredSchema, SchemaCodec } from '../pipeline/ports';

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** Bytes that are not a value of the Confluent wire format the reader can resolve: the record's fault. */
export class WireFormatError extends RecordFault {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

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

/** Where schemas live: registered under a subject (an id back), read by id (undefined: unknown id). */
export interface SchemaStore {
  register(subject: string, schemaText: string): Promise<number>;
  schemaText(id: number): Promise<string | undefined>;
}

export class AvroCodec implements SchemaCodec {
  private readonly registered = new Map<string, Promise<RegisteredSchema>>();
  private readonly writers = new Map<number, Promise<Type>>();
  private readonly resolvers = new Map<string, ReturnType<Type['createResolver']>>();

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

  static schemaIdOf(buffer: Buffer): number {
    if (buffer.length < HEADER_BYTES || buffer.readUInt8(0) !== MAGIC_BYTE) {
      throw new WireFormatError(`not Confluent wire format (${buffer.length} bytes, first byte ${buffer.length ? buffer.readUInt8(0) : 'none'})`);
    }
    return buffer.readInt32BE(1);
  }

  /** Decodes with the writer's schema, resolved into `reader` when given. */
  async decode<T>(buffer: Buffer, reader?: Type): Promise<T> {
    const id = AvroCodec.schemaIdOf(buffer);
    const writer = await this.writerType(id);
    const body = buffer.subarray(HEADER_BYTES);
    try {
      if (!reader) return writer.fromBuffer(body) as T;
      const key = `${id}\n${reader.name ?? ''}`;
      let resolver = this.resolvers.get(key);
      if (!resolver) {
        resolver = reader.createResolver(writer);
        this.resolvers.set(key, resolver);
      }
      return reader.fromBuffer(body, resolver) as T;
    } catch (err) {
      // The bytes (or the writer's schema) are the record's fault: no retry can decode them.
      throw new WireFormatError(`undecodable Avro for schema id ${id}: ${(err as Error).message}`);
    }
  }

  private writerType(id: number): Promise<Type> {
    let entry = this.writers.get(id);
    if (!entry) {
      entry = this.store
        .schemaText(id)
        .then((text) => {
          if (text === undefined) throw new WireFormatError(`schema id ${id} does not resolve in the registry`);
          return Type.forSchema(JSON.parse(text) as AvroSchema, avroTypeOptions());
        })
        .catch((err: unknown) => {
          this.writers.delete(id);
          throw err;
        });
      this.writers.set(id, entry);
    }
    return entry;
  }
}
