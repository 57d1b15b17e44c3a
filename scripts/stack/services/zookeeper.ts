import net from 'node:net';
import path from 'node:path';
import { properties, writeIfChanged } from '../files';
import { StackError, type Service } from '../service';

/** The Java versions Kafka 3.9 and its ZooKeeper run on (of those its release notes name) that this stack uses. */
export const KAFKA_JAVA = [17, 21] as const;
export const KAFKA_POM = 'infra/native/kafka/pom.xml';

/** Sends one ZooKeeper four-letter word ("ruok", "dump", ...) and returns the whole reply. */
export function fourLetterWord(word: string, host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let reply = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('timed out')));
    socket.on('connect', () => socket.write(word));
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

export const zookeeper: Service = {
  name: 'zookeeper',
  dependsOn: [],
  downloads: { java: KAFKA_JAVA, maven: KAFKA_POM },
  readyTimeoutMs: 60_000,
  stopTimeoutMs: 15_000,
  port: (ctx) => ctx.config.ports.zookeeper,
  endpoint: (ctx) => `${ctx.config.host}:${ctx.config.ports.zookeeper}`,

  async prepare(ctx) {
    const [java, classpath] = await Promise.all([ctx.java('zookeeper', KAFKA_JAVA), ctx.mavenClasspath(KAFKA_POM)]);
    const conf = path.join(ctx.optDir('zookeeper'), 'zoo.cfg');
    writeIfChanged(
      conf,
      properties({
        dataDir: ctx.dataDir('zookeeper'),
        clientPort: ctx.config.ports.zookeeper,
        clientPortAddress: ctx.config.host,
        tickTime: 2000,
        initLimit: 10,
        syncLimit: 5,
        maxClientCnxns: 0,
        'admin.enableServer': false,
        // dump: Kafka's start waits until a killed broker's ephemeral registration has expired.
        '4lw.commands.whitelist': 'ruok,srvr,stat,dump',
      }),
    );
    return {
      command: java.bin,
      args: [
        '-Xms64m',
        '-Xmx256m',
        '-XX:+UseSerialGC',
        `-Dlog4j.configuration=file:${path.join(ctx.root, 'infra/native/kafka/log4j.properties')}`,
        '-Dzookeeper.jmx.log4j.disable=true',
        '-cp',
        classpath,
        'org.apache.zookeeper.server.ZooKeeperServerMain',
        conf,
      ],
    };
  },

  async probe(ctx) {
    const reply = await fourLetterWord('ruok', ctx.config.host, ctx.config.ports.zookeeper, 3000);
    if (reply !== 'imok') throw new StackError('zookeeper', `answered "${reply}" to ruok`);
    // ruok says imok as soon as the port is open; srvr tells whether the database is loaded.
    const srvr = await fourLetterWord('srvr', ctx.config.host, ctx.config.ports.zookeeper, 3000);
    if (!srvr.includes('Mode:')) throw new StackError('zookeeper', `not serving yet: ${srvr.trim()}`);
  },
};
