/**
 * A partition's next batch sent to the transcoding thread while the current one is invoked
 * (RecordDecoding.prefetch), against the stack's real registry and a real worker thread: the
 * decode() that follows takes the thread's answer instead of asking again, and a decode() of other
 * messages than the ones prefetched decodes those, as if nothing had been prefetched.
 */
import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { acceptAll } from '../../../plugins/offline-kafka/filter';
import { type FetchedRecord, RecordDecoding } from '../../../plugins/offline-kafka/record-decoding';
import { TranscodeWorker } from '../../../plugins/offline-kafka/transcode-worker';
import { confluentFrame, deleteSubject, REGISTRY_URL, registerSchema, USER_V1, userV1 } from './registry-support';

const topic = `test.prefetch.${randomUUID().slice(0, 8)}`;
let schemaId = 0;

/** A real transcoding thread whose requests are counted. */
class CountingWorker extends TranscodeWorker {
  requests = 0;
  override transcode(values: readonly Buffer[]): ReturnType<TranscodeWorker['transcode']> {
    this.requests++;
    return super.transcode(values);
  }
}

function messages(from: number, count: number): KafkaMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`user-${from + i}`),
    value: confluentFrame(schemaId, userV1.toBuffer({ name: `user ${from + i}`, country: 'NL', age: 20 + i })),
    offset: String(from + i),
    timestamp: String(1_700_000_000_000 + from + i),
    attributes: 0,
    headers: {},
  }));
}

const names = (records: FetchedRecord[], decoding: RecordDecoding) =>
  records.map((record) => JSON.parse(Buffer.from(decoding.toRecord(0, record).value ?? '', 'base64').toString('utf8')).name);

const worker = new CountingWorker();
let decoding: RecordDecoding;

beforeAll(async () => {
  schemaId = await registerSchema(`${topic}-value`, USER_V1);
  const settings = { uri: REGISTRY_URL, eventRecordFormat: 'JSON' as const, validate: { key: false, value: true }, access: [] };
  decoding = new RecordDecoding(topic, acceptAll, settings, undefined, { worker });
  await decoding.warm();
});

afterAll(async () => {
  await worker.close();
  await deleteSubject(`${topic}-value`).catch(() => undefined);
});

describe('the next batch transcoded ahead', () => {
  it('is what the following decode() of the same messages delivers, with no second request', async () => {
    const batch = messages(0, 50);
    decoding.prefetch(0, batch, 0, batch.length);
    expect(worker.requests).toBe(1);
    const into: FetchedRecord[] = [];
    expect(await decoding.decode(0, batch, into)).toEqual([]);
    expect(worker.requests).toBe(1);
    expect(names(into, decoding)).toEqual(batch.map((_, i) => `user ${i}`));
    expect(into.map((record) => record.offset)).toEqual(batch.map((_, i) => i));
  });

  it('is not used for other messages: those are decoded as they are', async () => {
    const fetched = messages(90, 20);
    decoding.prefetch(0, fetched, 10, 20);
    const other = messages(200, 10);
    const into: FetchedRecord[] = [];
    await decoding.decode(0, other, into);
    expect(worker.requests).toBe(3);
    expect(names(into, decoding)).toEqual(other.map((_, i) => `user ${200 + i}`));
    // The prefetch of that partition is gone: the next decode of its messages asks again.
    await decoding.decode(0, messages(100, 10), []);
    expect(worker.requests).toBe(4);
  });
});
