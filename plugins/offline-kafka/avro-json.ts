/**
 * Avro binary straight to JSON text, without building the record in between: one function per
 * schema node, compiled once per writer schema, reads the bytes and writes UTF-8 JSON into a reused
 * buffer. What it writes is exactly JSON.stringify of the decoded record as writer-codec.ts renders
 * it (unions as the branch's value, bytes and fixed as base64, logical types as their underlying
 * type); it refuses what avsc refuses (truncated or trailing bytes, a long beyond 2^53). The
 * delivery path's cost per record is this and one base64 encoding.
 */
import type { Type } from 'avsc';

/** Reads one value at `input.pos`, appending its JSON to `output`. */
type Transcode = (input: Input, output: JsonOutput) => void;

interface Input {
  bytes: Buffer;
  pos: number;
}

/**
 * Where JSON is written. A record's bytes stay in one buffer: when one runs out, the record begun
 * last moves to a new buffer and the old one is left to the records already in it, so records
 * written in a row can be kept as (buffer, start, end) without a string or a copy each.
 */
export class JsonOutput {
  buffer: Buffer;
  length = 0;
  /** Where the record being written began. */
  recordStart = 0;

  constructor(readonly chunkBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
  }

  begin(): void {
    this.recordStart = this.length;
  }

  reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const written = this.length - this.recordStart;
    const next = Buffer.allocUnsafe(Math.max(this.chunkBytes, (written + bytes) * 2));
    this.buffer.copy(next, 0, this.recordStart, this.length);
    this.buffer = next;
    this.recordStart = 0;
    this.length = written;
  }

  // Byte loops: for the few bytes of a field, cheaper than Buffer.write's or copy's call overhead.

  /** ASCII text (JSON punctuation, numbers, base64). */
  ascii(text: string): void {
    this.reserve(text.length);
    const { buffer } = this;
    for (let i = 0; i < text.length; i++) buffer[this.length++] = text.charCodeAt(i);
  }

  bytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.reserve(end - start);
    const { buffer } = this;
    for (let i = start; i < end; i++) buffer[this.length++] = bytes[i] as number;
  }

  /** An integer's decimal digits, without a string in between (a long in two int-sized halves). */
  integer(value: number): void {
    if (value < 0) {
      this.reserve(1);
      this.buffer[this.length++] = 0x2d;
      this.integer(-value);
      return;
    }
    if (value > 0x7fff_ffff) {
      const high = Math.floor(value / 1e9);
      this.integer(high);
      this.digits(value - high * 1e9, 9);
      return;
    }
    this.digits(value, 0);
  }

  /** 0 ≤ value < 2^31, left-padded with zeros to `width` digits. */
  private digits(value: number, width: number): void {
    this.reserve(10);
    const { buffer } = this;
    const start = this.length;
    let rest = value | 0;
    do {
      const next = (rest / 10) | 0;
      buffer[this.length++] = 0x30 + rest - next * 10;
      rest = next;
    } while (rest > 0 || this.length - start < width);
    for (let i = start, j = this.length - 1; i < j; i++, j--) {
      const digit = buffer[i] as number;
      buffer[i] = buffer[j] as number;
      buffer[j] = digit;
    }
  }

  utf8(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.buffer.write(text, this.length, 'utf8');
  }
}

/** The Avro value at bytes[start…] as JSON; each call throws when the bytes are not a value of the schema. */
export interface AvroJson {
  text(bytes: Buffer, start: number): string;
  /** Only the check (SOURCE delivers the bytes themselves). */
  check(bytes: Buffer, start: number): void;
  /** Appends the JSON to `output` as one record (output.recordStart to output.length); on a throw, nothing stays. */
  append(bytes: Buffer, start: number, output: JsonOutput): void;
}

export function compileAvroToJson(type: Type): AvroJson {
  const transcode = compile(type, new Map());
  const output = new JsonOutput();
  // One input and one output per writer schema, reused: a call runs to its end before the next.
  const input: Input = { bytes: output.buffer, pos: 0 };
  const append = (bytes: Buffer, start: number, into: JsonOutput): void => {
    input.bytes = bytes;
    input.pos = start;
    into.begin();
    try {
      transcode(input, into);
      if (input.pos > bytes.length) throw new Error('truncated buffer');
      if (input.pos < bytes.length) throw new Error('trailing data');
    } catch (error) {
      into.length = into.recordStart;
      throw error;
    }
  };
  const run = (bytes: Buffer, start: number): JsonOutput => {
    output.length = 0;
    append(bytes, start, output);
    return output;
  };
  return {
    text: (bytes, start) => run(bytes, start).buffer.toString('utf8', 0, output.length),
    check: (bytes, start) => void run(bytes, start),
    append,
  };
}

function compile(type: Type, named: Map<Type, Transcode>): Transcode {
  const known = named.get(type);
  if (known) return known;
  const node = type as unknown as {
    typeName: string;
    fields?: { name: string; type: Type }[];
    symbols?: string[];
    size?: number;
    itemsType?: Type;
    valuesType?: Type;
    types?: Type[];
  };
  switch (node.typeName) {
    case 'null':
      return (_input, output) => output.ascii('null');
    case 'boolean':
      return (input, output) => output.ascii(input.bytes[input.pos++] ? 'true' : 'false');
    case 'int':
    case 'long':
      return (input, output) => output.integer(readLong(input));
    case 'float':
      return (input, output) => {
        const value = input.pos + 4 <= input.bytes.length ? input.bytes.readFloatLE(input.pos) : 0;
        input.pos += 4;
        output.ascii(Number.isFinite(value) ? String(value) : 'null');
      };
    case 'double':
      return (input, output) => {
        const value = input.pos + 8 <= input.bytes.length ? input.bytes.readDoubleLE(input.pos) : 0;
        input.pos += 8;
        output.ascii(Number.isFinite(value) ? String(value) : 'null');
      };
    case 'string':
      return (input, output) => writeString(input, output, readLength(input));
    case 'bytes':
      return (input, output) => writeBase64(input, output, readLength(input));
    case 'fixed': {
      const size = node.size ?? 0;
      return (input, output) => writeBase64(input, output, size);
    }
    case 'enum': {
      const symbols = (node.symbols ?? []).map((symbol) => Buffer.from(JSON.stringify(symbol)));
      return (input, output) => {
        const symbol = symbols[readLong(input)];
        if (symbol === undefined) throw new Error('invalid enum index');
        output.bytes(symbol);
      };
    }
    case 'array': {
      const items = compile(node.itemsType as Type, named);
      return (input, output) => writeBlocks(input, output, '[', ']', (i, o) => items(i, o));
    }
    case 'map': {
      const values = compile(node.valuesType as Type, named);
      return (input, output) =>
        writeBlocks(input, output, '{', '}', (i, o) => {
          writeString(i, o, readLength(i));
          o.ascii(':');
          values(i, o);
        });
    }
    case 'record':
    case 'error':
      return compileRecord(type, node.fields ?? [], named);
    default:
      if (node.typeName.startsWith('union')) {
        const branches = (node.types ?? []).map((branch) => compile(branch, named));
        return (input, output) => {
          const branch = branches[readLong(input)];
          if (!branch) throw new Error('invalid union index');
          branch(input, output);
        };
      }
      throw new Error(`no JSON rendering for Avro type ${node.typeName}`);
  }
}

function compileRecord(type: Type, fields: { name: string; type: Type }[], named: Map<Type, Transcode>): Transcode {
  // Recursive schemas reach this record again while its fields compile: they get the forwarder.
  let body: Transcode = () => undefined;
  const forward: Transcode = (input, output) => body(input, output);
  named.set(type, forward);
  const parts = fields.map((field, index) => ({
    label: Buffer.from(`${index === 0 ? '{' : ','}${JSON.stringify(field.name)}:`),
    transcode: compile(field.type, named),
  }));
  body =
    parts.length === 0
      ? (_input, output) => output.ascii('{}')
      : (input, output) => {
          for (const part of parts) {
            output.bytes(part.label);
            part.transcode(input, output);
          }
          output.ascii('}');
        };
  return forward;
}

/** avsc's bound (2^53 - 2): beyond it a long is refused rather than rounded. */
const MAX_SAFE_LONG = 9_007_199_254_740_990;

/** Avro's zig-zag varint, as avsc reads it; a value beyond 2^53 is refused as avsc refuses it. */
function readLong(input: Input): number {
  const { bytes } = input;
  let byte = 0;
  let low = 0;
  let shift = 0;
  do {
    byte = bytes[input.pos++] ?? 0;
    low |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80 && shift < 28);
  if (!(byte & 0x80)) return (low >> 1) ^ -(low & 1);
  let value = low >>> 0;
  let factor = 268_435_456; // 2^28
  do {
    byte = bytes[input.pos++] ?? 0;
    value += (byte & 0x7f) * factor;
    factor *= 128;
  } while (byte & 0x80 && input.pos <= bytes.length);
  const decoded = value % 2 ? -(value + 1) / 2 : value / 2;
  if (Math.abs(decoded) > MAX_SAFE_LONG) throw new Error('potential precision loss');
  return decoded;
}

function readLength(input: Input): number {
  const length = readLong(input);
  if (length < 0) throw new Error('invalid length');
  return length;
}

/** ASCII without quotes, backslashes or control characters is copied as it is; anything else goes through JSON.stringify. */
function writeString(input: Input, output: JsonOutput, length: number): void {
  const { bytes, pos } = input;
  const end = pos + length;
  input.pos = end;
  if (end > bytes.length) return;
  output.reserve(length + 2);
  const { buffer } = output;
  const start = output.length;
  let at = start;
  buffer[at++] = 0x22;
  for (let i = pos; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte < 0x20 || byte >= 0x7f || byte === 0x22 || byte === 0x5c) {
      output.length = start;
      output.utf8(JSON.stringify(bytes.toString('utf8', pos, end)));
      return;
    }
    buffer[at++] = byte;
  }
  buffer[at++] = 0x22;
  output.length = at;
}

function writeBase64(input: Input, output: JsonOutput, length: number): void {
  const { bytes, pos } = input;
  input.pos = pos + length;
  if (input.pos > bytes.length) return;
  output.ascii(`"${bytes.toString('base64', pos, pos + length)}"`);
}

/** Avro's blocks: a count (negative: followed by the block's size in bytes), items, until a count of 0. */
function writeBlocks(input: Input, output: JsonOutput, open: string, close: string, item: Transcode): void {
  output.ascii(open);
  let first = true;
  for (let count = readLong(input); count !== 0 && input.pos <= input.bytes.length; count = readLong(input)) {
    if (count < 0) {
      count = -count;
      readLong(input);
    }
    for (let i = 0; i < count && input.pos <= input.bytes.length; i++) {
      if (!first) output.ascii(',');
      first = false;
      item(input, output);
    }
  }
  output.ascii(close);
}
