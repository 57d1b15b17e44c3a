/**
 * patches/kafkajs+2.2.4.patch makes kafkajs cheaper per record (found with the pipeline bench's CPU
 * profile); these pin down that it changed nothing a reader can see: keys land on the partitions
 * Java's client picks, and encoded bytes are the same.
 */
import { Partitioners } from 'kafkajs';

// kafkajs' internals, which the patch touches; not part of its typed API.
interface EncoderInstance {
  writeInt32(value: number): unknown;
  writeInt8(value: number): unknown;
  writeVarIntString(value: string): unknown;
  writeVarIntBytes(value: Buffer): unknown;
  writeVarInt(value: number): unknown;
  writeVarLong(value: number | string): unknown;
  writeVarIntArray(array: EncoderInstance[]): unknown;
  buffer: Buffer;
}
const Encoder = require('kafkajs/src/protocol/encoder') as (new (
  initialSize?: number,
) => EncoderInstance) & {
  sizeOfVarInt(value: number): number;
  sizeOfVarLong(value: number | string): number;
};
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: {
  offsetDelta?: number;
  timestampDelta?: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, string | Buffer | (string | Buffer)[]>;
}) => EncoderInstance;
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (
  decoder: unknown,
  batchContext: { firstOffset: string; firstTimestamp: string; maxTimestamp?: string; timestampType?: number },
) => { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]> };
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const Header = require('kafkajs/src/protocol/recordBatch/header/v0') as (header: { key: string; value: string | Buffer }) => EncoderInstance;
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: string | Buffer) => number;
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;
type Message = { key: string; value: string | null };
type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: Message }) => number;
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition') as (args: {
  topic: string;
  partitionMetadata: unknown[];
  messages: Message[];
  partitioner: Partitioner;
}) => Record<number, Message[]>;

/** org.apache.kafka.common.utils.UtilsTest#testMurmur2: Java's murmur2 of these keys. */
const JAVA_MURMUR2: [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

describe('kafkajs as patched', () => {
  it("hashes keys as Java's Utils.murmur2, for every length modulo 4", () => {
    for (const [key, hash] of JAVA_MURMUR2) expect([key, murmur2(key)]).toEqual([key, hash]);
    expect(murmur2(Buffer.from('abc'))).toBe(479470107);
  });

  it("DefaultPartitioner puts a key on Java's partition: toPositive(murmur2(key)) % partitions", () => {
    const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    const partition = Partitioners.DefaultPartitioner();
    for (const [key, hash] of JAVA_MURMUR2) {
      expect(partition({ topic: 'users.raw', partitionMetadata, message: { key, value: null } })).toBe((hash & 0x7fffffff) % 6);
    }
  });

  it('encodes exactly the bytes written, however the buffer grows', () => {
    const encoder = new Encoder(2);
    encoder.writeInt32(0x01020304);
    encoder.writeVarIntString('batch_id');
    encoder.writeVarIntBytes(Buffer.alloc(3000, 7));
    const bytes = encoder.buffer;
    expect(bytes.length).toBe(4 + 1 + 8 + 2 + 3000);
    expect([...bytes.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(bytes.subarray(5, 13).toString()).toBe('batch_id');
    expect(bytes.subarray(15).every((b) => b === 7)).toBe(true);
  });

  it("groups a send's messages per partition, each partition's in the order sent", () => {
    const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 0 }));
    const partitioner: Partitioner = ({ message }) => (murmur2(message.key) & 0x7fffffff) % 6;
    const messages = Array.from({ length: 1000 }, (_, i) => ({ key: `user-${i}`, value: `${i}` }));
    const grouped = groupMessagesPerPartition({ topic: 'users.raw', partitionMetadata, messages, partitioner });
    const expected: Record<number, Message[]> = {};
    for (const message of messages) (expected[partitioner({ topic: 'users.raw', partitionMetadata, message })] ??= []).push(message);
    expect(grouped).toEqual(expected);
    expect(Object.keys(grouped)).toHaveLength(6);
    expect(Object.values(grouped).flat()).toHaveLength(1000);
    expect(groupMessagesPerPartition({ topic: 'users.raw', partitionMetadata: [], messages, partitioner })).toEqual({});
  });

  /** Kafka's varint and varlong: zigzag, then LEB128 of the unsigned 64-bit value (KIP-98). */
  function leb128ZigZag(value: bigint): number[] {
    let unsigned = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
    const bytes: number[] = [];
    while (unsigned >= 0x80n) {
      bytes.push(Number(unsigned & 0x7fn) | 0x80);
      unsigned >>= 7n;
    }
    bytes.push(Number(unsigned));
    return bytes;
  }

  it('writes and sizes varints and varlongs as Kafka defines them, in place', () => {
    expect(leb128ZigZag(300n)).toEqual([0xd8, 0x04]);
    const ints = [0, 1, -1, 63, -64, 64, 127, 128, 300, -300, 2 ** 20, 123456789, -987654, 2 ** 31 - 1, -(2 ** 31)];
    for (const value of ints) {
      const encoder = new Encoder(1);
      encoder.writeVarInt(value);
      expect([value, [...encoder.buffer]]).toEqual([value, leb128ZigZag(BigInt(value))]);
      expect(Encoder.sizeOfVarInt(value)).toBe(encoder.buffer.length);
    }
    const longs = [...ints, 2 ** 31, 2 ** 32, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, '9223372036854775807', '-9223372036854775808'];
    for (const value of longs) {
      const encoder = new Encoder(1);
      encoder.writeInt8(7);
      encoder.writeVarLong(value);
      expect([value, [...encoder.buffer]]).toEqual([value, [7, ...leb128ZigZag(BigInt(value))]]);
      expect(Encoder.sizeOfVarLong(value)).toBe(encoder.buffer.length - 1);
    }
  });

  it("encodes a record with its headers as kafkajs' own composition did, byte for byte", () => {
    const records: Parameters<typeof encodeRecord>[0][] = [
      { offsetDelta: 3, timestampDelta: 1234, key: 'user-1', value: Buffer.alloc(3000, 9), headers: { batch_id: 'b-1', source: ['x', Buffer.from('yz')] } },
      { key: null, value: 'short', headers: {} },
      { offsetDelta: 999, timestampDelta: 2 ** 40, key: Buffer.from('k'), value: null },
    ];
    for (const record of records) {
      const headers = Object.entries(record.headers ?? {}).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => ({ key, value: v })));
      const body = new Encoder();
      body.writeInt8(0);
      body.writeVarLong(record.timestampDelta ?? 0);
      body.writeVarInt(record.offsetDelta ?? 0);
      body.writeVarIntBytes(record.key as Buffer);
      body.writeVarIntBytes(record.value as Buffer);
      body.writeVarIntArray(headers.map(Header));
      const expected = new Encoder();
      expected.writeVarInt(body.buffer.length);
      expect([...encodeRecord(record).buffer]).toEqual([...expected.buffer, ...body.buffer]);
    }
  });

  /** CRC-32C bit by bit (reflected Castagnoli polynomial): the definition, not a table. */
  function crc32CBitwise(bytes: Buffer): number {
    let crc = 0xffffffff;
    for (const byte of bytes) {
      crc ^= byte;
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
  }

  it("checksums a record batch as CRC-32C: RFC 3720's vectors and every length's tail", () => {
    const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(crc32C(Buffer.alloc(32, 0x00))).toBe(0x8a9136aa);
    expect(crc32C(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32C(ascending)).toBe(0x46dd794e);
    expect(crc32C(Buffer.from(ascending).reverse())).toBe(0x113fdb5c);
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32C(Buffer.alloc(0))).toBe(0);
    // Eight bytes at a time, then the rest: lengths 0–40 cover every remainder, at any offset of a larger buffer.
    const bytes = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff));
    for (let length = 0; length <= 40; length++) {
      for (const start of [0, 3]) {
        const slice = bytes.subarray(start, start + length);
        expect([length, start, crc32C(slice)]).toEqual([length, start, crc32CBitwise(slice)]);
      }
    }
  });

  it("decodes a record's offset, timestamp and headers exactly, at any magnitude", () => {
    const cases: { firstOffset: string; firstTimestamp: string; offsetDelta: number; timestampDelta: number | string }[] = [
      { firstOffset: '0', firstTimestamp: '1765000000000', offsetDelta: 0, timestampDelta: 0 },
      { firstOffset: '123456', firstTimestamp: '1765000000000', offsetDelta: 999, timestampDelta: 1234 },
      { firstOffset: '5', firstTimestamp: '1765000000000', offsetDelta: 1, timestampDelta: -250 },
      { firstOffset: '999999999999999', firstTimestamp: '-1', offsetDelta: 2 ** 31 - 1, timestampDelta: 2 ** 48 },
      { firstOffset: '9007199254740993', firstTimestamp: '9007199254740993', offsetDelta: 7, timestampDelta: 2 ** 50 },
      { firstOffset: '9223372036854775000', firstTimestamp: '1765000000000', offsetDelta: 807, timestampDelta: '-9223372036854775808' },
    ];
    for (const { firstOffset, firstTimestamp, offsetDelta, timestampDelta } of cases) {
      const headers = { batch_id: 'b-1', repeated: ['x', 'y', 'z'] };
      const bytes = encodeRecord({ offsetDelta, timestampDelta: timestampDelta as number, key: 'k', value: 'v', headers }).buffer;
      const decoder = new Decoder(bytes) as { readVarInt(): number };
      decoder.readVarInt(); // the record's length, read by the batch decoder before it
      const record = decodeRecord(decoder, { firstOffset, firstTimestamp });
      expect([record.offset, record.timestamp]).toEqual([
        (BigInt(firstOffset) + BigInt(offsetDelta)).toString(),
        BigInt.asIntN(64, BigInt(firstTimestamp) + BigInt(timestampDelta)).toString(),
      ]);
      expect(record.key?.toString()).toBe('k');
      expect(Object.keys(record.headers)).toEqual(['batch_id', 'repeated']);
      expect((record.headers.repeated as Buffer[]).map(String)).toEqual(['x', 'y', 'z']);
      expect(String(record.headers.batch_id)).toBe('b-1');
    }
  });
});
