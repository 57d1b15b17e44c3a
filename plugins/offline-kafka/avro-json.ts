/**
 * Avro binary straight to JSON text, without building the record in between: a transcoder
 * generated once per writer schema (avro-json-codegen.ts) reads the bytes and writes UTF-8 JSON
 * into a reused buffer. What it writes is exactly JSON.stringify of the decoded record as
 * writer-codec.ts renders it (unions as the branch's value, bytes and fixed as base64, logical
 * types as their underlying type); it refuses what avsc refuses (truncated or trailing bytes, a
 * long beyond 2^53). The delivery path's cost per record is this and one base64 encoding.
 */
import type { Type } from 'avsc';
import type { Input } from './avro-json-closures';
import { generateTranscoder } from './avro-json-codegen';
import { JsonOutput } from './json-output';

export { JsonOutput };

/** The Avro value at bytes[start…] as JSON; each call throws when the bytes are not a value of the schema. */
export interface AvroJson {
  text(bytes: Buffer, start: number): string;
  /** Only the check (SOURCE delivers the bytes themselves). */
  check(bytes: Buffer, start: number): void;
  /** Appends the JSON to `output` as one record (output.recordStart to output.length); on a throw, nothing stays. */
  append(bytes: Buffer, start: number, output: JsonOutput): void;
}

const NO_BYTES = Buffer.alloc(0);

export function compileAvroToJson(type: Type): AvroJson {
  const transcode = generateTranscoder(type);
  const output = new JsonOutput();
  // One input and one output per writer schema, reused: a call runs to its end before the next.
  const input: Input = { bytes: NO_BYTES, pos: 0 };
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
    } finally {
      // The record's bytes (a slice of a whole fetch) are not kept alive by an idle codec.
      input.bytes = NO_BYTES;
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
