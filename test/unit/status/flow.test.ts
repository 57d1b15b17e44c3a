import { Baselines, History } from '../../../scripts/status/flow';

describe("the status page's counts since start", () => {
  it('counts from the first reading, so what came before is not this run’s', () => {
    const b = new Baselines();
    expect(b.since('raw.end', 59_906)).toBe(0);
    expect(b.since('raw.end', 61_406)).toBe(1_500);
  });

  it('leaves a counter it cannot read unknown, and starts it at its first reading', () => {
    const b = new Baselines();
    expect(b.since('sink.committed', undefined)).toBeUndefined();
    expect(b.since('sink.committed', 1000)).toBe(0);
    expect(b.since('sink.committed', undefined)).toBeUndefined();
    expect(b.since('sink.committed', 1200)).toBe(200);
  });

  it('keeps its count when a counter goes back (statistics reset, topic recreated) and counts on from there', () => {
    const b = new Baselines();
    b.since('raw_users.ins', 5000);
    expect(b.since('raw_users.ins', 5300)).toBe(300);
    expect(b.since('raw_users.ins', 0)).toBe(300);
    expect(b.since('raw_users.ins', 50)).toBe(350);
  });
});

describe("the status page's rates and history", () => {
  const at = (s: number): number => 1_700_000_000_000 + s * 1000;

  it('takes a rate over at least the window, so one slow sample makes no spike', () => {
    const h = new History(10_000);
    h.add({ at: at(0), counts: { sunk: 0 }, levels: {} });
    h.add({ at: at(2), counts: { sunk: 100 }, levels: {} });
    // Only 2 s of history: the oldest point is used.
    expect(h.rates().sunk).toBe(50);
    for (let s = 4; s <= 12; s += 2) h.add({ at: at(s), counts: { sunk: 100 + (s - 2) * 200 }, levels: {} });
    // 12 s → 2 s: (2100 - 100) over 10 s.
    expect(h.rates().sunk).toBe(200);
  });

  it('has no rate for a series unknown now or then', () => {
    const h = new History(10_000);
    h.add({ at: at(0), counts: { persisted: undefined }, levels: {} });
    h.add({ at: at(10), counts: { persisted: 10 }, levels: {} });
    expect(h.rates().persisted).toBeUndefined();
    h.add({ at: at(20), counts: { persisted: undefined }, levels: {} });
    expect(h.rates().persisted).toBeUndefined();
  });

  it('gives the charts each point after `since`, rates and levels, unknown as null, and forgets what is older than it keeps', () => {
    const h = new History(1000, 60_000);
    h.add({ at: at(0), counts: { raw: 0 }, levels: { sinkLag: 5 } });
    h.add({ at: at(30), counts: { raw: 300 }, levels: { sinkLag: undefined } });
    h.add({ at: at(61), counts: { raw: 920 }, levels: { sinkLag: 0 } });
    expect(h.view()).toEqual({ t: [at(30), at(61)], rates: { raw: [null, 20] }, levels: { sinkLag: [null, 0] } });
    expect(h.view(at(30))).toEqual({ t: [at(61)], rates: { raw: [20] }, levels: { sinkLag: [0] } });
  });
});
