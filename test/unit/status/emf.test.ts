import { addReading, parseEmfLine, type StageTotals } from '../../../scripts/status/emf';

/** An EMF line as Powertools Metrics prints it for one invocation (layers/pipeline/metrics.ts). */
function emfLine(stage: string, values: Record<string, number | number[]>): string {
  return JSON.stringify({
    _aws: {
      Timestamp: 1_700_000_000_000,
      CloudWatchMetrics: [
        { Namespace: 'tributary', Dimensions: [['service', 'stage']], Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })) },
      ],
    },
    service: 'tributary',
    stage,
    ...values,
  });
}

describe("the status page's reading of the functions' EMF lines", () => {
  it('reads a stage and its metrics from an EMF line, and nothing from the other lines of the log', () => {
    expect(parseEmfLine(emfLine('sink', { RecordsIn: 500, RecordsOut: 498, DeadLettered: 2, BatchDuration: 84 }))).toEqual({
      stage: 'sink',
      at: 1_700_000_000_000,
      values: { RecordsIn: 500, RecordsOut: 498, DeadLettered: 2, BatchDuration: 84 },
    });
    expect(parseEmfLine('{"level":"INFO","message":"sunk","received":500}')).toBeUndefined();
    expect(parseEmfLine('offline-kafka: sink ← users.clean-1 offsets 0-499 (500 records) 84 ms: ok')).toBeUndefined();
    expect(parseEmfLine('{"_aws": truncated')).toBeUndefined();
  });

  it('sums a metric printed more than once in one invocation', () => {
    expect(parseEmfLine(emfLine('publish', { RecordsOut: [2000, 2000, 150] }))?.values.RecordsOut).toBe(4150);
  });

  it('adds invocations up per stage, with the last, longest and total batch duration', () => {
    const totals = new Map<string, StageTotals>();
    for (const line of [
      emfLine('transform', { RecordsIn: 1000, RecordsOut: 999, DeadLettered: 1, BatchDuration: 120 }),
      emfLine('transform', { RecordsIn: 500, RecordsOut: 500, DeadLettered: 0, BatchDuration: 60 }),
      emfLine('transform', { Failures: 1, BatchDuration: 30 }),
      emfLine('sink', { RecordsIn: 10, RecordsOut: 10, DeadLettered: 0, BatchDuration: 5 }),
    ]) {
      addReading(totals, parseEmfLine(line)!);
    }
    expect(totals.get('transform')).toEqual({
      invocations: 3,
      failures: 1,
      recordsIn: 1500,
      recordsOut: 1499,
      deadLettered: 1,
      lastDurationMs: 30,
      maxDurationMs: 120,
      totalDurationMs: 210,
    });
    expect(totals.get('sink')?.recordsIn).toBe(10);
  });
});
