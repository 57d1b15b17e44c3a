/**
 * batchSize and maximumBatchingWindow as AWS applies them, and order within each partition, under
 * the real `sls offline start`.
 */
import { decodedValues, deliveries, eventually, json, offsetsOf, sleep, useFixture } from './harness';

const { run, producer } = useFixture({ topics: { batching: 1, ordered: 3 }, consumers: ['batching', 'ordered'] });

const total = (fn: string) => deliveries(run, fn).reduce((sum, i) => sum + offsetsOf(i).length, 0);

describe('batching (batchSize 5, maximumBatchingWindow 1 s)', () => {
  it('never puts more than batchSize records in an event, and fills events while records are waiting', async () => {
    const values = Array.from({ length: 23 }, (_, n) => ({ n }));
    await producer.send({ topic: run.topic('batching'), acks: -1, messages: values.map((v) => json(v)) });
    await eventually(
      () => total('batching'),
      (n) => n >= 23,
    );
    const invocations = deliveries(run, 'batching');
    expect(invocations.map((i) => offsetsOf(i).length)).toEqual([5, 5, 5, 5, 3]);
    expect(invocations.flatMap(offsetsOf)).toEqual(values.map((_, i) => i));
    expect(invocations.flatMap(decodedValues)).toEqual(values);
  });

  it('waits up to the window for a batch that is not full, then sends what arrived', async () => {
    const before = deliveries(run, 'batching').length;
    const firstProducedAt = Date.now();
    await producer.send({ topic: run.topic('batching'), acks: -1, messages: [json({ n: 'a' }), json({ n: 'b' })] });
    await sleep(400);
    await producer.send({ topic: run.topic('batching'), acks: -1, messages: [json({ n: 'c' })] });
    const [invocation] = (
      await eventually(
        () => deliveries(run, 'batching').slice(before),
        (list) => list.length >= 1,
      )
    ).slice(0, 1);
    await sleep(300);
    expect(deliveries(run, 'batching').slice(before)).toHaveLength(1);
    expect(decodedValues(invocation!)).toEqual([{ n: 'a' }, { n: 'b' }, { n: 'c' }]);
    const waited = invocation!.receivedAt - firstProducedAt;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(3000);
  });

  it('does not wait for the window once batchSize records are there', async () => {
    const before = deliveries(run, 'batching').length;
    const producedAt = Date.now();
    await producer.send({ topic: run.topic('batching'), acks: -1, messages: Array.from({ length: 5 }, (_, n) => json({ full: n })) });
    const [invocation] = await eventually(
      () => deliveries(run, 'batching').slice(before),
      (list) => list.length >= 1,
    );
    expect(offsetsOf(invocation!)).toHaveLength(5);
    expect(invocation!.receivedAt - producedAt).toBeLessThan(800);
  });
});

describe('order (3 partitions, batchSize 7)', () => {
  it('delivers each partition in offset order, one partition per event, one batch in flight per partition', async () => {
    const keys = Array.from({ length: 30 }, (_, k) => `user-${k}`);
    const messages = Array.from({ length: 90 }, (_, seq) => ({ key: keys[seq % keys.length] as string, value: JSON.stringify({ seq }) }));
    for (let i = 0; i < messages.length; i += 15) {
      await producer.send({ topic: run.topic('ordered'), acks: -1, messages: messages.slice(i, i + 15) });
    }
    await eventually(
      () => total('ordered'),
      (n) => n >= 90,
    );
    const invocations = deliveries(run, 'ordered');
    expect(total('ordered')).toBe(90);

    const byPartition = new Map<string, number[]>();
    const seqByKey = new Map<string, number[]>();
    for (const { event } of invocations) {
      const entries = Object.entries(event.records);
      expect(entries).toHaveLength(1);
      const [partitionKey, records] = entries[0]!;
      expect(records.length).toBeLessThanOrEqual(7);
      byPartition.set(partitionKey, [...(byPartition.get(partitionKey) ?? []), ...records.map((r) => r.offset)]);
      for (const r of records) {
        const key = Buffer.from(r.key, 'base64').toString();
        const { seq } = JSON.parse(Buffer.from(r.value, 'base64').toString()) as { seq: number };
        seqByKey.set(key, [...(seqByKey.get(key) ?? []), seq]);
      }
    }
    expect([...byPartition.keys()].sort()).toEqual([0, 1, 2].map((p) => `${run.topic('ordered')}-${p}`));
    for (const offsets of byPartition.values()) expect(offsets).toEqual(offsets.map((_, i) => i));
    for (const seqs of seqByKey.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
