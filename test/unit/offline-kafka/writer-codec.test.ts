import { Type } from 'avsc';
import cleanUserSchema from '../../../layers/domain/avro/clean-user.avsc.json';
import rawUserSchema from '../../../layers/domain/avro/raw-user.avsc.json';
import { JsonOutput } from '../../../plugins/offline-kafka/avro-json';
import { createWriterCodec, type WriterCodec } from '../../../plugins/offline-kafka/writer-codec';

const schema = {
  type: 'record',
  name: 'Sample',
  namespace: 'test.offline',
  fields: [
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'nickname', type: ['null', 'string'], default: null },
    { name: 'postcode', type: ['string', 'long'] },
    { name: 'amount', type: ['int', 'long'] },
    { name: 'ratio', type: 'double' },
    { name: 'weight', type: 'float' },
    { name: 'raw', type: 'bytes' },
    { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
    { name: 'colour', type: { type: 'enum', name: 'Colour', symbols: ['RED', 'GREEN'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'scores', type: { type: 'map', values: 'float' } },
    { name: 'active', type: 'boolean' },
    { name: 'next', type: ['null', 'Sample'], default: null },
  ],
};

const writer = Type.forSchema(schema as Parameters<typeof Type.forSchema>[0], { wrapUnions: 'auto' });
const sample = {
  id: '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
  at: 1_700_000_000_123,
  day: 19_675,
  nickname: 'ann "the \\ best"\n',
  postcode: 1012,
  amount: { long: -7 },
  ratio: Number.NaN,
  weight: 1.5,
  raw: Buffer.from([1, 2, 255]),
  hash: Buffer.from('abcd'),
  colour: 'GREEN',
  tags: ['a', 'ü€𝄞'],
  scores: { x: 1.5 },
  active: true,
  next: null,
};

/** The rendering rules spelled out on avsc's decoding: unions unwrapped, Buffers as base64. */
function reference(type: Type, bytes: Buffer): string {
  return JSON.stringify(type.fromBuffer(bytes), function (this: Record<string, unknown>, key, value) {
    let raw = this[key];
    if (typeof raw === 'object' && raw !== null && typeof (raw as { unwrap?: unknown }).unwrap === 'function') raw = (raw as { unwrap(): unknown }).unwrap();
    if (Buffer.isBuffer(raw)) return raw.toString('base64');
    return raw === this[key] ? value : raw;
  });
}

/** The JSON appendJson writes, in an output smaller than a record (so the record moves to a new buffer). */
function appendedText(codec: WriterCodec, bytes: Buffer, start: number): string {
  const output = new JsonOutput(8);
  codec.appendJson(bytes, start, output);
  return output.buffer.toString('utf8', output.recordStart, output.length);
}

describe('createWriterCodec (AVRO)', () => {
  const codec = createWriterCodec({ id: 42, dataFormat: 'AVRO', schema: JSON.stringify(schema) });
  const payload = writer.toBuffer(sample);

  it('renders the writer-decoded record as plain JSON: unions unwrapped, bytes base64, logical types as their base type', () => {
    expect(JSON.parse(codec.jsonText(payload, 0))).toEqual({
      id: sample.id,
      at: 1_700_000_000_123,
      day: 19_675,
      nickname: 'ann "the \\ best"\n',
      postcode: 1012,
      amount: -7,
      ratio: null,
      weight: 1.5,
      raw: Buffer.from([1, 2, 255]).toString('base64'),
      hash: Buffer.from('abcd').toString('base64'),
      colour: 'GREEN',
      tags: ['a', 'ü€𝄞'],
      scores: { x: 1.5 },
      active: true,
      next: null,
    });
    expect(appendedText(codec, payload, 0)).toBe(codec.jsonText(payload, 0));
    expect(codec).toMatchObject({ dataFormat: 'AVRO', schemaId: '42' });
  });

  /** A named record used twice (inlined twice by the generated transcoder), in a union and in an array. */
  const reused = {
    type: 'record',
    name: 'Order',
    fields: [
      {
        name: 'from',
        type: {
          type: 'record',
          name: 'Place',
          fields: [
            { name: 'city', type: 'string' },
            { name: 'zip', type: ['null', 'int', 'string'] },
          ],
        },
      },
      { name: 'to', type: ['null', 'Place'] },
      { name: 'stops', type: { type: 'array', items: 'Place' } },
      { name: 'empty', type: { type: 'record', name: 'Nothing', fields: [] } },
    ],
  };

  it.each([
    ['every type', schema],
    ['a named record used again, in a union and an array', reused],
    ["Tributary's raw user", rawUserSchema],
    ["Tributary's clean user", cleanUserSchema],
  ])('writes exactly what JSON.stringify writes for the decoded record, for any value of %s', (_name, avsc) => {
    const type = Type.forSchema(avsc as Parameters<typeof Type.forSchema>[0], { wrapUnions: 'auto' });
    const anyCodec = createWriterCodec({ id: 9, dataFormat: 'AVRO', schema: JSON.stringify(avsc) });
    for (let i = 0; i < 300; i++) {
      const bytes = type.toBuffer(type.random());
      expect(anyCodec.jsonText(bytes, 0)).toBe(reference(type, bytes));
    }
  });

  it('reads the record where it starts (after the Confluent header), keeping the writer schema field order', () => {
    const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 42]), payload]);
    expect(codec.jsonText(framed, 5)).toBe(codec.jsonText(payload, 0));
    expect(Object.keys(JSON.parse(codec.jsonText(payload, 0)) as object)).toEqual(schema.fields.map((f) => f.name));
  });

  it('refuses bytes that are not a value of the schema, in every form', () => {
    for (const bad of [payload.subarray(0, 10), Buffer.concat([payload, Buffer.from([0])])]) {
      expect(() => codec.jsonText(bad, 0)).toThrow(/truncated buffer|trailing data/);
      const output = new JsonOutput(8);
      expect(() => codec.appendJson(bad, 0, output)).toThrow(/truncated buffer|trailing data/);
      expect(output.length).toBe(0);
      expect(() => codec.check(bad, 0)).toThrow(/truncated buffer|trailing data/);
    }
    expect(() => codec.check(payload, 0)).not.toThrow();
  });

  it('refuses a long beyond 2^53 rather than losing digits, as avsc does', () => {
    const longs = createWriterCodec({ id: 1, dataFormat: 'AVRO', schema: '"long"' });
    const beyond = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(() => Type.forSchema('long').fromBuffer(beyond)).toThrow('potential precision loss');
    expect(() => longs.jsonText(beyond, 0)).toThrow('potential precision loss');
    expect(longs.jsonText(Type.forSchema('long').toBuffer(-(2 ** 52 - 1)), 0)).toBe(String(-(2 ** 52 - 1)));
  });

  it('fails every record of a writer schema avsc cannot read, with the reason', () => {
    const broken = createWriterCodec({ id: 3, dataFormat: 'AVRO', schema: '{"type":"record"}' });
    expect(() => broken.check(Buffer.alloc(0), 0)).toThrow('writer schema 3 is not an Avro schema');
  });
});

describe('createWriterCodec (JSON, PROTOBUF)', () => {
  it('passes JSON Schema records through as their JSON text, failing on text that is not JSON', () => {
    const codec = createWriterCodec({ id: 7, dataFormat: 'JSON', schema: '{"type":"object"}' });
    const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), Buffer.from('{"a": 1}')]);
    expect(codec.jsonText(framed, 5)).toBe('{"a": 1}');
    expect(appendedText(codec, framed, 5)).toBe('{"a": 1}');
    expect(() => codec.check(Buffer.from('{nope'), 0)).toThrow();
  });

  it('does not decode Protobuf offline, and says so', () => {
    const codec = createWriterCodec({ id: 8, dataFormat: 'PROTOBUF', schema: 'syntax = "proto3";' });
    expect(() => codec.check(Buffer.from([0]), 0)).toThrow('PROTOBUF records are not decoded offline');
  });
});

describe('numbers', () => {
  it('writes every long JSON.stringify would, digits included', () => {
    const codec = createWriterCodec({ id: 10, dataFormat: 'AVRO', schema: '"long"' });
    const type = Type.forSchema('long');
    for (const value of [
      0,
      7,
      -7,
      2 ** 31 - 1,
      2 ** 31,
      -(2 ** 31),
      1_000_000_000,
      1_700_000_000_123,
      1_000_000_000_000_000,
      -(2 ** 52 - 1),
      2 ** 52,
      123_000_000_007,
    ]) {
      expect(codec.jsonText(type.toBuffer(value), 0)).toBe(JSON.stringify(value));
    }
  });
});

describe('JsonOutput', () => {
  it('keeps each appended record where it was written when a later one moves to a new buffer', () => {
    const codec = createWriterCodec({ id: 1, dataFormat: 'AVRO', schema: '"string"' });
    const output = new JsonOutput(16);
    const written: { buffer: Buffer; start: number; end: number; text: string }[] = [];
    for (const text of ['first', 'second record', 'third, longer than the first buffer']) {
      codec.appendJson(Type.forSchema('string').toBuffer(text), 0, output);
      written.push({ buffer: output.buffer, start: output.recordStart, end: output.length, text });
    }
    expect(written[0]?.buffer).not.toBe(written[2]?.buffer);
    for (const { buffer, start, end, text } of written) expect(buffer.toString('utf8', start, end)).toBe(JSON.stringify(text));
  });
});
