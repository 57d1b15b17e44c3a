/**
 * The mapping's view of fetched records: whether each passes the filters, its share of the
 * payload, and the record the function gets. With a schema registry, decode() first runs every
 * record's validated attributes through the registry (once per fetched message) and hands back the
 * ones that cannot be decoded, with their reason, for the on-failure destination; those never match,
 * so the batch goes on without them and they are committed with it. Filters see decoded attributes.
 */
import type { KafkaMessage } from 'kafkajs';
import { type KafkaRecord, toDecodedKafkaRecord, toKafkaRecord } from './event';
import { acceptAll, decodeValue, type FilterFields, type RecordFilter } from './filter';
import type { RecordView } from './partition-poller';
import { type DecodedAttribute, isSchemaFailure, RecordDecoder, type SchemaFailure, type SchemaFailureReason } from './record-decoder';
import { ConfluentRegistryClient, type SchemaSource } from './registry-client';
import type { SchemaRegistrySettings } from './schema-registry-config';

/** Records of one partition the registry could not decode, for the on-failure destination. */
export interface RejectedRecords {
  reason: SchemaFailureReason;
  messages: KafkaMessage[];
  /** One line naming each record's problem, for the log. */
  detail: string;
}

/** Where a fetched message keeps its decoding: a property, as cheap to read as any (a WeakMap is not). */
const DECODED = Symbol('offline-kafka decoded');
type DecodableMessage = KafkaMessage & { [DECODED]?: Decoded };

interface Decoded {
  key: DecodedAttribute | undefined;
  value: DecodedAttribute | undefined;
  failure: SchemaFailure | undefined;
  fields: FilterFields | undefined;
}

export class RecordDecoding implements RecordView<KafkaMessage> {
  private readonly decoder: RecordDecoder | undefined;
  /** Per partition, the highest offset already handed out as rejected: a re-fetch does not repeat it. */
  private readonly rejectedThrough = new Map<number, number>();

  constructor(
    private readonly topic: string,
    private readonly filter: RecordFilter,
    private readonly registry: SchemaRegistrySettings | undefined,
    source: SchemaSource | undefined = registry && new ConfluentRegistryClient(registry.uri),
  ) {
    this.decoder = registry && source && new RecordDecoder(source, registry.eventRecordFormat, filter !== acceptAll);
  }

  /**
   * Decodes the messages not decoded yet; returns the newly rejected ones grouped by reason.
   * Rejects with RegistryUnavailableError when the registry cannot be asked (nothing is decided).
   */
  async decode(partition: number, messages: readonly KafkaMessage[]): Promise<RejectedRecords[]> {
    const { decoder, registry } = this;
    if (!decoder || !registry) return [];
    const fresh: DecodableMessage[] = [];
    const unprepared = new Set<number>();
    for (const message of messages as DecodableMessage[]) {
      if (message[DECODED]) continue;
      fresh.push(message);
      const keyId = registry.validate.key ? decoder.unpreparedSchemaId(message.key) : undefined;
      const valueId = registry.validate.value ? decoder.unpreparedSchemaId(message.value) : undefined;
      if (keyId !== undefined) unprepared.add(keyId);
      if (valueId !== undefined) unprepared.add(valueId);
    }
    if (fresh.length === 0) return [];
    if (unprepared.size > 0) await decoder.prepare(unprepared);

    const rejected = new Map<SchemaFailureReason, RejectedRecords>();
    const through = this.rejectedThrough.get(partition) ?? -1;
    for (const message of fresh) {
      const result = this.decodeMessage(message);
      message[DECODED] = result;
      const offset = Number(message.offset);
      if (!result.failure || offset <= through) continue;
      const group = rejected.get(result.failure.reason) ?? { reason: result.failure.reason, messages: [], detail: '' };
      group.messages.push(message);
      group.detail += `${group.detail ? '; ' : ''}offset ${offset} ${result.failure.detail}`;
      rejected.set(result.failure.reason, group);
      this.rejectedThrough.set(partition, Math.max(offset, this.rejectedThrough.get(partition) ?? -1));
    }
    return [...rejected.values()];
  }

  offset(message: KafkaMessage): number {
    return Number(message.offset);
  }

  timestampMs(message: KafkaMessage): number {
    return Number(message.timestamp);
  }

  matches(message: KafkaMessage): boolean {
    const decoded = (message as DecodableMessage)[DECODED];
    if (decoded?.failure) return false;
    if (this.filter === acceptAll) return true;
    return this.filter(decoded?.fields ?? { value: decodeValue(message.value) });
  }

  /** A record's share of the event: base64 key and value, "255," per header byte, fixed fields. */
  bytes(message: KafkaMessage): number {
    const decoded = (message as DecodableMessage)[DECODED];
    let headerBytes = 0;
    const headers = message.headers;
    for (const name in headers) {
      const value = headers[name];
      if (Array.isArray(value)) for (const item of value) headerBytes += item.length;
      else headerBytes += value?.length ?? 0;
    }
    const key = decoded?.key ? decoded.key.data.length + 60 : base64Length(message.key);
    const value = decoded?.value ? decoded.value.data.length + 60 : base64Length(message.value);
    return key + value + headerBytes * 4 + 160;
  }

  toRecord(partition: number, message: KafkaMessage): KafkaRecord {
    const decoded = (message as DecodableMessage)[DECODED];
    if (!decoded || (!decoded.key && !decoded.value)) return toKafkaRecord(this.topic, partition, message);
    return toDecodedKafkaRecord(this.topic, partition, message, decoded.key, decoded.value);
  }

  private decodeMessage(message: KafkaMessage): Decoded {
    const decoder = this.decoder as RecordDecoder;
    const validate = (this.registry as SchemaRegistrySettings).validate;
    // A null attribute (no key, a tombstone) has nothing to validate and is delivered as such.
    const key = validate.key && message.key !== null ? decoder.decode(message.key) : undefined;
    if (key && isSchemaFailure(key)) return { key: undefined, value: undefined, failure: key, fields: undefined };
    const value = validate.value && message.value !== null ? decoder.decode(message.value) : undefined;
    if (value && isSchemaFailure(value)) return { key: undefined, value: undefined, failure: value, fields: undefined };
    const fields =
      this.filter === acceptAll
        ? undefined
        : {
            value: value ? value.filterValue : decodeValue(message.value),
            key: key ? key.filterValue : decodeValue(message.key),
          };
    return { key, value, failure: undefined, fields };
  }
}

function base64Length(bytes: Buffer | null): number {
  return bytes === null ? 0 : Math.ceil(bytes.length / 3) * 4;
}
