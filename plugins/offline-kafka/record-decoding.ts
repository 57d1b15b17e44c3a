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
import { type DecodedAttribute, isSchemaFailure, RecordDecoder, type SchemaFailure, type SchemaFailureReason, UNPREPARED } from './record-decoder';
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
  private readonly validateKey: boolean;
  private readonly validateValue: boolean;
  /** Per partition, the highest offset already handed out as rejected: a re-fetch does not repeat it. */
  private readonly rejectedThrough = new Map<number, number>();

  constructor(
    private readonly topic: string,
    private readonly filter: RecordFilter,
    private readonly registry: SchemaRegistrySettings | undefined,
    source: SchemaSource | undefined = registry && new ConfluentRegistryClient(registry.uri),
  ) {
    this.decoder = registry && source && new RecordDecoder(source, registry.eventRecordFormat, filter !== acceptAll);
    this.validateKey = registry?.validate.key ?? false;
    this.validateValue = registry?.validate.value ?? false;
  }

  /**
   * Decodes the messages not decoded yet; returns the newly rejected ones grouped by reason.
   * Rejects with RegistryUnavailableError when the registry cannot be asked (nothing is decided).
   */
  async decode(partition: number, messages: readonly KafkaMessage[]): Promise<RejectedRecords[]> {
    const { decoder, registry } = this;
    if (!decoder || !registry) return [];
    // One pass in the common case (every schema cached); records naming a schema not fetched yet
    // wait for one registry round trip and are decoded again.
    let waiting: DecodableMessage[] | undefined;
    const failed: DecodableMessage[] = [];
    for (const message of messages as DecodableMessage[]) {
      if (message[DECODED]) continue;
      const result = this.decodeMessage(message, false);
      if (result === UNPREPARED) (waiting ??= []).push(message);
      else if ((message[DECODED] = result).failure) failed.push(message);
    }
    if (waiting) {
      const ids = new Set<number>();
      for (const message of waiting) {
        for (const bytes of [registry.validate.key ? message.key : null, registry.validate.value ? message.value : null]) {
          const id = decoder.unpreparedSchemaId(bytes);
          if (id !== undefined) ids.add(id);
        }
      }
      await decoder.prepare(ids);
      for (const message of waiting) {
        const result = this.decodeMessage(message, true) as Decoded;
        if ((message[DECODED] = result).failure) failed.push(message);
      }
    }
    return failed.length === 0 ? [] : this.reject(partition, failed);
  }

  /** The failed records not handed out yet, grouped by reason, in offset order. */
  private reject(partition: number, failed: DecodableMessage[]): RejectedRecords[] {
    const rejected = new Map<SchemaFailureReason, RejectedRecords>();
    const through = this.rejectedThrough.get(partition) ?? -1;
    for (const message of failed.sort((a, b) => Number(a.offset) - Number(b.offset))) {
      const failure = message[DECODED]?.failure as SchemaFailure;
      const offset = Number(message.offset);
      if (offset <= through) continue;
      const group = rejected.get(failure.reason) ?? { reason: failure.reason, messages: [], detail: '' };
      group.messages.push(message);
      group.detail += `${group.detail ? '; ' : ''}offset ${offset} ${failure.detail}`;
      rejected.set(failure.reason, group);
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
    const key = decoded?.key ? decoded.key.dataLength + 60 : base64Length(message.key);
    const value = decoded?.value ? decoded.value.dataLength + 60 : base64Length(message.value);
    return key + value + headerBytes * 4 + 160;
  }

  toRecord(partition: number, message: KafkaMessage): KafkaRecord {
    const decoded = (message as DecodableMessage)[DECODED];
    if (!decoded || (!decoded.key && !decoded.value)) return toKafkaRecord(this.topic, partition, message);
    return toDecodedKafkaRecord(this.topic, partition, message, decoded.key, decoded.value);
  }

  private decodeMessage(message: KafkaMessage, prepared: boolean): Decoded | typeof UNPREPARED {
    const decoder = this.decoder as RecordDecoder;
    // A null attribute (no key, a tombstone) has nothing to validate and is delivered as such.
    const key = this.validateKey && message.key !== null ? decoder.decode(message.key, prepared) : undefined;
    const value = this.validateValue && message.value !== null ? decoder.decode(message.value, prepared) : undefined;
    if (key === UNPREPARED || value === UNPREPARED) return UNPREPARED;
    const failure = key && isSchemaFailure(key) ? key : value && isSchemaFailure(value) ? value : undefined;
    if (failure) return { key: undefined, value: undefined, failure, fields: undefined };
    const keyAttribute = key as DecodedAttribute | undefined;
    const valueAttribute = value as DecodedAttribute | undefined;
    const fields =
      this.filter === acceptAll
        ? undefined
        : {
            value: valueAttribute ? valueAttribute.filterValue : decodeValue(message.value),
            key: keyAttribute ? keyAttribute.filterValue : decodeValue(message.key),
          };
    return { key: keyAttribute, value: valueAttribute, failure: undefined, fields };
  }
}

function base64Length(bytes: Buffer | null): number {
  return bytes === null ? 0 : Math.ceil(bytes.length / 3) * 4;
}
