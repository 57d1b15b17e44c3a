/**
 * patches/kafkajs+2.2.4.patch makes kafkajs cheaper per record (found with the pipeline bench's CPU
 * profile); these pin down that it changed nothing a reader can see: keys land on the partitions
 * Java's client picks, and encoded bytes are the same.
 */
import { Partitioners } from 'kafkajs';

// kafkajs' internals, which the patch touches; not part of its typed API.
const Encoder = require('kafkajs/src/protocol/encoder') as new (
  initialSize?: number,
) => {
  writeInt32(value: number): unknown;
  writeVarIntString(value: string): unknown;
  writeVarIntBytes(value: Buffer): unknown;
  buffer: Buffer;
};
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: string | Buffer) => number;

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
});
