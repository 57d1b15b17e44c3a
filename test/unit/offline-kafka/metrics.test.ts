import { MappingMetrics, metricsLine } from '../../../plugins/offline-kafka/metrics';

describe('MappingMetrics', () => {
  it('keeps running totals under AWS names, and KafkaMetrics from the last lag reading', () => {
    const metrics = new MappingMetrics();
    expect(metrics.snapshot().KafkaMetrics).toBeUndefined();
    metrics.add('InvokedEventCount', 10);
    metrics.add('InvokedEventCount', 5);
    metrics.add('InvokeErrorCount');
    metrics.setOffsetLag(
      new Map([
        [1, 7],
        [0, 3],
        [2, 0],
      ]),
    );
    metrics.pollers = 2;
    const snapshot = metrics.snapshot();
    expect(snapshot.EventCount).toMatchObject({ InvokedEventCount: 15, PolledEventCount: 0 });
    expect(snapshot.ErrorCount).toMatchObject({ InvokeErrorCount: 1, CommitErrorCount: 0 });
    expect(snapshot.KafkaMetrics).toEqual({ MaxOffsetLag: 7, SumOffsetLag: 10, OffsetLag: { '0': 3, '1': 7, '2': 0 } });
    expect(snapshot.ProvisionedPollers).toBe(2);
  });

  it('counts a record as polled once, however often its partition is fetched again', () => {
    const metrics = new MappingMetrics();
    const offsets = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    expect(metrics.firstPolled(0, offsets(0, 4), 0, (o) => o)).toEqual([0, 1, 2, 3, 4]);
    expect(metrics.firstPolled(0, offsets(2, 6), 0, (o) => o)).toEqual([5, 6]);
    expect(metrics.firstPolled(1, offsets(0, 1), 0, (o) => o)).toEqual([0, 1]);
    expect(metrics.firstPolled(1, offsets(0, 4), 3, (o) => o)).toEqual([3, 4]);
  });
});

describe('metricsLine', () => {
  it('shows the enabled groups, counts since the previous line, the lag as last read and the pollers', () => {
    const metrics = new MappingMetrics();
    metrics.add('PolledEventCount', 4);
    const before = metrics.snapshot();
    metrics.add('PolledEventCount', 6);
    metrics.add('CommitErrorCount');
    metrics.setOffsetLag(new Map([[0, 2]]));
    metrics.pollers = 1;
    const line = metricsLine('transform ← users.raw', new Set(['EventCount', 'KafkaMetrics']), metrics.snapshot(), before, 60);
    expect(line).toBe(
      'offline-kafka: transform ← users.raw metrics (last 60 s): PolledEventCount 6, FilteredOutEventCount 0, InvokedEventCount 0, FailedInvokeEventCount 0, ' +
        'DroppedEventCount 0, OnFailureDestinationDeliveredEventCount 0, CommittedEventCount 0; MaxOffsetLag 2, SumOffsetLag 2, OffsetLag [0:2]; ProvisionedPollers 1',
    );
    expect(metricsLine('x', new Set(['ErrorCount']), metrics.snapshot(), undefined, 5)).toContain('CommitErrorCount 1; ProvisionedPollers 1');
  });
});
