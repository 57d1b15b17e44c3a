import { stageFigures, stageOf } from '../../../layers/pipeline/metrics';

describe('per-stage metrics', () => {
  it('names the stage from the deployed function name', () => {
    expect(stageOf('tributary-dev-transform')).toBe('transform');
    expect(stageOf('tributary-prod-fetch')).toBe('fetch');
    expect(stageOf('something-else')).toBeUndefined();
  });

  it('reads each stage’s report as records in, out and dead-lettered', () => {
    expect(
      stageFigures('fetch', {
        batchId: 'b',
        fetched: 1000,
        valid: 997,
        rejected: 3,
        persisted: 997,
        queued: 990,
        attempts: 1,
        seed: undefined,
        page: undefined,
      }),
    ).toEqual({
      recordsIn: 1000,
      recordsOut: 997,
      deadLettered: 3,
    });
    expect(stageFigures('persist', { batchId: 'b', persisted: 997, queued: 990, rejected: 3 })).toEqual({ recordsIn: 997, recordsOut: 990, deadLettered: 0 });
    expect(stageFigures('publish', { published: 1998, deadLettered: 2, batches: 1, turnedAway: false })).toEqual({
      recordsIn: 2000,
      recordsOut: 1998,
      deadLettered: 2,
    });
    expect(stageFigures('transform', { received: 500, transformed: 499, deadLettered: 1 })).toEqual({ recordsIn: 500, recordsOut: 499, deadLettered: 1 });
    expect(stageFigures('sink', { received: 500, written: 480, deadLettered: 0 })).toEqual({ recordsIn: 500, recordsOut: 480, deadLettered: 0 });
  });
});
