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
import { createWriterCodec, type WriterCodec } from './writer-codec';

export type SchemaFailureReason = 'SCHEMA_NOT_FOUND' | 'DESERIALIZATION_ERROR';

export interface DecodedAttribute {
  /** base64, as the event carries it */
  data: string;
  metadata: SchemaMetadata;
  /** The decoded value as filter patterns see it; only kept when the mapping has patterns. */
  filterValue: unknown;
}

export interface SchemaFailure {
  reason: SchemaFailureReason;
  detail: string;
}

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** decode() before prepare() had the record's schema: fetch it, then decode again. */
export const UNPREPARED = Symbol('writer schema not fetched yet');

export function isSchemaFailure(result: DecodedAttribute | SchemaFailure): result is SchemaFailure {
  return 'reason' in result;
}

export class RecordDecoder {
  /** Writer codecs by schema id, with the metadata records of that schema share; only ids the registry knows. */
  private readonly codecs = new Map<number, { codec: WriterCodec; metadata: SchemaMetadata }>();

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
    await Promise.all(
      [...ids].map(async (id) => {
        const registered = await this.registry.schemaById(id);
        if (!registered) return;
        const codec = createWriterCodec(registered);
        this.codecs.set(id, { codec, metadata: { dataFormat: codec.dataFormat, schemaId: codec.schemaId } });
      }),
    );
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
    let data: string;
    let filterValue: unknown;
    try {
      if (this.keepFilterValue) {
        const json = codec.jsonText(bytes, HEADER_BYTES);
        filterValue = JSON.parse(json);
        data = this.format === 'JSON' ? base64Utf8(json) : bytes.toString('base64', HEADER_BYTES);
      } else if (this.format === 'JSON') {
        data = codec.jsonBase64(bytes, HEADER_BYTES);
      } else {
        codec.check(bytes, HEADER_BYTES);
        data = bytes.toString('base64', HEADER_BYTES);
      }
    } catch (error) {
      return { reason: 'DESERIALIZATION_ERROR', detail: `does not decode with ${codec.dataFormat} schema ${id}: ${(error as Error).message}` };
    }
    return { data, metadata, filterValue };
  }
}

/** Encodes through one reused buffer: a Buffer per record would be garbage the moment it is read. */
let scratch = Buffer.allocUnsafe(64 * 1024);

function base64Utf8(text: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  if (scratch.length < text.length * 3) scratch = Buffer.allocUnsafe(text.length * 3);
  return scratch.toString('base64', 0, scratch.write(text, 0, 'utf8'));
}

/** The schema id of a Confluent-framed attribute, or undefined when it is not one. */
function schemaIdOf(bytes: Buffer | null): number | undefined {
  if (bytes === null || bytes.length < HEADER_BYTES || bytes[0] !== MAGIC_BYTE) return undefined;
  return bytes.readInt32BE(1);
}

function describeHeader(bytes: Buffer): string {
  if (bytes.length < HEADER_BYTES) return `${bytes.length} bytes, shorter than the 5-byte header`;
  return `magic byte ${bytes[0]}, expected ${MAGIC_BYTE}`;
}
