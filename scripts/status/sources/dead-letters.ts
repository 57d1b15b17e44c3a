/**
 * The latest records on users.dlq, read by a consumer of the status server's own (a group with a
 * random name that commits nothing, so Kafka drops it when the server stops), positioned a few
 * records before the end at start. Avro previews are decoded with the writer's schema, by the id
 * in the bytes, through the registry.
 */
import { randomUUID } from 'node:crypto';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Consumer, Kafka } from 'kafkajs';
import { type DeadLetterView, readDeadLetter } from '../dead-letter-view';

/** How many of the latest dead letters the page lists. */
export const LATEST = 20;
const PREVIEW_CHARS = 400;

export interface DeadLetterReading {
  latest: DeadLetterView[];
  /** Dead letters read since the server started (and the LATEST before), by stage and kind of reason. */
  byReason: { stage: string; reason: string; count: number }[];
}

/** Buffers (Avro bytes, fixed) as base64: JSON.stringify would spell them out byte by byte. */
function previewJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? '<bytes>' : v));
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

/** "WireFormatError: magic byte 7 …" → "WireFormatError"; a condition alone stays as it is. */
function reasonKind(reason: string): string {
  return reason.split(':')[0]!.trim();
}

export class DeadLetterTail {
  private readonly latest: DeadLetterView[] = [];
  private readonly counts = new Map<string, { stage: string; reason: string; count: number }>();
  private consumer: Consumer | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly stages: readonly string[],
    private readonly registry: SchemaRegistry,
  ) {}

  private async decodePreview(view: DeadLetterView, bytes: Buffer): Promise<void> {
    const avro = view.preview;
    if (avro.kind !== 'avro') return;
    try {
      view.preview = { kind: 'json', text: previewJson(await this.registry.decode(bytes)) };
    } catch (err) {
      view.preview = { ...avro, text: `${avro.text} (does not decode with schema id ${avro.schemaId}: ${(err as Error).message})` };
    }
  }

  private async add(view: DeadLetterView, bytes: Buffer | null): Promise<void> {
    if (bytes) await this.decodePreview(view, bytes);
    this.latest.unshift(view);
    this.latest.length = Math.min(this.latest.length, LATEST);
    const kind = reasonKind(view.reason);
    const key = `${view.stage}\n${kind}`;
    const entry = this.counts.get(key) ?? { stage: view.stage, reason: kind, count: 0 };
    entry.count += 1;
    this.counts.set(key, entry);
  }

  private async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(this.topic).finally(() => admin.disconnect());
    const consumer = this.kafka.consumer({ groupId: `tributary-status-${randomUUID()}`, allowAutoTopicCreation: false });
    try {
      await this.run(consumer, offsets);
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    this.consumer = consumer;
  }

  private async run(consumer: Consumer, offsets: { partition: number; low: string; high: string }[]): Promise<void> {
    // A consumer that gave up (kafkajs does not restart it) is replaced at the next read.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && this.consumer === consumer) this.consumer = undefined;
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const { view, recordBytes } = readDeadLetter({ ...message, partition }, this.stages);
        await this.add(view, recordBytes);
      },
    });
    for (const p of offsets) consumer.seek({ topic: this.topic, partition: p.partition, offset: String(Math.max(Number(p.low), Number(p.high) - LATEST)) });
  }

  /** The latest dead letters; starts the consumer on first use, and again after a start that failed. */
  async read(): Promise<DeadLetterReading> {
    if (!this.consumer) {
      this.starting ??= this.start().finally(() => (this.starting = undefined));
      await this.starting;
    }
    return { latest: [...this.latest], byReason: [...this.counts.values()].sort((a, b) => b.count - a.count) };
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.consumer?.disconnect();
  }
}
