/**
 * Lifecycle under the real `sls offline start`, against a private broker this file may take down:
 * a broker that is not there at start is retried, a broker lost mid-run is survived and consumption
 * resumes from the committed offsets, and Ctrl-C finishes the in-flight batch, commits and exits.
 */
import type { Admin, Kafka, Producer } from 'kafkajs';
import { readInvocations } from '../../fixtures/offline-kafka/probe';
import {
  cleanUp,
  committedOffsets,
  createTopics,
  deliveries,
  eventually,
  FIXTURE_CONSUMERS,
  json,
  newRun,
  Offline,
  offsetsOf,
  testProducer,
  type Run,
} from './harness';
import { PrivateBroker } from './private-broker';

let run: Run;
let broker: PrivateBroker;
let kafka: Kafka;
let admin: Admin | undefined;
let producer: Producer | undefined;
let offline: Offline | undefined;

beforeAll(async () => {
  run = newRun();
  broker = await PrivateBroker.create();
  kafka = broker.kafka();
});

afterAll(async () => {
  if (offline) await offline.stop().catch(() => undefined);
  await cleanUp(undefined, run);
  await Promise.all([producer?.disconnect(), admin?.disconnect()]);
  await broker?.destroy();
});

async function connectClients(): Promise<void> {
  await Promise.all([producer?.disconnect(), admin?.disconnect()]);
  admin = kafka.admin();
  producer = testProducer(kafka);
  await Promise.all([admin.connect(), producer.connect()]);
}

const seen = (fn: string) => deliveries(run, fn).flatMap(offsetsOf);

describe('broker lifecycle', () => {
  it('keeps retrying, with a log line, while the broker is not there at start', async () => {
    offline = new Offline({ run, offlineBrokers: broker.brokers });
    const retrying = new RegExp(`payloadKafka ← \\S+: .+ \\(brokers ${broker.brokers.replace(/\./g, '\\.')}\\); retrying in \\d+ ms`);
    await eventually(
      () => offline!.matching(retrying).length,
      (n) => n >= 2,
      30_000,
    );
    expect(offline.lines.some((line) => /Halting offline server/.test(line))).toBe(false);
  });

  it('starts consuming once the broker and the topics are there', async () => {
    await broker.start();
    await connectClients();
    await createTopics(admin as Admin, run);
    await offline!.waitForConsumers(FIXTURE_CONSUMERS, 60_000);
    await producer!.send({ topic: run.topic('payload'), acks: -1, messages: [json({ n: 0 }), json({ n: 1 })] });
    await eventually(
      () => seen('payloadKafka'),
      (offsets) => offsets.length >= 2,
    );
    await eventually(
      () => committedOffsets(admin as Admin, run.groupId('payloadKafka', 'payload'), run.topic('payload')),
      (o) => o[0] === 2,
    );
  });

  it('survives losing the broker mid-run and resumes from the committed offsets', async () => {
    const joinedBefore = offline!.matching(/payloadKafka ← \S+ consuming as group/).length;
    await broker.kill();
    await offline!.waitForLine(/payloadKafka ← \S+: Kafka consumer failed: .+/, 60_000);
    await broker.start();
    await connectClients();
    await eventually(
      () => offline!.matching(/payloadKafka ← \S+ consuming as group/).length,
      (n) => n > joinedBefore,
      60_000,
    );
    await producer!.send({ topic: run.topic('payload'), acks: -1, messages: [json({ n: 2 }), json({ n: 3 })] });
    await eventually(
      () => seen('payloadKafka'),
      (offsets) => offsets.length >= 4,
      30_000,
    );
    expect(seen('payloadKafka')).toEqual([0, 1, 2, 3]);
    await eventually(
      () => committedOffsets(admin as Admin, run.groupId('payloadKafka', 'payload'), run.topic('payload')),
      (o) => o[0] === 4,
    );
  });
});

describe('Ctrl-C', () => {
  it('lets the in-flight batch finish, commits it, invokes nothing more and exits 0', async () => {
    const topic = run.topic('slow');
    await producer!.send({
      topic,
      acks: -1,
      messages: [json({ sleepMs: 1500 }), json({ n: 1 }), json({ n: 2 }), json({ n: 3 }), json({ n: 4 })],
    });
    await eventually(
      () => readInvocations(`${run.functionName('slow')}.started`),
      (started) => started.length === 1,
    );
    const exitCode = await offline!.stop('SIGINT');
    const stopped = offline!;
    offline = undefined;

    expect(exitCode).toBe(0);
    expect(seen('slow')).toEqual([0, 1, 2]);
    expect(readInvocations(`${run.functionName('slow')}.started`)).toHaveLength(1);
    expect(await committedOffsets(admin as Admin, run.groupId('slow', 'slow'), topic)).toEqual([3]);
    const finished = stopped.lines.findIndex((line) => /slow ← \S+-0 offsets 0-2 \(3 records\) \d+ ms: ok/.test(line));
    const halted = stopped.lines.findIndex((line) => /slow ← \S+ stopped/.test(line));
    expect(finished).toBeGreaterThanOrEqual(0);
    expect(halted).toBeGreaterThan(finished);
  });
});
