/**
 * Where consumption starts and resumes, under the real `sls offline start`: TRIM_HORIZON, LATEST
 * and AT_TIMESTAMP; functions with different consumer groups each get every record; filtered-out
 * records are skipped but committed; `enabled: false` consumes nothing; and a restart resumes
 * exactly after the last committed offset.
 */
import { committedOffsets, decodedValues, deliveries, eventually, json, offsetsOf, sleep, useFixture } from './harness';

const POSITION_CONSUMERS = ['trimHorizon', 'latest', 'atTimestamp', 'sharedGroup'];

const { run, admin, producer, offline, startOffline } = useFixture({
  topics: { positions: 1, filtered: 1 },
  consumers: [...POSITION_CONSUMERS, 'filtered'],
  // Already in the topic before the event source mappings exist; stamped 1.0, 1.5, 2.5 and 3.0 s
  // after the epoch, around the fixture's startingPositionTimestamp of 2 s.
  beforeStart: (fixture) =>
    fixture.producer.send({
      topic: fixture.run.topic('positions'),
      acks: -1,
      messages: ['1000', '1500', '2500', '3000'].map((timestamp, n) => json({ n }, { timestamp })),
    }),
});
const offsetsSeen = (fn: string) => deliveries(run, fn).flatMap(offsetsOf);

describe('startingPosition', () => {
  beforeAll(async () => {
    await producer.send({ topic: run.topic('positions'), acks: -1, messages: [json({ n: 4 })] });
    await eventually(
      () => POSITION_CONSUMERS.map((fn) => offsetsSeen(fn).includes(4)),
      (seen) => seen.every(Boolean),
    );
    await sleep(500);
  });

  it('TRIM_HORIZON (the default) starts at the oldest record', () => {
    expect(offsetsSeen('trimHorizon')).toEqual([0, 1, 2, 3, 4]);
  });

  it('LATEST starts with records produced after the plugin started', () => {
    expect(offsetsSeen('latest')).toEqual([4]);
  });

  it('AT_TIMESTAMP starts at the first record stamped at or after startingPositionTimestamp (seconds)', () => {
    expect(offsetsSeen('atTimestamp')).toEqual([2, 3, 4]);
  });

  it('gives every record to each function that reads the topic with its own consumer group', async () => {
    expect(offsetsSeen('sharedGroup')).toEqual([0, 1, 2, 3, 4]);
    await eventually(
      () => committedOffsets(admin, `${run.prefix}.shared`, run.topic('positions')),
      (offsets) => offsets[0] === 5,
    );
    await eventually(
      () => committedOffsets(admin, run.groupId('trimHorizon', 'positions'), run.topic('positions')),
      (offsets) => offsets[0] === 5,
    );
  });
});

describe('filterPatterns', () => {
  it('invokes only with matching records, and commits the filtered ones too', async () => {
    const topic = run.topic('filtered');
    const values: unknown[] = [
      { kind: 'keep', i: 0 },
      { kind: 'drop', i: 1 },
      { n: 150 },
      { n: 5 },
      'plain text',
      { kind: 'keep', i: 5 },
      { kind: 'drop' },
      { n: 99 },
    ];
    await producer.send({ topic, acks: -1, messages: values.map((v) => (typeof v === 'string' ? { value: v } : json(v))) });
    await eventually(
      () => committedOffsets(admin, run.groupId('filtered', 'filtered'), topic),
      (offsets) => offsets[0] === values.length,
    );
    expect(deliveries(run, 'filtered').flatMap(decodedValues)).toEqual([{ kind: 'keep', i: 0 }, { n: 150 }, { kind: 'keep', i: 5 }]);
    expect(offsetsSeen('filtered')).toEqual([0, 2, 5]);
  });

  it('enabled: false consumes nothing from the same topic', async () => {
    expect(offline().matching(/offline-kafka: disabled ← \S+ is disabled \(enabled: false\)/)).toHaveLength(1);
    expect(deliveries(run, 'disabled')).toEqual([]);
    expect(await committedOffsets(admin, run.groupId('disabled', 'filtered'), run.topic('filtered'))).toEqual([-1]);
  });
});

describe('restart', () => {
  it('resumes exactly after the last committed offset, LATEST included', async () => {
    const topic = run.topic('positions');
    expect(await offline().stop()).toBe(0);
    for (const fn of POSITION_CONSUMERS) expect(offline().matching(new RegExp(`offline-kafka: ${fn} ← \\S+ stopped`))).toHaveLength(1);
    const before = Object.fromEntries(POSITION_CONSUMERS.map((fn) => [fn, deliveries(run, fn).length]));

    await producer.send({ topic, acks: -1, messages: [json({ n: 5 }), json({ n: 6 })] });
    await startOffline(POSITION_CONSUMERS);
    for (const fn of POSITION_CONSUMERS) {
      const resumed = await eventually(
        () => deliveries(run, fn).slice(before[fn]).flatMap(offsetsOf),
        (offsets) => offsets.length >= 2,
      );
      expect([fn, resumed]).toEqual([fn, [5, 6]]);
    }
    await sleep(500);
    for (const fn of POSITION_CONSUMERS) expect([fn, deliveries(run, fn).slice(before[fn]).flatMap(offsetsOf)]).toEqual([fn, [5, 6]]);
  });
});
