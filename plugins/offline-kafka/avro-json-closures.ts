/**
 * Avro → JSON as one closure per schema node: every type, recursive schemas included. The
 * generated transcoder (avro-json-codegen.ts) inlines the common nodes and calls these for the rest;
 * the shared readers and writers live here too.
 */
import type { Type } from 'avsc';
import type { JsonOutput } from './json-output';

/** Reads one value at `input.pos`, appending its JSON to `output`. */
export type Transcode = (input: Input, output: JsonOutput) => void;

export interface Input {
  bytes: Buffer;
  pos: number;
}

export function compile(type: Type, named: Map<Type, Transcode>): Transcode {
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
export function readLong(input: Input): number {
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

export function readLength(input: Input): number {
  const length = readLong(input);
  if (length < 0) throw new Error('invalid length');
  return length;
}

/** ASCII without quotes, backslashes or control characters is copied as it is; anything else goes through JSON.stringify. */
export function writeString(input: Input, output: JsonOutput, length: number): void {
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

export function writeBase64(input: Input, output: JsonOutput, length: number): void {
  const { bytes, pos } = input;
  input.pos = pos + length;
  if (input.pos > bytes.length) return;
  output.ascii(`"${bytes.toString('base64', pos, pos + length)}"`);
}

/** Avro's blocks: a count (negative: followed by the block's size in bytes), items, until a count of 0. */
export function writeBlocks(input: Input, output: JsonOutput, open: string, close: string, item: Transcode): void {
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
