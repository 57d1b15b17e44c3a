/**
 * A users.dlq record as the status page shows it: when, which stage, why, where the record came
 * from, and a preview of its bytes. Two shapes are read: AWS's on-failure record (a JSON document:
 * the record in `payload.records`, why in `requestContext.condition` and `responsePayload`), which
 * the stages and the event source mapping write (docs/dead-letters.md), and the earlier envelope
 * (the record's bytes as the value, why in `reason`/`stage`/`source_*` headers) that older records
 * on the topic still have. Pure: the caller decodes Avro previews through the registry.
 */

export interface DeadLetterMessage {
  partition: number;
  offset: string;
  /** Kafka's timestamp, ms since the epoch as text (kafkajs' shape). */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** What the dead-lettered record's bytes look like. */
export type Preview =
  | { kind: 'json'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; text: string }
  | { kind: 'none'; text: string }
  /** Confluent wire format: the caller decodes it with the writer's schema, by id. */
  | { kind: 'avro'; schemaId: number; text: string };

export interface DeadLetterView {
  /** Where it sits on users.dlq. */
  partition: number;
  offset: string;
  failedAt: string;
  stage: string;
  /** The condition (RecordRejected, RetriesExhausted, SCHEMA_NOT_FOUND, …) or the envelope's stage. */
  condition: string;
  reason: string;
  source: { topic: string; partition: number; offset: string } | undefined;
  key: string | null;
  preview: Preview;
}

const PREVIEW_CHARS = 400;

function header(message: DeadLetterMessage, name: string): string | undefined {
  const raw = message.headers?.[name];
  const one = Array.isArray(raw) ? raw[0] : raw;
  return one === undefined ? undefined : one.toString();
}

function clip(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

/** Printable UTF-8, allowing ordinary whitespace: shown as text rather than hex. */
function printable(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  return !text.includes('\uFFFD') && !/[\u0000-\u0008\u000E-\u001F]/.test(text);
}

export function previewOf(bytes: Buffer | null): Preview {
  if (bytes === null || bytes.length === 0) return { kind: 'none', text: '(no value)' };
  // Magic byte 0 and a 4-byte schema id: the Confluent wire format the pipeline's topics carry.
  if (bytes[0] === 0 && bytes.length >= 5) return { kind: 'avro', schemaId: bytes.readInt32BE(1), text: bytes.subarray(0, 48).toString('hex') };
  const text = bytes.toString('utf8');
  if (/^\s*[{[]/.test(text)) {
    try {
      return { kind: 'json', text: clip(JSON.stringify(JSON.parse(text))) };
    } catch {
      // Not JSON after all: shown as text or bytes below.
    }
  }
  if (printable(text)) return { kind: 'text', text: clip(text) };
  return { kind: 'bytes', text: `${bytes.subarray(0, 48).toString('hex')}${bytes.length > 48 ? '…' : ''} (${bytes.length} bytes)` };
}

/** `arn:…:function:tributary-dev-transform` → `transform`, when it names one of `stages`. */
function stageOfArn(functionArn: string | undefined, stages: readonly string[]): string {
  const name = functionArn?.split(':function:')[1]?.split(':')[0] ?? functionArn ?? '?';
  return stages.find((stage) => name.endsWith(`-${stage}`)) ?? name;
}

interface OnFailureRecord {
  requestContext?: { condition?: string; functionArn?: string };
  responsePayload?: { errorType?: string; errorMessage?: string };
  responseContext?: { functionError?: string } | null;
  timestamp?: string;
  payload?: { records?: Record<string, { topic?: string; partition?: number; offset?: number | string; key?: string | null; value?: string | null }[]> };
}

/** A dead letter's view, and the dead-lettered record's own bytes (for an Avro preview). */
export interface DeadLetter {
  view: DeadLetterView;
  recordBytes: Buffer | null;
}

function fromOnFailureRecord(message: DeadLetterMessage, doc: OnFailureRecord, stages: readonly string[]): DeadLetter {
  const record = Object.values(doc.payload?.records ?? {}).flat()[0];
  const condition = doc.requestContext?.condition ?? '?';
  const error = doc.responsePayload;
  const recordBytes = record?.value ? Buffer.from(record.value, 'base64') : null;
  const view: DeadLetterView = {
    partition: message.partition,
    offset: message.offset,
    failedAt: doc.timestamp ?? new Date(Number(message.timestamp)).toISOString(),
    stage: stageOfArn(doc.requestContext?.functionArn, stages),
    condition,
    reason: error?.errorMessage ? `${error.errorType ?? 'Error'}: ${error.errorMessage}` : condition,
    source: record?.topic === undefined ? undefined : { topic: record.topic, partition: Number(record.partition), offset: String(record.offset) },
    key: record?.key ? Buffer.from(record.key, 'base64').toString('utf8') : null,
    preview: previewOf(recordBytes),
  };
  return { view, recordBytes };
}

function fromHeaders(message: DeadLetterMessage): DeadLetter {
  const topic = header(message, 'source_topic');
  const stage = header(message, 'stage') ?? '?';
  const view: DeadLetterView = {
    partition: message.partition,
    offset: message.offset,
    failedAt: header(message, 'failed_at') ?? new Date(Number(message.timestamp)).toISOString(),
    stage,
    condition: stage,
    reason: header(message, 'reason') ?? '(no reason given)',
    source:
      topic === undefined ? undefined : { topic, partition: Number(header(message, 'source_partition') ?? 0), offset: header(message, 'source_offset') ?? '?' },
    key: message.key?.toString('utf8') ?? null,
    preview: previewOf(message.value),
  };
  return { view, recordBytes: message.value };
}

function onFailureDocument(value: Buffer | null): OnFailureRecord | undefined {
  if (value === null || value[0] !== 0x7b) return undefined;
  try {
    const doc = JSON.parse(value.toString('utf8')) as OnFailureRecord;
    return doc.requestContext !== undefined && doc.payload !== undefined ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** `stages`: the function keys, to name the stage from the failing function's ARN. */
export function readDeadLetter(message: DeadLetterMessage, stages: readonly string[]): DeadLetter {
  const doc = onFailureDocument(message.value);
  return doc ? fromOnFailureRecord(message, doc, stages) : fromHeaders(message);
}
