/**
 * The mapping's view of fetched records: whether each passes the filters, its share of the
 * payload, and the record the function gets. With a schema registry, decode() first runs every
 * record's validated attributes through the registry (once per fetched message) and hands back the
 * ones that cannot be decoded, with their reason, for the on-failure destination; those never match,
 * so the batch goes on without them and they are committed with it. Filters see decoded attributes.
 */
import type { KafkaMessage } from 'kafkajs';
import { type KafkaRecord, type SchemaMetadata, toDecodedKafkaRecord, toKafkaRecord } from './event';
import { acceptAll, decodeValue, type RecordFilter } from './filter';
import type { RecordView } from './partition-poller';
import { DecodedAttribute, isSchemaFailure, RecordDecoder, type SchemaFailure, type SchemaFailureReason, schemaIdOf, UNPREPARED } from './record-decoder';
import { ConfluentRegistryClient, type SchemaSource } from './registry-client';
import type { SchemaRegistrySettings } from './schema-registry-config';
import { type Transcoded, TranscodeWorker } from './transcode-worker';

/** Records of one partition the registry could not decode, for the on-failure destination. */
export interface RejectedRecords {
  reason: SchemaFailureReason;
  messages: KafkaMessage[];
  /** One line naming each record's problem, for the log. */
  detail: string;
}

/**
 * A fetched message as the mapping handles it: its offset and timestamp read once, its decoding
 * beside it (a wrapper, not a property added to kafkajs' message: that would give every message
 * a new hidden class and an out-of-object property store).
 */
export class FetchedRecord {
  constructor(
    readonly message: KafkaMessage,
    readonly offset: number,
    readonly timestampMs: number,
    readonly key: DecodedAttribute | undefined,
    readonly value: DecodedAttribute | undefined,
    /** Why the registry could not decode it: it never matches, and goes to the on-failure destination. */
    readonly failure: SchemaFailure | undefined,
    /** Whether it passes the mapping's filter patterns. */
    readonly passes: boolean,
  ) {}
}

/**
 * Values on their way through the transcoding thread: which messages (by offset, not the message
 * itself, which would keep its whole fetch response alive as long as the entry), and each one's
 * schema metadata.
 */
interface StartedTranscode {
  firstOffset: string;
  count: number;
  metadata: SchemaMetadata[];
  transcoded: Promise<Transcoded | undefined>;
}

export class RecordDecoding implements RecordView<FetchedRecord> {
  private readonly decoder: RecordDecoder | undefined;
  private readonly validateKey: boolean;
  private readonly validateValue: boolean;
  /**
   * Transcodes values on a second core where the records need nothing else of the main thread:
   * JSON delivery, the value validated (not the key), no filter patterns.
   */
  private readonly worker: TranscodeWorker | undefined;
  /** Per partition, the transcoding started ahead by prefetch() (one at a time). */
  private readonly prefetched = new Map<number, StartedTranscode>();
  /** Per partition, the highest offset already handed out as rejected: a re-fetch does not repeat it. */
  private readonly rejectedThrough = new Map<number, number>();

  constructor(
    private readonly topic: string,
    private readonly filter: RecordFilter,
    private readonly registry: SchemaRegistrySettings | undefined,
    source: SchemaSource | undefined = registry && new ConfluentRegistryClient(registry.uri),
    options: { worker?: TranscodeWorker } = {},
  ) {
    this.decoder = registry && source && new RecordDecoder(source, registry.eventRecordFormat, filter !== acceptAll);
    this.validateKey = registry?.validate.key ?? false;
    this.validateValue = registry?.validate.value ?? false;
    const transcodes = registry?.eventRecordFormat === 'JSON' && this.validateValue && !this.validateKey && filter === acceptAll;
    this.worker = transcodes && this.decoder ? (options.worker ?? TranscodeWorker.shared()) : undefined;
  }

  /**
   * Fetches the writer schemas the topic's records most likely name (the latest of `<topic>-value`
   * and `<topic>-key`, Confluent's default subjects) before the first fetch; best effort.
   */
  async warm(): Promise<void> {
    if (!this.decoder) return;
    const subjects = [...(this.validateValue ? [`${this.topic}-value`] : []), ...(this.validateKey ? [`${this.topic}-key`] : [])];
    await this.decoder.warm(subjects);
    const { worker } = this;
    if (worker) {
      for (const [id, schema] of this.decoder.preparedAvroSchemas()) worker.register(id, schema);
      await worker.ready();
    }
  }

  /**
   * The messages as records, decoded where the mapping has a schema registry, appended to `into`;
   * returns the newly rejected ones grouped by reason. Rejects with RegistryUnavailableError when
   * the registry cannot be asked (nothing is appended then).
   */
  async decode(partition: number, messages: readonly KafkaMessage[], into: FetchedRecord[]): Promise<RejectedRecords[]> {
    const { decoder, registry } = this;
    if (!decoder || !registry) {
      for (const message of messages) into.push(this.plain(message));
      return [];
    }
    if (this.worker && (await this.decodeInWorker(partition, this.worker, decoder, messages, into))) return [];
    // One pass in the common case (every schema cached); when a record names a schema not fetched
    // yet, its ids are fetched in one registry round trip and the records are decoded from there.
    const decoded: FetchedRecord[] = [];
    let waiting = -1;
    for (let i = 0; i < messages.length; i++) {
      const record = this.decodeMessage(messages[i] as KafkaMessage, false);
      if (record === UNPREPARED) {
        waiting = i;
        break;
      }
      decoded.push(record);
    }
    if (waiting >= 0) {
      const ids = new Set<number>();
      for (let i = waiting; i < messages.length; i++) {
        const message = messages[i] as KafkaMessage;
        for (const bytes of [registry.validate.key ? message.key : null, registry.validate.value ? message.value : null]) {
          const id = decoder.unpreparedSchemaId(bytes);
          if (id !== undefined) ids.add(id);
        }
      }
      await decoder.prepare(ids);
      for (let i = waiting; i < messages.length; i++) decoded.push(this.decodeMessage(messages[i] as KafkaMessage, true) as FetchedRecord);
    }
    let failed: FetchedRecord[] | undefined;
    for (const record of decoded) {
      into.push(record);
      if (record.failure) (failed ??= []).push(record);
    }
    return failed ? this.reject(partition, failed) : [];
  }

  /**
   * Starts transcoding fetched[from…to), the messages a later decode() of this partition will most
   * likely ask for (the next batch, while the current one is invoked), so the thread works while
   * this one does.
   * Only where the transcoding thread is used; a decode() of other messages ignores it.
   */
  prefetch(partition: number, fetched: readonly KafkaMessage[], from: number, to: number): void {
    if (!this.worker || !this.decoder || from >= to) return;
    const started = this.startTranscode(this.worker, this.decoder, fetched.slice(from, to));
    if (started) this.prefetched.set(partition, started);
    else this.prefetched.delete(partition);
  }

  /**
   * The messages decoded by the transcoding thread, appended to `into`; false (nothing appended)
   * when any of them must be decoded here: a null value, a schema not prepared or not yet given to
   * the thread (given now, for the next fetch), a value that does not decode, a thread that failed.
   */
  private async decodeInWorker(
    partition: number,
    worker: TranscodeWorker,
    decoder: RecordDecoder,
    messages: readonly KafkaMessage[],
    into: FetchedRecord[],
  ): Promise<boolean> {
    const ahead = this.prefetched.get(partition);
    this.prefetched.delete(partition);
    const started =
      ahead && ahead.firstOffset === messages[0]?.offset && ahead.count === messages.length ? ahead : this.startTranscode(worker, decoder, messages);
    if (!started) return false;
    const transcoded = await started.transcoded;
    if (!transcoded) return false;
    const { output, ends } = transcoded;
    const { metadata } = started;
    let start = 0;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i] as KafkaMessage;
      const end = ends[i] as number;
      const value = new DecodedAttribute(output, start, end, metadata[i] as SchemaMetadata, undefined);
      into.push(new FetchedRecord(message, Number(message.offset), Number(message.timestamp), undefined, value, undefined, true));
      start = end;
    }
    return true;
  }

  /** The messages' values sent to the thread, or undefined when any of them must be decoded here. */
  private startTranscode(worker: TranscodeWorker, decoder: RecordDecoder, messages: readonly KafkaMessage[]): StartedTranscode | undefined {
    const values: Buffer[] = [];
    const metadata: SchemaMetadata[] = [];
    // Records of a topic mostly share one writer schema: it is looked up when the id changes.
    let currentId = -1;
    let current: SchemaMetadata | undefined;
    for (const { value } of messages) {
      const id = schemaIdOf(value);
      if (id === undefined) return undefined;
      if (id !== currentId) {
        const writer = decoder.preparedAvroWriter(id);
        if (!writer) return undefined;
        if (!worker.has(id)) {
          worker.register(id, writer.schema);
          return undefined;
        }
        [currentId, current] = [id, writer.metadata];
      }
      values.push(value as Buffer);
      metadata.push(current as SchemaMetadata);
    }
    return { firstOffset: (messages[0] as KafkaMessage).offset, count: messages.length, metadata, transcoded: worker.transcode(values) };
  }

  /** The failed records not handed out yet, grouped by reason, in offset order. */
  private reject(partition: number, failed: FetchedRecord[]): RejectedRecords[] {
    const rejected = new Map<SchemaFailureReason, RejectedRecords>();
    const through = this.rejectedThrough.get(partition) ?? -1;
    for (const { message, offset, failure } of failed.sort((a, b) => a.offset - b.offset)) {
      if (offset <= through || !failure) continue;
      const group = rejected.get(failure.reason) ?? { reason: failure.reason, messages: [], detail: '' };
      group.messages.push(message);
      group.detail += `${group.detail ? '; ' : ''}offset ${offset} ${failure.detail}`;
      rejected.set(failure.reason, group);
      this.rejectedThrough.set(partition, Math.max(offset, this.rejectedThrough.get(partition) ?? -1));
    }
    return [...rejected.values()];
  }

  offset(record: FetchedRecord): number {
    return record.offset;
  }

  timestampMs(record: FetchedRecord): number {
    return record.timestampMs;
  }

  matches(record: FetchedRecord): boolean {
    return record.passes;
  }

  /** A record's share of the event: base64 key and value, "255," per header byte, fixed fields. */
  bytes(record: FetchedRecord): number {
    const { message } = record;
    let headerBytes = 0;
    const headers = message.headers;
    for (const name in headers) {
      const value = headers[name];
      if (Array.isArray(value)) for (const item of value) headerBytes += item.length;
      else headerBytes += value?.length ?? 0;
    }
    const key = record.key ? record.key.dataLength + 60 : base64Length(message.key);
    const value = record.value ? record.value.dataLength + 60 : base64Length(message.value);
    return key + value + headerBytes * 4 + 160;
  }

  toRecord(partition: number, record: FetchedRecord): KafkaRecord {
    if (!record.key && !record.value) return toKafkaRecord(this.topic, partition, record.message, record.offset, record.timestampMs);
    return toDecodedKafkaRecord(this.topic, partition, record.message, record.key, record.value, record.offset, record.timestampMs);
  }

  /** A record of a mapping without a schema registry: filters read the value's bytes as JSON where they can. */
  private plain(message: KafkaMessage): FetchedRecord {
    const passes = this.filter === acceptAll || this.filter({ value: decodeValue(message.value) });
    return new FetchedRecord(message, Number(message.offset), Number(message.timestamp), undefined, undefined, undefined, passes);
  }

  private decodeMessage(message: KafkaMessage, prepared: boolean): FetchedRecord | typeof UNPREPARED {
    const decoder = this.decoder as RecordDecoder;
    // A null attribute (no key, a tombstone) has nothing to validate and is delivered as such.
    const key = this.validateKey && message.key !== null ? decoder.decode(message.key, prepared) : undefined;
    const value = this.validateValue && message.value !== null ? decoder.decode(message.value, prepared) : undefined;
    if (key === UNPREPARED || value === UNPREPARED) return UNPREPARED;
    const offset = Number(message.offset);
    const timestampMs = Number(message.timestamp);
    const failure = key && isSchemaFailure(key) ? key : value && isSchemaFailure(value) ? value : undefined;
    if (failure) return new FetchedRecord(message, offset, timestampMs, undefined, undefined, failure, false);
    const keyAttribute = key as DecodedAttribute | undefined;
    const valueAttribute = value as DecodedAttribute | undefined;
    const passes =
      this.filter === acceptAll ||
      this.filter({
        value: valueAttribute ? valueAttribute.filterValue : decodeValue(message.value),
        key: keyAttribute ? keyAttribute.filterValue : decodeValue(message.key),
      });
    return new FetchedRecord(message, offset, timestampMs, keyAttribute, valueAttribute, undefined, passes);
  }
}

function base64Length(bytes: Buffer | null): number {
  return bytes === null ? 0 : Math.ceil(bytes.length / 3) * 4;
}
