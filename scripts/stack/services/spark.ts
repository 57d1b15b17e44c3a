/**
 * Spark, optional (`npm run stack:up -- --with spark`): the Structured Streaming job
 * spark/user_aggregates.py in local mode, users.clean → signups per minute in Cassandra.
 * Spark itself is pyspark from PyPI (spark/requirements.txt, a project-local venv); the Kafka, Avro
 * and Cassandra connectors come from Maven Central through infra/native/spark/pom.xml and go to
 * Spark as spark.jars, so Spark's own Ivy resolution (and spark-packages) is never needed.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ensurePythonEnv } from '../python';
import { provision } from '../provision';
import { StackError, type LaunchSpec, type Service, type StackContext } from '../service';

const NAME = 'spark';
const POM = 'infra/native/spark/pom.xml';
const JOB = 'spark/user_aggregates.py';
/** spark/user_aggregates.py APP_NAME: what the probe looks for in the UI's application list. */
export const APP_NAME = 'tributary-user-aggregates';
/** Spark 3.5 runs on Java 8, 11 and 17; 17 is the stack's. */
const JAVA = [17] as const;
const PYTHON = { requirements: 'spark/requirements.txt', constraints: 'spark/constraints.txt' };

export interface UserAggregatesRun {
  topic: string;
  keyspace: string;
  checkpointDir: string;
  /** Process what the topic holds, then exit (tests, batch runs); otherwise run until stopped. */
  availableNow: boolean;
  /** The UI and REST API on ports.sparkUi; off for a one-off run beside the running service. */
  ui: boolean;
}

function sitePackages(venv: string): string {
  const lib = path.join(venv, 'lib');
  for (const entry of readdirSync(lib)) {
    const pyspark = path.join(lib, entry, 'site-packages', 'pyspark');
    if (existsSync(path.join(pyspark, 'jars'))) return pyspark;
  }
  throw new StackError(NAME, `pyspark is not installed in ${venv} (its jars folder is missing)`);
}

/**
 * The connector jars, checked against pyspark's own: the Kafka/Avro connectors must be pyspark's
 * Spark version exactly, and no artifact may be on the classpath twice in two versions.
 */
function connectorJars(classpath: string, pysparkJars: string): string[] {
  const shipped = readdirSync(pysparkJars);
  const sparkVersion = /^spark-core_2\.12-(.+)\.jar$/.exec(shipped.find((j) => j.startsWith('spark-core_2.12-')) ?? '')?.[1];
  const jars = classpath.split(':').filter(Boolean);
  for (const jar of jars) {
    // ~/.m2/repository/<group path>/<artifact>/<version>/<artifact>-<version>.jar
    const version = path.basename(path.dirname(jar));
    const artifact = path.basename(path.dirname(path.dirname(jar)));
    const twin = shipped.find((j) => j.startsWith(`${artifact}-`) && /^\d/.test(j.slice(artifact.length + 1)));
    if (twin) throw new StackError(NAME, `${POM} brings ${artifact}-${version}, but pyspark ships ${twin}: add an exclusion`);
    if (/^spark-(sql-kafka|token-provider-kafka|avro)/.test(artifact) && version !== sparkVersion) {
      throw new StackError(
        NAME,
        `${POM} has ${artifact} ${version}, but pyspark is Spark ${sparkVersion ?? 'unknown'}: they must match (spark/constraints.txt)`,
      );
    }
  }
  return jars;
}

/** The spark-submit command for one run of the job; the service and the integration test share it. */
export async function userAggregatesCommand(ctx: StackContext, run: UserAggregatesRun): Promise<LaunchSpec> {
  const [java, venv, classpath] = await Promise.all([
    ctx.java(NAME, JAVA),
    ensurePythonEnv(ctx, NAME, PYTHON.requirements, PYTHON.constraints),
    ctx.mavenClasspath(POM),
  ]);
  const pyspark = sitePackages(venv.home);
  const jars = connectorJars(classpath, path.join(pyspark, 'jars'));
  const { config } = ctx;
  const conf: Record<string, string | number | boolean> = {
    // Local mode: the driver is the executor; 2 task threads for the stack's 2 cores.
    'spark.driver.memory': '1g',
    'spark.jars': jars.join(','),
    // Spark's launcher already adds the --add-opens Java 17 needs (JavaModuleOptions). G1 grows the
    // heap to ~650 MB committed for ~240 MB live under a trickle of micro-batches and keeps it:
    // periodic cycles with a 30% free-heap ceiling hand it back. Spark's scratch space (shuffle,
    // cached blocks) defaults to java.io.tmpdir, kept inside the stack.
    'spark.driver.extraJavaOptions': [
      '-XX:+UseG1GC',
      '-XX:G1PeriodicGCInterval=60000',
      '-XX:MinHeapFreeRatio=10',
      '-XX:MaxHeapFreeRatio=30',
      '-XX:+ExitOnOutOfMemoryError',
      `-Djava.io.tmpdir=${ctx.dataDir(path.join(NAME, 'tmp'))}`,
    ].join(' '),
    'spark.driver.host': config.host,
    'spark.driver.bindAddress': config.host,
    'spark.ui.enabled': run.ui,
    'spark.ui.port': config.ports.sparkUi,
    // Without it the UI silently moves to the next port when 9090 is taken; fail instead.
    'spark.port.maxRetries': 0,
    'spark.ui.showConsoleProgress': false,
    // A long-running query runs a job per micro-batch; the UI's defaults keep 1000 of each in the heap.
    'spark.ui.retainedJobs': 100,
    'spark.ui.retainedStages': 100,
    'spark.sql.ui.retainedExecutions': 50,
    'spark.sql.streaming.ui.retainedQueries': 10,
  };
  const args = [
    '--master',
    'local[2]',
    '--name',
    APP_NAME,
    ...Object.entries(conf).flatMap(([key, value]) => ['--conf', `${key}=${value}`]),
    path.join(ctx.root, JOB),
    '--bootstrap-servers',
    config.kafka.brokers.join(','),
    '--topic',
    run.topic,
    '--schema-registry-url',
    config.schemaRegistry.url,
    '--cassandra',
    config.cassandra.contactPoints.join(','),
    '--cassandra-dc',
    config.cassandra.localDataCenter,
    '--keyspace',
    run.keyspace,
    '--checkpoint-dir',
    run.checkpointDir,
    ...(run.availableNow ? ['--available-now'] : []),
  ];
  return {
    command: venv.bin('spark-submit'),
    args,
    env: {
      JAVA_HOME: java.home,
      // pyspark's own Spark and a conf folder of ours, whatever SPARK_HOME/SPARK_CONF_DIR the shell has.
      SPARK_HOME: pyspark,
      SPARK_CONF_DIR: path.join(ctx.root, 'spark', 'conf'),
      SPARK_LOCAL_IP: config.host,
      PYSPARK_PYTHON: venv.python,
      PYSPARK_DRIVER_PYTHON: venv.python,
      PYTHONUNBUFFERED: '1',
      // Fewer glibc malloc arenas keeps the JVM's native memory (RSS) down, as for Cassandra.
      MALLOC_ARENA_MAX: '4',
    },
    cwd: ctx.root,
  };
}

export function uiUrl(ctx: StackContext): string {
  return `http://${ctx.config.host}:${ctx.config.ports.sparkUi}`;
}

export const spark: Service = {
  name: NAME,
  optional: true,
  dependsOn: ['kafka', 'schema-registry', 'cassandra'],
  downloads: { java: JAVA, maven: POM, python: PYTHON },
  // Spawn to the UI listing the application (JVM, py4j, session): 13-21 s measured on 2 cores, up
  // to 80 s with the machine at load 10-15.
  readyTimeoutMs: 180_000,
  // The driver's shutdown hook stops the query; the checkpoint makes even a SIGKILL safe.
  stopTimeoutMs: 30_000,
  port: (ctx) => ctx.config.ports.sparkUi,
  endpoint: uiUrl,

  async prepare(ctx) {
    // The aggregate tables must exist before the first micro-batch writes (provisioning runs at
    // the end of `up`, after this service started); idempotent and skipped when up to date.
    await provision(ctx, { force: false });
    return userAggregatesCommand(ctx, {
      topic: ctx.config.topics.clean,
      keyspace: ctx.config.cassandra.keyspace,
      checkpointDir: path.join(ctx.dataDir(path.join(NAME, 'checkpoints')), 'user_aggregates'),
      availableNow: false,
      ui: true,
    });
  },

  async probe(ctx) {
    const url = `${uiUrl(ctx)}/api/v1/applications`;
    let body: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      body = await res.text();
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${body.slice(0, 200)}`);
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new StackError(NAME, `GET ${url} failed: ${cause}`, ctx.logFile(NAME));
    }
    let apps: unknown;
    try {
      apps = JSON.parse(body);
    } catch {
      throw new StackError(NAME, `GET ${url} answered a non-JSON body: ${body.slice(0, 200)}`, ctx.logFile(NAME));
    }
    const running =
      Array.isArray(apps) &&
      apps.some((a: { name?: string; attempts?: { completed?: boolean }[] }) => a.name === APP_NAME && a.attempts?.some((t) => t.completed === false));
    if (!running) throw new StackError(NAME, `${url} does not list a running ${APP_NAME}: ${body.slice(0, 200)}`, ctx.logFile(NAME));
  },
};
