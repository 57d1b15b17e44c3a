import { nextPollerCount, type PollerBounds, PollerScaling, SCALE_DOWN_READINGS } from '../../../plugins/offline-kafka/poller-scaling';

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

  it('calls for one poller fewer than now while fewer are wanted, down to MinimumPollers (PollerScaling decides when)', () => {
    expect(next(5, 0, bounds(2, 5))).toBe(4);
    expect(next(3, 0, bounds(2, 5))).toBe(2);
    expect(next(2, 0, bounds(2, 5))).toBe(2);
    expect(next(4, 120, bounds(1, 5))).toBe(3);
  });

  it('keeps one poller without provisioned mode', () => {
    expect(next(1, 10_000, { minimum: 1, maximum: 1, provisioned: false })).toBe(1);
  });
});

describe('PollerScaling across readings', () => {
  const input = (current: number, lag: number) => ({ current, lag, batchSize: 10, partitions: 8, bounds: bounds(1, 4) });

  it('adds pollers on the first reading that wants more', () => {
    expect(new PollerScaling().next(input(1, 120))).toBe(3);
  });

  it('removes one poller only after SCALE_DOWN_READINGS readings in a row wanted fewer, then counts again', () => {
    const scaling = new PollerScaling();
    const readings = Array.from({ length: SCALE_DOWN_READINGS }, () => scaling.next(input(3, 0)));
    expect(readings.slice(0, -1).every((n) => n === 3)).toBe(true);
    expect(readings.at(-1)).toBe(2);
    expect(scaling.next(input(2, 0))).toBe(2);
  });

  it('starts counting again when a reading wants as many or more: a lag hovering around a threshold does not flap', () => {
    const scaling = new PollerScaling();
    const seen: number[] = [];
    let current = 2;
    // Lag alternating just under and just over one poller's share (BatchSize × 5 = 50).
    for (let reading = 0; reading < 4 * SCALE_DOWN_READINGS; reading++) {
      current = scaling.next(input(current, reading % 3 === 2 ? 60 : 40));
      seen.push(current);
    }
    expect(new Set(seen)).toEqual(new Set([2]));
  });
});
