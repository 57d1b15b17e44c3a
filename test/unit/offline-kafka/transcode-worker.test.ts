/**
 * The transcoding thread against the main thread's own transcoder: the same JSON for every value,
 * through a real worker thread, and undefined — so the caller decodes on its own thread and names
 * the failure — for a value that does not decode, a schema the thread was not given, or a thread
 * that is gone.
 */
import { Type } from 'avsc';
import cleanUserSchema from '../../../layers/domain/avro/clean-user.avsc.json';
import { TranscodeWorker } from '../../../plugins/offline-kafka/transcode-worker';
import { createWriterCodec } from '../../../plugins/offline-kafka/writer-codec';

const flagsSchema = {
  type: 'record',
  name: 'Flags',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'flags', type: { type: 'array', items: 'boolean' } },
  ],
};

function framed(id: number, type: Type, value: unknown): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, type.toBuffer(value)]);
}

const cleanType = Type.forSchema(cleanUserSchema as Parameters<typeof Type.forSchema>[0], { wrapUnions: 'auto' });
const flagsType = Type.forSchema(flagsSchema as Parameters<typeof Type.forSchema>[0]);
const cleanUser = (i: number) => ({ ...(cleanType.random() as object), id: `user-${i}` });

describe('TranscodeWorker', () => {
  const worker = new TranscodeWorker();
  beforeAll(async () => {
    worker.register(1, JSON.stringify(cleanUserSchema));
    worker.register(2, JSON.stringify(flagsSchema));
    expect(await worker.ready()).toBe(true);
  });
  afterAll(() => worker.close());

  it('writes the JSON the main thread writes, value after value, across writer schemas', async () => {
    const values = [
      ...Array.from({ length: 50 }, (_, i) => framed(1, cleanType, cleanUser(i))),
      // JSON six times the Avro's size: the shared output grows past its first allocation.
      framed(2, flagsType, { name: 'ü€𝄞 "quoted"', flags: Array.from({ length: 100_000 }, () => false) }),
      framed(1, cleanType, cleanUser(50)),
    ];
    const transcoded = await worker.transcode(values);
    expect(transcoded).toBeDefined();
    const { output, ends } = transcoded as NonNullable<typeof transcoded>;
    expect(ends).toHaveLength(values.length);
    const codecs = new Map([
      [1, createWriterCodec({ id: 1, dataFormat: 'AVRO', schema: JSON.stringify(cleanUserSchema) })],
      [2, createWriterCodec({ id: 2, dataFormat: 'AVRO', schema: JSON.stringify(flagsSchema) })],
    ]);
    values.forEach((value, i) => {
      const text = output.toString('utf8', i === 0 ? 0 : (ends[i - 1] as number), ends[i] as number);
      expect(text).toBe(codecs.get(value.readInt32BE(1))?.jsonText(value, 5));
    });
    expect(JSON.parse(output.toString('utf8', ends[49] as number, ends[50] as number)).flags).toHaveLength(100_000);
  });

  it('gives the chunk back undecoded when a value does not decode or names a schema it was not given', async () => {
    const good = framed(1, cleanType, cleanUser(1));
    expect(await worker.transcode([good, good.subarray(0, good.length - 3)])).toBeUndefined();
    expect(await worker.transcode([good, framed(7, flagsType, { name: 'x', flags: [] })])).toBeUndefined();
    expect(await worker.transcode([good])).toBeDefined();
  });

  it('answers undefined once its thread is gone, so every value is decoded by the caller', async () => {
    const closing = new TranscodeWorker();
    closing.register(1, JSON.stringify(cleanUserSchema));
    expect(await closing.ready()).toBe(true);
    await closing.close();
    expect(closing.has(1)).toBe(false);
    expect(await closing.transcode([framed(1, cleanType, cleanUser(1))])).toBeUndefined();
  });
});
