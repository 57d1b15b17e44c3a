import { complete, countsSince, formatCounts, type StageCounts } from '../../scripts/pipeline/counts';

const before: StageCounts = { fetched: 10_020, persisted: 10_000, published: 10_000, pending: 0, transformed: 19_522, sunk: 10_000, deadLettered: 7 };

describe("npm start's live counts", () => {
  it('counts each stage from the baseline read at start, so earlier runs and the tests are not counted again', () => {
    const now: StageCounts = { fetched: 15_021, persisted: 15_000, published: 14_000, pending: 1_000, transformed: 23_522, sunk: 13_500, deadLettered: 8 };
    expect(countsSince(before, now)).toEqual({
      fetched: 5_001,
      persisted: 5_000,
      published: 4_000,
      pending: 1_000,
      transformed: 4_000,
      sunk: 3_500,
      deadLettered: 1,
    });
  });

  it('keeps pending as read: it is how many wait now, not a total', () => {
    const now = { ...before, pending: 250 };
    expect(countsSince(before, now).pending).toBe(250);
    expect(formatCounts(countsSince(before, now))).toBe('fetched 0 · persisted 0 · published 0 (pending 250) · transformed 0 · sunk 0 · dead-lettered 0');
  });

  it('shows a count it could not read as ?, at either end, and the others as read', () => {
    const kafkaDown: StageCounts = { ...before, fetched: 10_520, persisted: 10_500, transformed: undefined, sunk: undefined, deadLettered: undefined };
    expect(complete(kafkaDown)).toBe(false);
    expect(complete(before)).toBe(true);
    expect(formatCounts(countsSince(before, kafkaDown))).toBe(
      'fetched 500 · persisted 500 · published 0 (pending 0) · transformed ? · sunk ? · dead-lettered ?',
    );
    expect(countsSince(kafkaDown, before).transformed).toBeUndefined();
  });
});
