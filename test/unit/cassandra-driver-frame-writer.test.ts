/**
 * patches/cassandra-driver+4.10.0.patch: the driver's FrameWriter writes a request's body in place
 * into one buffer that grows, instead of a Buffer per field and a concatenation at the end (a
 * length's four bytes were 3 % of what the functions' process allocated). The frames must be the
 * protocol's bytes, field for field: here they are built independently, from the CQL v4 spec's
 * notation ([short], [int], [bytes], [string], [long string], [string list], [bytes map]).
 */
import { types } from 'cassandra-driver';

interface FrameWriterLike {
  bodyLength: number;
  add(buf: Buffer): void;
  writeShort(n: number): void;
  writeInt(n: number): void;
  writeLong(n: types.Long): void;
  writeBytes(b: Buffer | null | typeof types.unset): void;
  writeShortBytes(b: Buffer | null): void;
  writeByte(n: number): void;
  writeString(s: string): void;
  writeLString(s: string): void;
  writeStringList(list: string[]): void;
  writeStringMap(map: Record<string, string>): void;
  writeCustomPayload(payload: Record<string, Buffer>): void;
  write(version: number, streamId: number, flags?: number): Buffer;
}
const { FrameWriter } = require('cassandra-driver/lib/writers') as { FrameWriter: new (opcode: number) => FrameWriterLike };
const utils = require('cassandra-driver/lib/utils') as { allocBufferUnsafe: (size: number) => Buffer };

const EXECUTE = 0x0a;
const V4 = 4;

const short = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const string = (s: string) => Buffer.concat([short(Buffer.byteLength(s)), Buffer.from(s, 'utf8')]);
const longString = (s: string) => Buffer.concat([int(Buffer.byteLength(s)), Buffer.from(s, 'utf8')]);
const long = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};
const bytes = (b: Buffer) => Buffer.concat([int(b.length), b]);
/** A v3+ frame header: version, flags, stream id (2 bytes), opcode, body length. */
const header = (flags: number, streamId: number, opcode: number, bodyLength: number) => {
  const b = Buffer.alloc(9);
  b.writeUInt8(V4, 0);
  b.writeUInt8(flags, 1);
  b.writeInt16BE(streamId, 2);
  b.writeUInt8(opcode, 4);
  b.writeUInt32BE(bodyLength, 5);
  return b;
};

describe('cassandra-driver FrameWriter (patched: one growing buffer)', () => {
  it('writes every field type as the protocol lays it out', () => {
    const writer = new FrameWriter(EXECUTE);
    const blob = Buffer.from('a blob, bytes as given', 'utf8');
    writer.writeShortBytes(Buffer.from([1, 2, 3]));
    writer.writeShort(1);
    writer.writeInt(0x26);
    writer.writeByte(0x05);
    writer.writeBytes(blob);
    writer.writeBytes(null);
    writer.writeBytes(types.unset);
    writer.writeString('Zoë Þórsdóttir, 東京');
    writer.writeLString('a long string');
    writer.writeLong(types.Long.fromString('-1234567890123'));
    writer.writeStringList(['one', 'two']);
    writer.writeStringMap({ CQL_VERSION: '3.0.0' });
    writer.writeCustomPayload({ key: Buffer.from([9]) });
    writer.add(Buffer.from([0xff, 0xfe]));
    const frame = writer.write(V4, 300, 0x02);

    const body = Buffer.concat([
      short(3),
      Buffer.from([1, 2, 3]),
      short(1),
      int(0x26),
      Buffer.from([0x05]),
      bytes(blob),
      int(-1),
      int(-2),
      string('Zoë Þórsdóttir, 東京'),
      longString('a long string'),
      long(-1234567890123n),
      short(2),
      string('one'),
      string('two'),
      short(1),
      string('CQL_VERSION'),
      string('3.0.0'),
      short(1),
      string('key'),
      bytes(Buffer.from([9])),
      Buffer.from([0xff, 0xfe]),
    ]);
    expect(writer.bodyLength).toBe(body.length);
    expect(frame.toString('hex')).toBe(Buffer.concat([header(0x02, 300, EXECUTE, body.length), body]).toString('hex'));
  });

  it('grows past its first buffer without losing what it had written', () => {
    const writer = new FrameWriter(EXECUTE);
    const values = Array.from({ length: 40 }, (_, i) => Buffer.alloc(150 + i, i));
    for (const value of values) writer.writeBytes(value);
    const frame = writer.write(V4, 7);

    const body = Buffer.concat(values.map(bytes));
    expect(body.length).toBeGreaterThan(4 * 1024);
    expect(frame.equals(Buffer.concat([header(0, 7, EXECUTE, body.length), body]))).toBe(true);
  });

  it('gives every request a frame of its own', () => {
    const first = new FrameWriter(EXECUTE);
    first.writeString('first');
    const firstFrame = first.write(V4, 1);
    const copy = Buffer.from(firstFrame);
    const second = new FrameWriter(EXECUTE);
    second.writeString('second, longer');
    second.write(V4, 2);
    expect(firstFrame.equals(copy)).toBe(true);
  });

  it('refuses a value out of range as the original did', () => {
    expect(() => new FrameWriter(EXECUTE).writeShort(-1)).toThrow(/out of range/);
    expect(() => new FrameWriter(EXECUTE).writeString('x'.repeat(70_000))).toThrow(/out of range/);
  });

  it('allocates no buffer per field', () => {
    const allocBufferUnsafe = utils.allocBufferUnsafe;
    let allocations = 0;
    utils.allocBufferUnsafe = (size: number) => {
      allocations += 1;
      return allocBufferUnsafe(size);
    };
    try {
      const writer = new FrameWriter(EXECUTE);
      writer.writeShort(1);
      writer.writeInt(0x26);
      writer.writeShort(17);
      for (let i = 0; i < 17; i += 1) writer.writeBytes(Buffer.from(`value ${i}`));
      writer.writeInt(5000);
      writer.write(V4, 1);
    } finally {
      utils.allocBufferUnsafe = allocBufferUnsafe;
    }
    // The body's buffer and the header's; unpatched, one per short and int: 22.
    expect(allocations).toBe(2);
  });
});
