/**
 * The transcoder of a writer schema as one generated function (as avsc generates its readers):
 * records, unions, strings, ints, longs and nulls inline, each field name's JSON written as constant
 * bytes, a one-byte varint read without a call; the other nodes (and a record met again inside
 * itself) go through avro-json-closures.ts. What it writes and refuses is exactly what the closures
 * do: the same readers and writers do the work.
 */
import type { Type } from 'avsc';
import { compile, readLength, readLong, type Transcode, writeString } from './avro-json-closures';

interface Node {
  typeName: string;
  fields?: { name: string; type: Type }[];
  types?: Type[];
}

/** Above this many bytes a constant is written with a loop over a Buffer instead of unrolled. */
const UNROLL_BYTES = 24;

export function generateTranscoder(root: Type): Transcode {
  /** Values the generated code refers to as h[i]: closures of other nodes, long constants. */
  const helpers: unknown[] = [];
  const closures = new Map<Type, Transcode>();
  const inProgress = new Set<Type>();
  const helper = (value: unknown): string => `h[${helpers.push(value) - 1}]`;
  let names = 0;
  const fresh = (prefix: string): string => `${prefix}${names++}`;

  /** Writes constant ASCII/UTF-8 text. */
  const constant = (text: string): string => {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > UNROLL_BYTES) return `out.bytes(${helper(bytes)});\n`;
    const b = fresh('b');
    const o = fresh('o');
    const writes = [...bytes].map((byte, i) => `${b}[${o}${i ? ` + ${i}` : ''}] = ${byte};`).join(' ');
    return `out.reserve(${bytes.length}); { const ${b} = out.buffer; const ${o} = out.length; ${writes} out.length = ${o} + ${bytes.length}; }\n`;
  };

  /** An expression-free statement setting `target` to the next zig-zag varint, one byte read inline. */
  const varint = (target: string, reader: 'readLong' | 'readLength'): string => {
    const x = fresh('x');
    const inline =
      reader === 'readLength'
        ? `${target} = (${x} >> 1) ^ -(${x} & 1); if (${target} < 0) throw new Error('invalid length');`
        : `${target} = (${x} >> 1) ^ -(${x} & 1);`;
    return `{ const ${x} = input.bytes[input.pos]; if (${x} < 0x80) { input.pos++; ${inline} } else ${target} = ${reader}(input); }\n`;
  };

  const node = (type: Type): string => {
    const { typeName, fields, types } = type as unknown as Node;
    switch (typeName) {
      case 'null':
        return constant('null');
      case 'int':
      case 'long': {
        const v = fresh('v');
        return `let ${v}; ${varint(v, 'readLong')}out.integer(${v});\n`;
      }
      case 'string': {
        const n = fresh('n');
        return `let ${n}; ${varint(n, 'readLength')}writeString(input, out, ${n});\n`;
      }
      case 'record':
      case 'error': {
        // A record inside itself: the closures handle recursion.
        if (inProgress.has(type)) return `${helper(closureOf(type))}(input, out);\n`;
        inProgress.add(type);
        const parts = (fields ?? []).map((field, i) => constant(`${i === 0 ? '{' : ','}${JSON.stringify(field.name)}:`) + node(field.type));
        inProgress.delete(type);
        return parts.length === 0 ? constant('{}') : `${parts.join('')}${constant('}')}`;
      }
      default:
        if (typeName.startsWith('union')) {
          const branch = fresh('u');
          const cases = (types ?? []).map((t, i) => `case ${i}: {\n${node(t)}break; }\n`).join('');
          return `let ${branch}; ${varint(branch, 'readLong')}switch (${branch}) {\n${cases}default: throw new Error('invalid union index');\n}\n`;
        }
        return `${helper(closureOf(type))}(input, out);\n`;
    }
  };

  const closureOf = (type: Type): Transcode => {
    let closure = closures.get(type);
    if (!closure) {
      closure = compile(type, new Map());
      closures.set(type, closure);
    }
    return closure;
  };

  const body = node(root);
  const factory = new Function('h', 'readLong', 'readLength', 'writeString', `return function transcode(input, out) {\n${body}};`) as (
    h: unknown[],
    long: typeof readLong,
    length: typeof readLength,
    string: typeof writeString,
  ) => Transcode;
  return factory(helpers, readLong, readLength, writeString);
}
