import { nextPollerCount, type PollerBounds } from '../../../plugins/offline-kafka/poller-scaling';

const bounds = (minimum: number, maximum: number): PollerBounds => ({ minimum, maximum, provisioned: true });
const next = (current: number, lag: number, b: PollerBounds, partitions = 8, batchSize = 10) =>
  nextPollerCount({ current, lag, batchSize, partitions, bounds: b });

describe('nextPollerCount', () => {
  it('starts at MinimumPollers, but never more pollers than partitions', () => {
    expect(next(0, 0, bounds(2, 5))).toBe(2);
    expect(next(0, 0, bounds(4, 5), 3)).toBe(3);
  });

  it('adds a poller per five full batches of lag, at once, up to MaximumPollers and the partition count', () => {
    expect(next(1, 50, bounds(1, 5))).toBe(1);
    expect(next(1, 51, bounds(1, 5))).toBe(2);
    expect(next(1, 400, bounds(1, 5))).toBe(5);
    expect(next(1, 400, bounds(1, 5), 3)).toBe(3);
  });

  it('removes one poller per reading while fewer are wanted, down to MinimumPollers', () => {
    expect(next(5, 0, bounds(2, 5))).toBe(4);
    expect(next(3, 0, bounds(2, 5))).toBe(2);
    expect(next(2, 0, bounds(2, 5))).toBe(2);
    expect(next(4, 120, bounds(1, 5))).toBe(3);
  });

  it('keeps one poller without provisioned mode', () => {
    expect(next(1, 10_000, { minimum: 1, maximum: 1, provisioned: false })).toBe(1);
  });
});
