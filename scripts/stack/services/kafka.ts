import { readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { topicSpecs } from '../../../layers/config';
import { properties, writeIfChanged } from '../files';
import { writeSecretFile } from '../secure/material';
import { bootstrapScramUsers, secureBrokerProperties, stackKafkaAccess } from '../secure/kafka';
import { StackError, type Service, type StackContext } from '../service';
import { fourLetterWord, KAFKA_JAVA, KAFKA_POM } from './zookeeper';

const BROKER_ID = 0;
/** Kafka's zookeeper.session.timeout.ms default; a killed broker's registration outlives it by a tick. */
const ZOOKEEPER_SESSION_MS = 18_000;

/**
 * A broker killed without a clean shutdown (power cut, SIGKILL, a VM restart) leaves its ephemeral
 * /brokers/ids/<id> node in ZooKeeper until that session expires; a new broker starting before
 * then dies at once with NodeExistsException. Wait the registration out instead of failing.
 */
async function waitForStaleRegistration(ctx: StackContext): Promise<void> {
  const node = `/brokers/ids/${BROKER_ID}`;
  const { host, ports } = ctx.config;
  const deadline = Date.now() + ZOOKEEPER_SESSION_MS + 15_000;
  let announced = false;
  for (;;) {
    const dump = await fourLetterWord('dump', host, ports.zookeeper, 3000).catch(() => '');
    // A ZooKeeper started with an older whitelist answers "not executed"; nothing to wait on then.
    if (dump.includes('not in the whitelist')) return;
    // Otherwise, until the database is loaded, the reply is "not currently serving requests".
    const served = dump.includes('ephemeral nodes dump');
    if (served && !dump.split('\n').some((line) => line.trim() === node)) return;
    if (Date.now() > deadline) {
      throw new StackError('kafka', `ZooKeeper still holds ${node} from an earlier broker after ${(ZOOKEEPER_SESSION_MS + 15_000) / 1000}s`);
    }
    if (!announced && served)
      ctx.progress(`kafka: waiting for the previous broker's ZooKeeper session to expire (${node}, up to ${ZOOKEEPER_SESSION_MS / 1000}s)`);
    announced ||= served;
    await sleep(1000);
  }
}

export const kafka: Service = {
  name: 'kafka',
  dependsOn: ['zookeeper'],
  downloads: { java: KAFKA_JAVA, maven: KAFKA_POM },
  readyTimeoutMs: 90_000,
  stopTimeoutMs: 30_000,
  port: (ctx) => ctx.config.ports.kafka,
  endpoint: (ctx) => `${ctx.config.host}:${ctx.config.ports.kafka}`,

  async prepare(ctx) {
    const [java, classpath] = await Promise.all([ctx.java('kafka', KAFKA_JAVA), ctx.mavenClasspath(KAFKA_POM)]);
    await waitForStaleRegistration(ctx);
    if (ctx.config.secure) await bootstrapScramUsers(ctx, java, classpath);
    const { host, ports } = ctx.config;
    const conf = path.join(ctx.optDir('kafka'), 'server.properties');
    // The secure broker's file holds its own password and the keystore's: owner-only.
    (ctx.config.secure ? writeSecretFile : writeIfChanged)(
      conf,
      properties({
        'broker.id': BROKER_ID,
        listeners: `PLAINTEXT://${host}:${ports.kafka}`,
        'advertised.listeners': `PLAINTEXT://${host}:${ports.kafka}`,
        'zookeeper.connect': `${host}:${ports.zookeeper}`,
        'zookeeper.connection.timeout.ms': 18000,
        'log.dirs': ctx.dataDir('kafka'),
        // Topics come from provisioning (infra/topology.json); a typo in a topic name fails loudly.
        'auto.create.topics.enable': false,
        'num.partitions': 1,
        // One broker: internal topics cannot have more replicas than brokers.
        'offsets.topic.replication.factor': 1,
        'offsets.topic.num.partitions': 10,
        'transaction.state.log.replication.factor': 1,
        'transaction.state.log.min.isr': 1,
        'group.initial.rebalance.delay.ms': 0,
        'log.retention.hours': 168,
        'delete.topic.enable': true,
        ...(ctx.config.secure ? await secureBrokerProperties(ctx) : {}),
      }),
    );
    return {
      command: java.bin,
      args: [
        `-Xms256m`,
        `-Xmx${ctx.config.stack.kafkaHeap}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${path.join(ctx.root, 'infra/native/kafka/log4j.properties')}`,
        '-cp',
        classpath,
        'kafka.Kafka',
        conf,
      ],
    };
  },

  async probe(ctx) {
    const client = new Kafka({
      clientId: 'tributary-stack-probe',
      brokers: [`${ctx.config.host}:${ctx.config.ports.kafka}`],
      connectionTimeout: 2000,
      requestTimeout: 3000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
      ...(await stackKafkaAccess(ctx)),
    });
    const admin = client.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0 || cluster.controller === null) throw new StackError('kafka', 'no controller elected yet');
      // A restarted controller first announces the broker with no partitions, then elects leaders
      // topic by topic; until then the pipeline's topics look missing (provisioning would try to
      // create them) and producers get NOT_LEADER. Ready means serving every one held on disk.
      const held = heldTopics(ctx.dataDir('kafka'));
      if (held.length > 0) {
        const metadata = await admin.fetchTopicMetadata({ topics: held });
        const leaderless = metadata.topics.filter((t) => t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
        if (leaderless.length > 0) throw new StackError('kafka', `no leader yet for ${leaderless.join(', ')}`);
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },
};

/**
 * The pipeline's topics (and the consumer-offsets topic) that have partitions in the broker's log
 * directory. Test topics are left out: one being deleted can still have a directory for a moment.
 */
function heldTopics(logDir: string): string[] {
  const wanted = new Set(['__consumer_offsets', ...topicSpecs.map((t) => t.name)]);
  let entries: string[];
  try {
    entries = readdirSync(logDir);
  } catch {
    return [];
  }
  // <topic>-<partition>; a directory being deleted or moved ends in -delete, -future or -stray.
  const names = entries.map((e) => /^(.+)-\d+$/.exec(e)?.[1]).filter((t): t is string => t !== undefined && wanted.has(t));
  return [...new Set(names)];
}
