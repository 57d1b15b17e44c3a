/**
 * One attribute (key or value) of a record through the schema registry, as the event source
 * mapping validates it: the Confluent wire format (magic byte 0, 4-byte schema id, then the
 * encoded record), the writer's schema fetched by id, the bytes decoded with it. A decoded
 * attribute is delivered as JSON (EventRecordFormat JSON) or as the bytes without the header
 * (SOURCE), with { dataFormat, schemaId }; one that cannot be decoded gets AWS's reason.
 */
import type { SchemaMetadata } from './event';
import type { SchemaSource } from './registry-client';
import type { EventRecordFormat } from './schema-registry-config';
import { JsonOutput } from './avro-json';
import { createWriterCodec, type WriterCodec } from './writer-codec';

export type SchemaFailureReason = 'SCHEMA_NOT_FOUND' | 'DESERIALIZATION_ERROR';

/**
 * A decoded attribute as bytes (the JSON, or the source bytes after the header) until the event is
 * built: a fetch is decoded as a whole, and a base64 string per record held that long is heap the
 * collector copies and promotes; the bytes sit in shared buffers outside the heap.
 */
export class DecodedAttribute {
  constructor(
    private readonly chunk: Buffer,
    private readonly start: number,
    private readonly end: number,
    readonly metadata: SchemaMetadata,
    /** The decoded value as filter patterns see it; only kept when the mapping has patterns. */
    readonly filterValue: unknown,
  ) {}

  /** base64, as the event carries it */
  get data(): string {
    return this.chunk.toString('base64', this.start, this.end);
  }

  /** data.length, without building it */
  get dataLength(): number {
    return Math.ceil((this.end - this.start) / 3) * 4;
  }
}

export interface SchemaFailure {
  reason: SchemaFailureReason;
  detail: string;
}

const MAGIC_BYTE = 0;
/** The Confluent wire format's header: magic byte 0, then the 4-byte schema id. */
export const HEADER_BYTES = 5;

/** decode() before prepare() had the record's schema: fetch it, then decode again. */
export const UNPREPARED = Symbol('writer schema not fetched yet');

export function isSchemaFailure(result: DecodedAttribute | SchemaFailure): result is SchemaFailure {
  return 'reason' in result;
}

export class RecordDecoder {
  /**
   * Writer codecs by schema id, with the metadata records of that schema share and, for Avro, the
   * schema's text (for the transcoding thread); only ids the registry knows.
   */
  private readonly codecs = new Map<number, { codec: WriterCodec; metadata: SchemaMetadata; avroSchema: string | undefined }>();
  /** Registry requests in flight, by schema id. */
  private readonly fetching = new Map<number, Promise<void>>();
  /** The decoded records' JSON, one after the other (EventRecordFormat JSON). */
  private readonly json = new JsonOutput(1024 * 1024);

  constructor(
    private readonly registry: SchemaSource,
    private readonly format: EventRecordFormat,
    /** Keep the decoded value for filter patterns. */
    private readonly keepFilterValue: boolean,
  ) {}

  /** The schema id an attribute names when decode() would need it fetched first (prepare()). */
  unpreparedSchemaId(bytes: Buffer | null): number | undefined {
    const id = schemaIdOf(bytes);
    return id === undefined || this.codecs.has(id) ? undefined : id;
  }

  /**
   * Fetches these writer schemas, so decode() runs without waiting; an id the registry does not
   * know stays unprepared. Rejects with RegistryUnavailableError when the registry cannot be asked.
   */
  async prepare(ids: Iterable<number>): Promise<void> {
    await Promise.all([...ids].map((id) => this.fetchSchema(id)));
  }

  /**
   * Prepares the latest schema of each subject, before any record names it: the first batch then
   * decodes without a registry round trip. Best effort: a subject the registry does not have, or a
   * registry not answering, leaves decoding to fetch by id as records arrive.
   */
  async warm(subjects: readonly string[]): Promise<void> {
    const { latestId } = this.registry;
    if (!latestId) return;
    await Promise.all(
      subjects.map(async (subject) => {
        const id = await latestId.call(this.registry, subject).catch(() => undefined);
        if (id !== undefined) await this.prepare([id]).catch(() => undefined);
      }),
    );
  }

  /** One registry request per id at a time: partitions meeting a new schema together share it. */
  private fetchSchema(id: number): Promise<void> {
    let pending = this.fetching.get(id);
    if (!pending) {
      pending = (async () => {
        const registered = await this.registry.schemaById(id);
        if (!registered) return;
        const codec = createWriterCodec(registered);
        const avroSchema = registered.dataFormat === 'AVRO' ? registered.schema : undefined;
        this.codecs.set(id, { codec, metadata: { dataFormat: codec.dataFormat, schemaId: codec.schemaId }, avroSchema });
      })().finally(() => this.fetching.delete(id));
      this.fetching.set(id, pending);
    }
    return pending;
  }

  /** Every prepared Avro writer schema, as [id, schema text]. */
  *preparedAvroSchemas(): IterableIterator<[number, string]> {
    for (const [id, { avroSchema }] of this.codecs) if (avroSchema !== undefined) yield [id, avroSchema];
  }

  /** The writer with this schema id, where its Avro schema is prepared; undefined otherwise. */
  preparedAvroWriter(id: number): { schema: string; metadata: SchemaMetadata } | undefined {
    const prepared = this.codecs.get(id);
    return prepared?.avroSchema === undefined ? undefined : { schema: prepared.avroSchema, metadata: prepared.metadata };
  }

  /**
   * Decodes one attribute. A schema id not prepared yet gives UNPREPARED, or, once `prepared` says
   * prepare() has asked the registry for it, SCHEMA_NOT_FOUND.
   */
  decode(bytes: Buffer, prepared = false): DecodedAttribute | SchemaFailure | typeof UNPREPARED {
    const id = schemaIdOf(bytes);
    if (id === undefined) {
      return { reason: 'DESERIALIZATION_ERROR', detail: `not in the Confluent wire format (${describeHeader(bytes)})` };
    }
    const writer = this.codecs.get(id);
    if (!writer) return prepared ? { reason: 'SCHEMA_NOT_FOUND', detail: `the registry has no schema with id ${id}` } : UNPREPARED;
    const { codec, metadata } = writer;
    try {
      if (this.format === 'SOURCE') {
        const filterValue = this.keepFilterValue ? JSON.parse(codec.jsonText(bytes, HEADER_BYTES)) : codec.check(bytes, HEADER_BYTES);
        return new DecodedAttribute(bytes, HEADER_BYTES, bytes.length, metadata, filterValue);
      }
      const { json } = this;
      codec.appendJson(bytes, HEADER_BYTES, json);
      const filterValue = this.keepFilterValue ? JSON.parse(json.buffer.toString('utf8', json.recordStart, json.length)) : undefined;
      return new DecodedAttribute(json.buffer, json.recordStart, json.length, metadata, filterValue);
    } catch (error) {
      return { reason: 'DESERIALIZATION_ERROR', detail: `does not decode with ${codec.dataFormat} schema ${id}: ${(error as Error).message}` };
    }
  }
}

/** The schema id of a Confluent-framed attribute, or undefined when it is not one. */
export function schemaIdOf(bytes: Buffer | null): number | undefined {
  if (bytes === null || bytes.length < HEADER_BYTES || bytes[0] !== MAGIC_BYTE) return undefined;
  return bytes.readInt32BE(1);
}

function describeHeader(bytes: Buffer): string {
  if (bytes.length < HEADER_BYTES) return `${bytes.length} bytes, shorter than the 5-byte header`;
  return `magic byte ${bytes[0]}, expected ${MAGIC_BYTE}`;
}
