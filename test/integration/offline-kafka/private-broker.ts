/**
 * A throwaway single-node KRaft broker, from the same Kafka jars as the stack, that the outage
 * tests may stop and start at will (the stack's broker is shared and must stay up).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { logLevel, type Kafka } from 'kafkajs';
import { KAFKA_JAVA } from '../../../scripts/stack/services/zookeeper';
import { createKafka } from '../../../layers/adapters/kafka';
import { createContext } from '../../../scripts/stack/context';
import { freePort } from '../../support/ports';

const KAFKA_POM = 'infra/native/kafka/pom.xml';

export class PrivateBroker {
  private process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly java: string,
    private readonly classpath: string,
  ) {}

  /** Formats the storage; the broker is not running until start(). */
  static async create(): Promise<PrivateBroker> {
    const ctx = createContext(() => undefined);
    const [java, classpath, port, controllerPort] = await Promise.all([ctx.java('kafka', KAFKA_JAVA), ctx.mavenClasspath(KAFKA_POM), freePort(), freePort()]);
    const dir = mkdtempSync(path.join(tmpdir(), 'offline-kafka-broker-'));
    const broker = new PrivateBroker(port, dir, java.bin, classpath);
    writeFileSync(
      broker.configFile,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
        `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
        'controller.listener.names=CONTROLLER',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        `log.dirs=${path.join(dir, 'data')}`,
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        // Restart quickly after a kill: fence the dead incarnation within seconds.
        'broker.session.timeout.ms=2000',
        'broker.heartbeat.interval.ms=500',
        'auto.create.topics.enable=false',
      ].join('\n'),
    );
    const clusterId = randomBytes(16).toString('base64url');
    await broker.runTool(['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', broker.configFile]);
    return broker;
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  kafka(): Kafka {
    return createKafka({ brokers: [this.brokers], clientId: 'offline-kafka-test' }, { logLevel: logLevel.NOTHING });
  }

  async start(): Promise<void> {
    this.process = spawn(this.java, ['-Xms128m', '-Xmx256m', '-XX:+UseSerialGC', '-cp', this.classpath, 'kafka.Kafka', this.configFile], {
      stdio: 'ignore',
    });
    const admin = this.kafka().admin();
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.controller !== null) break;
      } catch {
        if (Date.now() > deadline) throw new Error(`private broker on ${this.brokers} did not start`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
  }

  /** Kills the broker outright, as a crash or a pulled cable would. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get configFile(): string {
    return path.join(this.dir, 'server.properties');
  }

  private runTool(args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.java, ['-cp', this.classpath, ...args], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args[0]} exited with ${code}`))));
    });
  }
}
