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

export function isSchemaFailure(result: DecodedAttribute | SchemaFailure): result is SchemaFailure {
  return 'reason' in result;
}

export class RecordDecoder {
  /** Writer codecs by schema id; only ids the registry knows. */
  private readonly codecs = new Map<number, WriterCodec>();

  constructor(
    private readonly registry: SchemaSource,
    private readonly format: EventRecordFormat,
    /** Keep the decoded value for filter patterns. */
    private readonly keepFilterValue: boolean,
  ) {}

  /**
   * Fetches the writer schemas these attributes name that are not cached yet, so decode() runs
   * without waiting. Rejects with RegistryUnavailableError when the registry cannot be asked.
   */
  async prepare(attributes: Iterable<Buffer | null>): Promise<void> {
    const missing = new Set<number>();
    for (const bytes of attributes) {
      const id = schemaIdOf(bytes);
      if (id !== undefined && !this.codecs.has(id)) missing.add(id);
    }
    await Promise.all(
      [...missing].map(async (id) => {
        const registered = await this.registry.schemaById(id);
        if (registered) this.codecs.set(id, createWriterCodec(registered));
      }),
    );
  }

  /** Decodes one attribute; its schema must have been prepared (an unprepared id counts as unknown). */
  decode(bytes: Buffer): DecodedAttribute | SchemaFailure {
    const id = schemaIdOf(bytes);
    if (id === undefined) {
      return { reason: 'DESERIALIZATION_ERROR', detail: `not in the Confluent wire format (${describeHeader(bytes)})` };
    }
    const codec = this.codecs.get(id);
    if (!codec) return { reason: 'SCHEMA_NOT_FOUND', detail: `the registry has no schema with id ${id}` };
    const payload = bytes.subarray(HEADER_BYTES);
    let value: unknown;
    let json: string | undefined;
    try {
      value = codec.decode(payload);
      if (this.format === 'JSON' || this.keepFilterValue) json = codec.toJson(value, payload);
    } catch (error) {
      return { reason: 'DESERIALIZATION_ERROR', detail: `does not decode with ${codec.dataFormat} schema ${id}: ${(error as Error).message}` };
    }
    const data = this.format === 'JSON' ? Buffer.from(json as string, 'utf8').toString('base64') : payload.toString('base64');
    return {
      data,
      metadata: { dataFormat: codec.dataFormat, schemaId: codec.schemaId },
      filterValue: this.keepFilterValue ? codec.toFilterValue(value, json as string) : undefined,
    };
  }
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
