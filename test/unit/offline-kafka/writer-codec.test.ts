import { Type } from 'avsc';
import { createWriterCodec } from '../../../plugins/offline-kafka/writer-codec';

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
    { name: 'raw', type: 'bytes' },
    { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
    { name: 'colour', type: { type: 'enum', name: 'Colour', symbols: ['RED', 'GREEN'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'scores', type: { type: 'map', values: 'float' } },
  ],
};

const writer = Type.forSchema(schema as Parameters<typeof Type.forSchema>[0], { wrapUnions: 'auto' });
const sample = {
  id: '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
  at: 1_700_000_000_123,
  day: 19_675,
  nickname: 'ann',
  postcode: 1012,
  amount: { long: 7 },
  ratio: Number.NaN,
  raw: Buffer.from([1, 2, 255]),
  hash: Buffer.from('abcd'),
  colour: 'GREEN',
  tags: ['a', 'b'],
  scores: { x: 1.5 },
};

describe('createWriterCodec (AVRO)', () => {
  const codec = createWriterCodec({ id: 42, dataFormat: 'AVRO', schema: JSON.stringify(schema) });
  const payload = writer.toBuffer(sample);

  it('renders the writer-decoded record as plain JSON: unions unwrapped, bytes base64, logical types as their base type', () => {
    const value = codec.decode(payload, 0);
    const json = codec.toJson(value, payload, 0);
    expect(JSON.parse(json)).toEqual({
      id: sample.id,
      at: 1_700_000_000_123,
      day: 19_675,
      nickname: 'ann',
      postcode: 1012,
      amount: 7,
      ratio: null,
      raw: Buffer.from([1, 2, 255]).toString('base64'),
      hash: Buffer.from('abcd').toString('base64'),
      colour: 'GREEN',
      tags: ['a', 'b'],
      scores: { x: 1.5 },
    });
    expect(codec.toFilterValue(value, json)).toEqual(JSON.parse(json));
    expect(codec).toMatchObject({ dataFormat: 'AVRO', schemaId: '42' });
  });

  it('reads the record where it starts (after the Confluent header), in place', () => {
    const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 42]), payload]);
    expect(codec.decode(framed, 5)).toEqual(codec.decode(payload, 0));
  });

  it('keeps the field order of the writer schema', () => {
    const json = codec.toJson(codec.decode(payload, 0), payload, 0);
    expect(Object.keys(JSON.parse(json) as object)).toEqual(schema.fields.map((f) => f.name));
  });

  it('throws on bytes that are not a value of the schema', () => {
    expect(() => codec.decode(payload.subarray(0, 10), 0)).toThrow('truncated buffer');
    expect(() => codec.decode(Buffer.concat([payload, Buffer.from([0])]), 0)).toThrow('trailing data');
  });

  it('refuses a long beyond 2^53 rather than losing digits', () => {
    const longs = createWriterCodec({ id: 1, dataFormat: 'AVRO', schema: '"long"' });
    const beyond = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(() => longs.decode(beyond, 0)).toThrow('potential precision loss');
  });

  it('renders a schema without bytes or ambiguous unions with JSON.stringify as is', () => {
    const simple = createWriterCodec({
      id: 2,
      dataFormat: 'AVRO',
      schema: JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'n', type: ['null', 'long'] }] }),
    });
    const bytes = Type.forSchema({ type: 'record', name: 'R', fields: [{ name: 'n', type: ['null', 'long'] }] }).toBuffer({ n: 5 });
    const value = simple.decode(bytes, 0);
    expect(simple.toJson(value, bytes, 0)).toBe('{"n":5}');
    expect(simple.toFilterValue(value, '{"n":5}')).toBe(value);
  });

  it('fails every record of a writer schema avsc cannot read, with the reason', () => {
    const broken = createWriterCodec({ id: 3, dataFormat: 'AVRO', schema: '{"type":"record"}' });
    expect(() => broken.decode(Buffer.alloc(0), 0)).toThrow('writer schema 3 is not an Avro schema');
  });
});

describe('createWriterCodec (JSON, PROTOBUF)', () => {
  it('passes JSON Schema records through as their JSON text, failing on text that is not JSON', () => {
    const codec = createWriterCodec({ id: 7, dataFormat: 'JSON', schema: '{"type":"object"}' });
    const payload = Buffer.from('{"a": 1}');
    const value = codec.decode(payload, 0);
    expect(codec.toJson(value, payload, 0)).toBe('{"a": 1}');
    expect(codec.toFilterValue(value, '')).toEqual({ a: 1 });
    expect(() => codec.decode(Buffer.from('{nope'), 0)).toThrow();
  });

  it('does not decode Protobuf offline, and says so', () => {
    const codec = createWriterCodec({ id: 8, dataFormat: 'PROTOBUF', schema: 'syntax = "proto3";' });
    expect(() => codec.decode(Buffer.from([0]), 0)).toThrow('PROTOBUF records are not decoded offline');
  });
});
