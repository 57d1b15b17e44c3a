/**
 * MaximumRecordAgeInSeconds (60, from resources.extensions) under the real `sls offline start`: a
 * record older than that is never sent to the function; it goes to the on-failure topic with the
 * condition RecordAgeExceeded, or is dropped with a line when there is none; a failing batch is
 * retried until its records grow too old, then given up on the same way. The metrics file counts them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import type { FailureDocument } from '../../../plugins/offline-kafka/destinations';
import type { MetricsDocument } from '../../../plugins/offline-kafka/mapping-monitor';
import { committedOffsets, deliveries, eventually, json, offsetsOf, readTopic, useFixture } from './harness';

const dir = mkdtempSync(path.join(tmpdir(), 'offline-kafka-age-'));
const metricsFile = path.join(dir, 'metrics.json');
const { run, kafka, admin, producer, offline } = useFixture({
  topics: { aged: 1, 'aged-dlq': 1, 'aged-dropped': 1, ageing: 1, 'ageing-dlq': 1 },
  consumers: ['aged', 'agedDropped', 'ageing'],
  params: { metricsFile },
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const document = (message: KafkaMessage) => JSON.parse(String(message.value)) as FailureDocument;
const secondsAgo = (seconds: number) => String(Date.now() - seconds * 1000);
const mappingMetrics = (functionKey: string) => {
  const metrics = JSON.parse(readFileSync(metricsFile, 'utf8')) as MetricsDocument;
  return metrics.mappings.find((mapping) => mapping.functionKey === functionKey);
};

describe('records older than MaximumRecordAgeInSeconds', () => {
  it('never reach the function: they go to the on-failure topic as RecordAgeExceeded, and the rest is delivered', async () => {
    const topic = run.topic('aged');
    await producer.send({
      topic,
      acks: -1,
      messages: [
        json({ n: 0 }, { key: 'old-0', timestamp: secondsAgo(120) }),
        json({ n: 1 }, { key: 'old-1', timestamp: secondsAgo(90) }),
        json({ n: 2 }, { key: 'new-2' }),
        json({ n: 3 }, { key: 'new-3' }),
      ],
    });
    const dead = await readTopic(kafka, run.topic('aged-dlq'), 2);
    expect(dead.map((message) => [String(message.key), document(message).KafkaBatchInfo.recordInfo.offset])).toEqual([
      ['old-0', '0'],
      ['old-1', '1'],
    ]);
    for (const message of dead) {
      expect(document(message).requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: 0 });
    }
    await eventually(
      () => committedOffsets(admin, run.groupId('aged', 'aged'), topic),
      (offsets) => offsets[0] === 4,
    );
    expect(deliveries(run, 'aged').flatMap(offsetsOf)).toEqual([2, 3]);
    expect(offline().matching(/aged ← \S+-0: offsets 0-1 \(RecordAgeExceeded: older than MaximumRecordAgeInSeconds 60 s\) → \S+\.aged-dlq/)).toHaveLength(1);
    await eventually(
      () => mappingMetrics('aged')?.EventCount,
      (counts) => counts?.OnFailureDestinationDeliveredEventCount === 2 && counts.CommittedEventCount === 4,
    );
    expect(mappingMetrics('aged')?.EventCount).toMatchObject({ PolledEventCount: 4, InvokedEventCount: 2, DroppedEventCount: 0 });
  });

  it('are dropped with a line when the mapping has no on-failure destination', async () => {
    const topic = run.topic('aged-dropped');
    await producer.send({ topic, acks: -1, messages: [json({ n: 0 }, { timestamp: secondsAgo(61) }), json({ n: 1 })] });
    await eventually(
      () => committedOffsets(admin, run.groupId('agedDropped', 'aged-dropped'), topic),
      (offsets) => offsets[0] === 2,
    );
    expect(deliveries(run, 'agedDropped').flatMap(offsetsOf)).toEqual([1]);
    expect(offline().matching(/agedDropped ← \S+-0: dropped offsets 0-0 \(1 record\) \(RecordAgeExceeded: .*\): no on-failure destination/)).toHaveLength(1);
    await eventually(
      () => mappingMetrics('agedDropped')?.EventCount.DroppedEventCount,
      (dropped) => dropped === 1,
    );
  });

  it('end the retries of a failing batch once they are too old, with the attempts they had', async () => {
    const topic = run.topic('ageing');
    const stamped = secondsAgo(57);
    await producer.send({ topic, acks: -1, messages: [json({ poison: true }, { timestamp: stamped }), json({ n: 1 }, { timestamp: stamped })] });
    const dead = await readTopic(kafka, run.topic('ageing-dlq'), 2, 30_000);
    const attempts = deliveries(run, 'ageing');
    expect(attempts.length).toBeGreaterThan(1);
    for (const invocation of attempts) {
      expect(offsetsOf(invocation)).toEqual([0, 1]);
      // Never sent once too old.
      expect(invocation.receivedAt - Number(stamped)).toBeLessThanOrEqual(60_000);
    }
    for (const message of dead) {
      expect(document(message).requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: attempts.length });
    }
    await eventually(
      () => committedOffsets(admin, run.groupId('ageing', 'ageing'), topic),
      (offsets) => offsets[0] === 2,
    );
  });
});
