/**
 * Failure semantics under the real `sls offline start`: a throwing handler is retried with backoff
 * and nothing is committed past it; after MaximumRetryAttempts the batch goes to the on-failure
 * topic and consumption moves on; bisection isolates a poison record without spending retries;
 * ReportBatchItemFailures commits up to the first failed offset and retries from there; a malformed
 * result is a failure; the deprecated custom.offlineKafka.functions settings still apply, each with
 * a line naming its property; an async invocation that throws is logged and serverless-offline
 * keeps serving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLambdaClient, invokeFunction, triggerFunction } from '../../../layers/adapters/lambda';
import type { FailureDocument } from '../../../plugins/offline-kafka/destinations';
import { committedOffsets, config, deliveries, eventually, json, mappingStatus, offsetsOf, readTopic, useFixture } from './harness';

const dir = mkdtempSync(path.join(tmpdir(), 'offline-kafka-failures-'));
const metricsFile = path.join(dir, 'metrics.json');
const { run, kafka, admin, producer, offline } = useFixture({
  topics: {
    ...{ stuck: 1, 'stuck-non-native': 1, 'dlq-source': 1, dlq: 1, capped: 1, 'capped-dlq': 1, bisect: 1, 'bisect-dlq': 1 },
    ...{ partial: 1, 'partial-dlq': 1, malformed: 1, timeout: 1 },
  },
  consumers: ['stuck', 'stuckNonNative', 'dlq', 'capped', 'bisect', 'partial', 'malformed', 'timesOut'],
  params: { metricsFile },
});
// After the fixture's afterAll: sls offline writes the metrics file (making its folder again) until it stops.
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The AWS failure document a destination message carries, and the one record in its payload. */
const failure = (message: { value: Buffer | null } | undefined) => JSON.parse(String(message?.value)) as FailureDocument;
const failedRecord = (message: { value: Buffer | null } | undefined) => Object.values(failure(message).payload.records)[0]![0]!;
const failedValue = (message: { value: Buffer | null } | undefined) => Buffer.from(failedRecord(message).value ?? '', 'base64').toString('utf8');

describe('a throwing handler (maximumRetryAttempts -1, the AWS default)', () => {
  it('retries the same batch with growing backoff and commits nothing past it', async () => {
    const topic = run.topic('stuck');
    await producer.send({ topic, acks: -1, messages: [json({ n: 0 }), json({ n: 1 }), json({ poison: true }), json({ n: 3 })] });
    await eventually(
      () => deliveries(run, 'stuck'),
      (list) => list.length >= 1,
    );
    await producer.send({ topic, acks: -1, messages: [json({ n: 4 })] });
    const invocations = await eventually(
      () => deliveries(run, 'stuck'),
      (list) => list.length >= 5,
    );
    for (const invocation of invocations) expect(offsetsOf(invocation)).toEqual([0, 1, 2, 3]);
    const gaps = invocations.slice(1, 5).map((inv, i) => inv.receivedAt - invocations[i]!.receivedAt);
    // Backoff 100 ms doubling, capped at 400 ms (custom.offlineKafka.retryBackoff).
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
    expect(gaps[3]).toBeGreaterThanOrEqual(390);
    expect(await committedOffsets(admin, run.groupId('stuck', 'stuck'), topic)).toEqual([-1]);
    expect(
      offline().matching(/stuck ← \S+-0 offsets 0-3 \(4 records\) \d+ ms: failed: .*poison record at .*-0@2 \(attempt \d+ of ∞\), retrying in \d+ ms/).length,
    ).toBeGreaterThanOrEqual(4);
  });
});

describe('a handler throwing a non-native error (cassandra-driver style) in a worker thread', () => {
  it('is a failure, not a result: retried, nothing committed, the log line names the error', async () => {
    const topic = run.topic('stuck-non-native');
    await producer.send({ topic, acks: -1, messages: [json({ n: 0 }), json({ poison: true })] });
    const invocations = await eventually(
      () => deliveries(run, 'stuckNonNative'),
      (list) => list.length >= 3,
    );
    for (const invocation of invocations) expect(offsetsOf(invocation)).toEqual([0, 1]);
    expect(await committedOffsets(admin, run.groupId('stuckNonNative', 'stuck-non-native'), topic)).toEqual([-1]);
    expect(
      offline().matching(/stuckNonNative ← \S+-0 offsets 0-1 \(2 records\) \d+ ms: failed: .*poison record at .*-0@1 \(a non-native LegacyDriverError/).length,
    ).toBeGreaterThanOrEqual(2);
  });
});

describe('maximumRetryAttempts 2 (the deprecated custom form) with onFailureDestination kafka://…dlq', () => {
  it("sends each record to the on-failure topic after 3 attempts in AWS's document, keyed as it was, then moves on", async () => {
    const topic = run.topic('dlq-source');
    await producer.send({
      topic,
      acks: -1,
      messages: [json({ n: 0 }, { key: 'k0', headers: { trace: 't0' } }), json({ poison: true }, { key: 'k1' }), json({ n: 2 }, { key: 'k2' })],
    });
    const dead = await readTopic(kafka, run.topic('dlq'), 3);
    expect(deliveries(run, 'dlq').map(offsetsOf)).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(dead.map((m) => [String(m.key), failedValue(m)])).toEqual([
      ['k0', JSON.stringify({ n: 0 })],
      ['k1', JSON.stringify({ poison: true })],
      ['k2', JSON.stringify({ n: 2 })],
    ]);
    dead.forEach((message, i) => {
      expect(failure(message)).toMatchObject({
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: expect.stringContaining(':function:') },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        KafkaBatchInfo: { batchSize: 1, recordInfo: { offset: String(i) } },
      });
      expect(failedRecord(message)).toMatchObject({ topic, partition: 0, offset: i });
      expect(message.headers).toEqual({});
    });
    expect(failedRecord(dead[0]).headers).toEqual([{ trace: [...Buffer.from('t0')] }]);
    await eventually(
      () => committedOffsets(admin, run.groupId('dlq', 'dlq-source'), topic),
      (offsets) => offsets[0] === 3,
    );

    await producer.send({ topic, acks: -1, messages: [json({ n: 3 })] });
    await eventually(
      () => deliveries(run, 'dlq').map(offsetsOf),
      (list) => list.length === 4,
    );
    expect(deliveries(run, 'dlq').map(offsetsOf)[3]).toEqual([3]);
    await eventually(
      () => committedOffsets(admin, run.groupId('dlq', 'dlq-source'), topic),
      (offsets) => offsets[0] === 4,
    );
    // Three failed invocations of three records, the three on the destination, then one good batch.
    const status = await eventually(
      () => mappingStatus(metricsFile, 'dlq'),
      (s) => s?.EventCount.CommittedEventCount === 4,
    );
    expect(status?.ErrorCount).toEqual(expect.objectContaining({ InvokeErrorCount: 3, OnFailureDestinationDeliveryErrorCount: 0 }));
    expect(status?.EventCount).toEqual(
      expect.objectContaining({ PolledEventCount: 4, InvokedEventCount: 10, FailedInvokeEventCount: 9, OnFailureDestinationDeliveredEventCount: 3 }),
    );
  });

  it('says at start that each deprecated setting has a property now, naming it', () => {
    for (const [functionKey, setting, property] of [
      ['dlq', 'maximumRetryAttempts', 'MaximumRetryAttempts'],
      ['malformed', 'functionResponseTypes', 'FunctionResponseTypes'],
      ['timesOut', 'maximumRetryAttempts', 'MaximumRetryAttempts'],
    ] as const) {
      const logicalId = `${functionKey[0]?.toUpperCase()}${functionKey.slice(1)}EventSourceMappingKafka\\w+`;
      const line = new RegExp(
        `custom\\.offlineKafka\\.functions\\.${functionKey}\\.${setting} is deprecated: set resources\\.extensions\\.${logicalId}\\.Properties\\.${property} instead`,
      );
      expect(offline().matching(line)).toHaveLength(1);
    }
  });
});

describe('infinite retries (the default) with an on-failure destination', () => {
  it("gives up after AWS's cap of 10 retries", async () => {
    const topic = run.topic('capped');
    await producer.send({ topic, acks: -1, messages: [json({ poison: true })] });
    const [dead] = await readTopic(kafka, run.topic('capped-dlq'), 1);
    expect(deliveries(run, 'capped')).toHaveLength(11);
    expect(failure(dead).requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 11 });
    expect(offline().matching(/capped ← \S+-0 offsets 0-0 \(1 record\) \d+ ms: failed: .* \(attempt 11 of 11\); giving up on 1 record/)).toHaveLength(1);
  });
});

describe('BisectBatchOnFunctionError with MaximumRetryAttempts 1 (resources.extensions)', () => {
  it('splits the failing batch until the poison record is alone, and discards only that record', async () => {
    const topic = run.topic('bisect');
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 8 }, (_, n) => json(n === 5 ? { poison: true } : { n })) });
    const dead = await readTopic(kafka, run.topic('bisect-dlq'), 1);
    await eventually(
      () => committedOffsets(admin, run.groupId('bisect', 'bisect'), topic),
      (offsets) => offsets[0] === 8,
    );
    expect(deliveries(run, 'bisect').map(offsetsOf)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3], [4, 5, 6, 7], [4, 5], [4], [5], [5], [6, 7]]);
    expect(dead.map((m) => failure(m).KafkaBatchInfo.recordInfo.offset)).toEqual(['5']);
    expect(failedValue(dead[0])).toBe(JSON.stringify({ poison: true }));
    // Splitting spends no retries: alone, the poison record is tried twice (MaximumRetryAttempts 1).
    expect(failure(dead[0]).requestContext.approximateInvokeCount).toBe(2);
  });
});

describe('ReportBatchItemFailures with MaximumRetryAttempts 1 (resources.extensions)', () => {
  it('commits up to the first failed offset, retries from there, and discards the rest after the last attempt', async () => {
    const topic = run.topic('partial');
    await producer.send({
      topic,
      acks: -1,
      messages: [json({ n: 0 }), json({ failOnce: true }), json({ n: 2 }), json({ fail: true }), json({ n: 4 })],
    });
    const dead = await readTopic(kafka, run.topic('partial-dlq'), 2);
    expect(deliveries(run, 'partial').map(offsetsOf)).toEqual([
      [0, 1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);
    expect(dead.map((m) => failure(m).KafkaBatchInfo.recordInfo.offset)).toEqual(['3', '4']);
    expect(dead.map((m) => failure(m).requestContext.approximateInvokeCount)).toEqual([2, 2]);
    expect(offline().matching(/partial ← \S+-0 offsets 0-4 \(5 records\) \d+ ms: partial failure from offset 1 .*committed to 1, retrying in/)).toHaveLength(1);
    await eventually(
      () => committedOffsets(admin, run.groupId('partial', 'partial'), topic),
      (offsets) => offsets[0] === 5,
    );
  });
});

describe('a malformed handler result under ReportBatchItemFailures', () => {
  it('fails the batch with a clear log line', async () => {
    const topic = run.topic('malformed');
    await producer.send({ topic, acks: -1, messages: [json({ n: 0 }), json({ n: 1 })] });
    await eventually(
      () => committedOffsets(admin, run.groupId('malformed', 'malformed'), topic),
      (offsets) => offsets[0] === 2,
    );
    expect(deliveries(run, 'malformed').map(offsetsOf)).toEqual([[0, 1]]);
    expect(
      offline().matching(
        /malformed ← \S+-0 offsets 0-1 \(2 records\) \d+ ms: failed: malformed handler result: batchItemFailures\[0\]\.itemIdentifier must be/,
      ),
    ).toHaveLength(1);
    expect(offline().matching(/malformed ← \S+-0: dropped offsets 0-1 \(2 records\): no on-failure destination/)).toHaveLength(1);
  });
});

describe('a handler that outlives its timeout (timeout: 1, maximumRetryAttempts 0)', () => {
  it("counts serverless-offline's Lambda timeout as a failed batch", async () => {
    const topic = run.topic('timeout');
    await producer.send({ topic, acks: -1, messages: [json({ sleepMs: 3000 })] });
    await eventually(
      () => committedOffsets(admin, run.groupId('timesOut', 'timeout'), topic),
      (offsets) => offsets[0] === 1,
    );
    expect(
      offline().matching(/timesOut ← \S+-0 offsets 0-0 \(1 record\) \d+ ms: failed: .*[Tt]imeout.* \(attempt 1 of 1\); giving up on 1 record/),
    ).toHaveLength(1);
  });
});

describe('an async invocation (InvocationType Event) whose handler throws', () => {
  it('is logged, and serverless-offline goes on serving (an unhandled rejection used to end the process)', async () => {
    const client = createLambdaClient({ ...config.lambda, endpoint: `http://127.0.0.1:${offline().lambdaPort}` });
    try {
      const functionName = run.functionName('stuck');
      const poisonEvent = { records: { 'async-0': [{ offset: 0, value: Buffer.from(JSON.stringify({ poison: true })).toString('base64') }] } };
      await triggerFunction(client, functionName, poisonEvent);
      await offline().waitForLine(new RegExp(`Unhandled Lambda Error during async invoke of '${functionName}': Error: poison record at async-0@0`));
      // Still serving: a synchronous invocation of the same function runs and answers after it.
      await expect(invokeFunction(client, functionName, { records: {} })).resolves.toBeUndefined();
      // The first test's batch is still being retried every 400 ms on the same function: leave its
      // invocations out and look at the two made here, in order.
      const fromTopic = `${run.topic('stuck')}-0`;
      expect(
        deliveries(run, 'stuck')
          .map((invocation) => Object.keys(invocation.event.records))
          .filter((partitions) => !partitions.includes(fromTopic)),
      ).toEqual([['async-0'], []]);
    } finally {
      client.destroy();
    }
  });
});
