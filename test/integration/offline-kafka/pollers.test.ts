/**
 * Provisioned-mode pollers and metrics under the real `sls offline start`: the `scaled` mapping
 * (ProvisionedPollerConfig 1–3, 4 partitions, BatchSize 10, MetricsConfig with every group) starts
 * one poller, adds pollers — members of its consumer group — while a backlog waits, and removes them
 * one at a time as it drains, each after SCALE_DOWN_READINGS readings that wanted fewer. Its metrics
 * appear in a line per interval and in the file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MetricsDocument } from '../../../plugins/offline-kafka/mapping-monitor';
import { BATCHES_PER_POLLER } from '../../../plugins/offline-kafka/poller-scaling';
import { committedOffsets, deliveries, eventually, json, offsetsOf, useFixture } from './harness';

const dir = mkdtempSync(path.join(tmpdir(), 'offline-kafka-pollers-'));
const metricsFile = path.join(dir, 'metrics.json');
const { run, admin, producer, offline } = useFixture({ topics: { scaled: 4 }, consumers: ['scaled'], params: { metricsFile } });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RECORDS = 400;
const groupId = () => run.groupId('scaled', 'scaled');
const members = async () => (await admin.describeGroups([groupId()])).groups[0]?.members.length ?? 0;
const scaledStatus = () =>
  existsSync(metricsFile) ? (JSON.parse(readFileSync(metricsFile, 'utf8')) as MetricsDocument).mappings.find((m) => m.functionKey === 'scaled') : undefined;

describe('pollers between MinimumPollers and MaximumPollers', () => {
  it('starts with MinimumPollers group members', async () => {
    await eventually(members, (count) => count === 1);
    await eventually(scaledStatus, (status) => status?.state === 'consuming' && status.pollers.current === 1);
    expect(scaledStatus()?.pollers).toEqual({ current: 1, minimum: 1, maximum: 3, provisioned: true });
  });

  it('adds pollers under a backlog, up to MaximumPollers, and delivers all of it', async () => {
    const topic = run.topic('scaled');
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: RECORDS }, (_, n) => json({ n, sleepMs: 150 }, { partition: n % 4 })),
    });
    await offline().waitForLine(/scaled ← \S+ pollers 1 → 3 \(offset lag \d+, MinimumPollers 1, MaximumPollers 3\)/, 15_000);
    await eventually(members, (count) => count === 3, 30_000);
    await eventually(
      () => committedOffsets(admin, groupId(), topic),
      (offsets) => offsets.join() === '100,100,100,100',
      60_000,
    );
    const delivered = new Set(
      deliveries(run, 'scaled').flatMap((invocation) =>
        Object.entries(invocation.event.records).flatMap(([key, records]) => records.map((r) => `${key}@${r.offset}`)),
      ),
    );
    expect(delivered.size).toBe(RECORDS);
    expect(deliveries(run, 'scaled').every((invocation) => offsetsOf(invocation).length <= 10)).toBe(true);
  });

  // The lag may still be draining when a reading removes a poller: each step only needs the lag to
  // call for fewer pollers (at most BatchSize × 5 per poller kept), never a jump of two.
  it('removes one poller at a time as the backlog drains, down to MinimumPollers', async () => {
    const lagAt = async (from: number, to: number): Promise<number> => {
      const line = await offline().waitForLine(new RegExp(`scaled ← \\S+ pollers ${from} → ${to} \\(offset lag (\\d+),`), 30_000);
      return Number(/offset lag (\d+),/.exec(line)?.[1]);
    };
    expect(await lagAt(3, 2)).toBeLessThanOrEqual(2 * 10 * BATCHES_PER_POLLER);
    expect(await lagAt(2, 1)).toBeLessThanOrEqual(1 * 10 * BATCHES_PER_POLLER);
    expect(offline().matching(/scaled ← \S+ pollers 3 → 1 /)).toEqual([]);
    await eventually(members, (count) => count === 1, 30_000);
    await eventually(scaledStatus, (status) => status?.ProvisionedPollers === 1);
  });

  it('keeps the metrics under AWS names in the file, with the per-partition lag', async () => {
    const status = await eventually(scaledStatus, (s) => s?.EventCount.CommittedEventCount === RECORDS && s.KafkaMetrics?.SumOffsetLag === 0);
    expect(status?.KafkaMetrics).toEqual({ MaxOffsetLag: 0, SumOffsetLag: 0, OffsetLag: { '0': 0, '1': 0, '2': 0, '3': 0 } });
    expect(status?.EventCount.PolledEventCount).toBeGreaterThanOrEqual(RECORDS);
    expect(status?.EventCount.InvokedEventCount).toBeGreaterThanOrEqual(RECORDS);
    expect(status?.EventCount).toMatchObject({ FilteredOutEventCount: 0, FailedInvokeEventCount: 0, DroppedEventCount: 0 });
    expect(status?.ErrorCount).toMatchObject({ InvokeErrorCount: 0, SchemaRegistryErrorCount: 0 });
    expect(status).toMatchObject({
      logicalId: expect.stringMatching(/^ScaledEventSourceMappingKafka\w+scaled$/),
      metricsConfig: ['EventCount', 'ErrorCount', 'KafkaMetrics'],
    });
  });

  it('logs a metrics line per interval for the mapping with MetricsConfig, and none for the others', async () => {
    const line = await offline().waitForLine(
      /scaled ← \S+ metrics \(last \d+ s\): PolledEventCount \d+, .*; PollingErrorCount \d+, .*; MaxOffsetLag \d+, SumOffsetLag \d+, OffsetLag \[0:\d+ 1:\d+ 2:\d+ 3:\d+\]; ProvisionedPollers \d/,
    );
    expect(line).toContain('CommittedEventCount');
    expect(
      offline()
        .matching(/ metrics \(last \d+ s\)/)
        .every((l) => l.includes('scaled ←')),
    ).toBe(true);
  });
});
