/**
 * Apache Cassandra 5.0 as a local process: the jars come from Maven Central (cassandra-all and its
 * dependencies, infra/native/cassandra/pom.xml), so no Apache tarball and no bin/cassandra script.
 * The JVM flags below are what that script would add from conf/jvm-server.options,
 * conf/jvm17-server.options and conf/cassandra-env.sh, minus what only suits a dedicated server.
 */
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, errors } from 'cassandra-driver';
import { writeIfChanged } from '../files';
import { withTimerSlack } from '../proc';
import { writeSecretFile } from '../secure/material';
import { ensureCassandraRoles, SECURE_CASSANDRA_FLAGS, secureCassandraClient, secureCassandraYaml } from '../secure/cassandra';
import { StackError, type Service, type StackContext } from '../service';

const POM = 'infra/native/cassandra/pom.xml';
/** Cassandra 5.0 supports Java 11 and 17 only; the JPMS flags below are Java 17's list. */
const JAVA = [17] as const;
const YAML_TEMPLATE = 'infra/native/cassandra/cassandra.yaml';
const LOGBACK = 'infra/native/cassandra/logback.xml';
/** The release the pom pins; the probe checks the node answering is that line, not some other Cassandra. */
const RELEASE_LINE = '5.0.';

/** Not in the stack's port table: nothing outside the node uses them (gossip with itself; nodetool). */
const STORAGE_PORT = 7000;
const JMX_PORT = 7199;
/** What SimpleSnitch (cassandra.yaml) reports; the driver must name the same local datacenter. */
const DATACENTER = 'datacenter1';

/**
 * The node's threads wait for work by parking 10 µs to 1 ms at a time (Cassandra's shared executor
 * pool spins so), and each wake-up is a timer the kernel fires within the thread's timer slack,
 * 50 µs by default. At the pipeline's rate, between the sink's bursts, those wake-ups cost more than
 * the writes: with a 1 ms slack a write in the sink's shape cost Cassandra 0.13–0.14 CPU ms instead
 * of 0.19, a smooth stream 0.21 instead of 0.35–0.38, saturated writes the same (`npm run
 * bench:cassandra-pacing`, docs/performance.md). A timed wait may end up to 1 ms late: the group
 * commit's 15 ms window, a parked thread's next look for work (new work wakes it at once).
 */
export const CASSANDRA_TIMER_SLACK_NS = 1_000_000;

const SETPRIV = '/usr/bin/setpriv';
const CAP_SETPCAP = 8n;
const CAP_IPC_LOCK = 14n;

/** Whether this process holds a Linux capability (effective set), from /proc/self/status. */
function hasCapability(bit: bigint): boolean {
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return hex !== undefined && ((BigInt(`0x${hex}`) >> bit) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** conf/jvm17-server.options "JPMS": Cassandra reaches into JDK internals (Unsafe, direct buffers, RMI, attach). */
const JPMS_FLAGS = [
  '-Djdk.attach.allowAttachSelf=true',
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ].flatMap((p) => ['--add-exports', `${p}=ALL-UNNAMED`]),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'jdk.compiler/com.sun.tools.javac',
    'java.base/java.lang',
    'java.base/java.util',
  ].flatMap((p) => ['--add-opens', `${p}=ALL-UNNAMED`]),
];

/**
 * conf/jvm17-server.options G1 settings, without G1HeapRegionSize=16m (a 1 GB heap would get only 64
 * regions), and with a 50 ms pause goal instead of 300: G1 then keeps the young generation small.
 * With 300 it grew eden to 300-600 MB, and each collection stopped Cassandra for 200-400 ms while
 * its GC threads took both of a small machine's cores (the pipeline's p99, npm run bench).
 */
const GC_FLAGS = [
  '-XX:+UseG1GC',
  '-XX:+ParallelRefProcEnabled',
  '-XX:MaxTenuringThreshold=1',
  '-XX:G1RSetUpdatingPauseTimePercent=5',
  '-XX:MaxGCPauseMillis=50',
  '-XX:InitiatingHeapOccupancyPercent=70',
];

/** Same heap for -Xms and -Xmx (Cassandra's advice); a JVM size like 1G or 768m. */
function heapSize(ctx: StackContext): string {
  const heap = ctx.config.stack.cassandraHeap;
  if (!/^[1-9]\d*[kKmMgG]?$/.test(heap)) {
    throw new StackError('cassandra', `CASSANDRA_HEAP must be a JVM memory size like 1G or 768m, got "${heap}"`);
  }
  return heap;
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.once('listening', () => server.close(() => resolve(true)));
    server.listen(port, host);
  });
}

async function portFreeWithin(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await portFree(host, port))) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}

async function renderYaml(ctx: StackContext, dataDir: string): Promise<string> {
  return renderCassandraYaml(ctx.root, {
    DATA_DIR: dataDir,
    // The node listens on the stack's host only (the plain and the secure stack side by side).
    LISTEN_ADDRESS: ctx.config.host,
    ...(await secureCassandraYaml(ctx)),
    STORAGE_PORT: String(STORAGE_PORT),
    CQL_PORT: String(ctx.config.ports.cassandra),
  });
}

/** infra/native/cassandra/cassandra.yaml with its @…@ placeholders filled in (also compose's secure node: compose-material.ts). */
export function renderCassandraYaml(root: string, values: Readonly<Record<string, string>>): string {
  const yaml = readFileSync(path.join(root, YAML_TEMPLATE), 'utf8').replace(/@([A-Z_]+)@/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new StackError('cassandra', `${YAML_TEMPLATE} has an unknown placeholder ${whole}`);
    return value;
  });
  return `# Generated from ${YAML_TEMPLATE} by scripts/stack/services/cassandra.ts; edit the template.\n${yaml}`;
}

/** The driver's "all hosts failed" error hides each host's reason in innerErrors; name them. */
function driverReason(err: unknown): string {
  if (err instanceof errors.NoHostAvailableError) {
    const inner = Object.entries(err.innerErrors as Record<string, unknown>).map(([host, e]) => `${host}: ${e instanceof Error ? e.message : String(e)}`);
    if (inner.length > 0) return inner.join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}

export const cassandra: Service = {
  name: 'cassandra',
  dependsOn: [],
  downloads: { java: JAVA, maven: POM },
  // Measured 10-30 s from spawn to CQL on a shared 2-core machine (cold and warm alike: JIT and class
  // loading dominate); the margin covers a loaded machine and a long commit log replay.
  readyTimeoutMs: 180_000,
  // A drain (flush memtables) takes a few seconds; SIGKILL after this is still safe (commit log).
  stopTimeoutMs: 30_000,
  port: (ctx) => ctx.config.ports.cassandra,
  endpoint: (ctx) => `${ctx.config.host}:${ctx.config.ports.cassandra}`,

  async prepare(ctx) {
    if (ctx.config.cassandra.localDataCenter !== DATACENTER) {
      throw new StackError(
        'cassandra',
        `CASSANDRA_DC is "${ctx.config.cassandra.localDataCenter}" but the native node's datacenter is "${DATACENTER}"; unset CASSANDRA_DC for the native stack`,
      );
    }
    const heap = heapSize(ctx);
    const { host, secure } = ctx.config;
    // JMX listens on 127.0.0.1 whatever the host, unauthenticated: the plain stack's only.
    const ports = secure
      ? ([[STORAGE_PORT, 'storage (inter-node)']] as const)
      : ([
          [STORAGE_PORT, 'storage (inter-node)'],
          [JMX_PORT, 'JMX'],
        ] as const);
    for (const [port, what] of ports) {
      const address = port === JMX_PORT ? '127.0.0.1' : host;
      // Right after a stop the kernel may hold these a few seconds longer than the CQL port.
      if (!(await portFreeWithin(address, port, 15_000))) {
        throw new StackError(
          'cassandra',
          `${what} port ${address}:${port} is already taken by another process; stop it (another Cassandra?)`,
          ctx.logFile('cassandra'),
        );
      }
    }
    const [java, classpath] = await Promise.all([ctx.java('cassandra', JAVA), ctx.mavenClasspath(POM)]);
    const jamm = classpath.split(':').find((jar) => /\/jamm-[\d.]+\.jar$/.test(jar));
    if (!jamm) throw new StackError('cassandra', `the jamm jar is missing from the classpath resolved from ${POM}`);

    const dataDir = ctx.dataDir('cassandra');
    const conf = path.join(ctx.optDir('cassandra'), 'cassandra.yaml');
    // The secure node's file holds the keystore's password: owner-only.
    (secure ? writeSecretFile : writeIfChanged)(conf, await renderYaml(ctx, dataDir));

    const args = [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      // jvm-server.options: small thread stacks (Cassandra runs hundreds of threads), assertions on
      // except in Chronicle (its own advice), and no shared hsperfdata mmap in /tmp.
      '-Xss256k',
      '-ea',
      '-da:net.openhft...',
      '-XX:+UseThreadPriorities',
      '-XX:+PerfDisableSharedMem',
      '-Djava.net.preferIPv4Stack=true',
      // A JVM that hit OOM may corrupt data; exit so the supervisor sees it die (Cassandra warns without one).
      '-XX:+ExitOnOutOfMemoryError',
      // Deliberately not -XX:+AlwaysPreTouch: it faults in the whole heap up front (seconds of start-up
      // and a full-heap RSS from the first second) for a latency gain a dev stack does not need.
      ...GC_FLAGS,
      ...JPMS_FLAGS,
      // jvm17-server.options: Netty direct buffers via Unsafe, and its pre-4.1.75 allocator defaults.
      '-Dio.netty.tryReflectionSetAccessible=true',
      '-Dio.netty.allocator.useCacheForAllThreads=true',
      '-Dio.netty.allocator.maxOrder=11',
      // cassandra-env.sh: jamm measures on-heap object sizes for memtable accounting.
      `-javaagent:${jamm}`,
      // JMX on loopback only, so nodetool works: java <JPMS flags> -cp <classpath> org.apache.cassandra.tools.NodeTool status
      ...(secure ? SECURE_CASSANDRA_FLAGS : [`-Dcassandra.jmx.local.port=${JMX_PORT}`]),
      // Without it CassandraDaemon closes stdout/stderr, and stdout is where our log goes.
      '-Dcassandra-foreground=yes',
      `-Dcassandra.config=${pathToFileURL(conf).href}`,
      `-Dcassandra.storagedir=${dataDir}`,
      `-Dcassandra.logdir=${path.dirname(ctx.logFile('cassandra'))}`,
      `-Dlogback.configurationFile=${path.join(ctx.root, LOGBACK)}`,
      // Single node: no peers to wait for.
      '-Dcassandra.skip_wait_for_gossip_to_settle=0',
      '-Dcassandra.ring_delay_ms=1000',
      '-cp',
      classpath,
      'org.apache.cassandra.service.CassandraDaemon',
    ];
    // With CAP_IPC_LOCK (root), Cassandra's mlockall(MCL_CURRENT) succeeds and pins the whole
    // committed heap: 5-9 s of page faults at start-up and an RSS of heap + 500 MB from the first
    // second, to prevent swapping a dev machine may not even have. Dropping the capability for the
    // JVM makes mlockall fail with a logged warning, as it does for any ordinary user.
    const dropIpcLock = hasCapability(CAP_IPC_LOCK) && hasCapability(CAP_SETPCAP) && existsSync(SETPRIV);
    const [command, launchArgs]: [string, string[]] = dropIpcLock
      ? [SETPRIV, ['--inh-caps=-ipc_lock', '--bounding-set=-ipc_lock', '--', java.bin, ...args]]
      : [java.bin, args];
    return {
      ...withTimerSlack(CASSANDRA_TIMER_SLACK_NS, command, launchArgs),
      // cassandra-env.sh: fewer glibc malloc arenas keeps native memory (RSS) down.
      env: { MALLOC_ARENA_MAX: '4' },
      cwd: ctx.optDir('cassandra'),
    };
  },

  async probe(ctx) {
    const contactPoints = ctx.config.cassandra.contactPoints;
    let client: Client | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      client = ctx.config.secure
        ? (await secureCassandraClient(ctx)).client
        : new Client({
            contactPoints,
            localDataCenter: DATACENTER,
            socketOptions: { connectTimeout: 2000, readTimeout: 3000 },
            // The probe needs one query, not the schema metadata the driver loads by default.
            isMetadataSyncEnabled: false,
          });
      const query = client.execute('SELECT release_version FROM system.local');
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 8 s')), 8000);
      });
      const result = await Promise.race([query, timeout]);
      const version: unknown = result.first()?.get('release_version');
      if (typeof version !== 'string' || !version.startsWith(RELEASE_LINE)) {
        throw new StackError('cassandra', `${contactPoints.join(',')} answers CQL but is Cassandra ${String(version)}, not the stack's ${RELEASE_LINE}x`);
      }
    } catch (err) {
      if (err instanceof StackError) throw err;
      throw new StackError('cassandra', `no CQL answer (the native node listens on ${ctx.config.host}, datacenter ${DATACENTER}): ${driverReason(err)}`);
    } finally {
      clearTimeout(timer);
      await client?.shutdown().catch(() => undefined);
    }
  },

  /** The secure node's roles: the pipeline's from its secret, and no default superuser. */
  async initialize(ctx) {
    if (ctx.config.secure) await ensureCassandraRoles(ctx);
  },
};
