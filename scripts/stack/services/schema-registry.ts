/**
 * Schema Registry: Apicurio Registry 3.0.9 (Apache-2.0, from Maven Central) serving the
 * Confluent-compatible API at /apis/ccompat/v7, stored in PostgreSQL so schema ids survive restarts.
 *
 * Behaviour a Confluent client sees (verified against 3.0.9):
 * - ids are Apicurio *content* ids (legacy-id-mode off): the same schema text registered under two
 *   subjects gets the same id, as in Confluent, and GET /schemas/ids/{id} resolves every id that
 *   POST /subjects/{s}/versions returned.
 * - the global compatibility starts at NONE (Confluent: BACKWARD); provisioning sets it with
 *   PUT /config, which is stored in the database and enforced (HTTP 409, error_code 409).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { topology } from '../../../layers/config';
import { StackError, type JavaRuntime, type Service, type StackContext } from '../service';

const run = promisify(execFile);

const VERSION = '3.0.9';
const ARTIFACT = `io.apicurio:apicurio-registry-app:${VERSION}:tar.gz:all`;
const RUNNER = `apicurio-registry-app-${VERSION}-runner.jar`;
const NAME = 'schema-registry';

/** Unpacks the distribution once per version into .stack/opt/schema-registry/apicurio-<version>. */
async function unpack(ctx: StackContext, archive: string): Promise<string> {
  const opt = ctx.optDir(NAME);
  const home = path.join(opt, `apicurio-${VERSION}`);
  const marker = path.join(home, '.unpacked');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === ARTIFACT && existsSync(path.join(home, RUNNER))) return home;

  ctx.progress(`${NAME}: unpacking Apicurio Registry ${VERSION} (once)`);
  // Leftovers of an interrupted unpack are removed; the finished tree appears by one rename.
  for (const entry of readdirSync(opt)) if (entry.startsWith('.unpack-')) rmSync(path.join(opt, entry), { recursive: true, force: true });
  const staging = path.join(opt, `.unpack-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  try {
    await run('tar', ['-xzf', archive, '-C', staging], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw new StackError(NAME, `cannot unpack ${archive}: ${(err as Error).message.split('\n')[0]} (delete it to download again)`);
  }
  if (!existsSync(path.join(staging, RUNNER)) || !existsSync(path.join(staging, 'lib'))) {
    rmSync(staging, { recursive: true, force: true });
    throw new StackError(NAME, `${archive} does not contain ${RUNNER} and lib/`);
  }
  writeFileSync(path.join(staging, '.unpacked'), `${ARTIFACT}\n`);
  rmSync(home, { recursive: true, force: true });
  renameSync(staging, home);
  return home;
}

/** First bytes of a complete JDK dynamic CDS archive (CDS_DYNAMIC_ARCHIVE_MAGIC 0xf00baba8, little-endian). */
const DYNAMIC_ARCHIVE_MAGIC = Buffer.from([0xa8, 0xab, 0x0b, 0xf0]);

function isDynamicArchive(file: string): boolean {
  if (!existsSync(file)) return false;
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(DYNAMIC_ARCHIVE_MAGIC);
  } finally {
    closeSync(fd);
  }
}

/** The archive the process started by the last prepare() records at exit, until probe() saw it serve. */
let recording: string | undefined;

/**
 * Application class-data sharing halves the CPU the registry needs to start (~6 s → ~3 s measured).
 * Java 17 cannot create the archive ahead of time, so one run records it when it exits
 * (-XX:ArchiveClassesAtExit: that run starts slower and its stop takes 8–15 s) and later runs
 * map it. An archive counts only if its run became ready ("<archive>.served", written by probe) —
 * a run that failed early records a useless one — and if the JVM finished writing it (magic
 * number, written last). Keyed by the JVM build, so a JDK upgrade records anew. Any doubt means no
 * CDS flags, never a failed start.
 */
async function classDataSharing(java: JavaRuntime, home: string): Promise<string[]> {
  recording = undefined;
  let jvm: string;
  try {
    const { stderr } = await run(java.bin, ['-XshowSettings:properties', '-version'], { timeout: 15_000 });
    const prop = (name: string): string => new RegExp(`^\\s*${name.replace(/\./g, '\\.')} = (.*)$`, 'm').exec(stderr)?.[1]?.trim() ?? '';
    jvm = [prop('java.home'), prop('java.vm.name'), prop('java.vm.version')].join('|');
    if (jvm === '||') return [];
  } catch {
    return [];
  }
  const archive = path.join(home, `app-cds-${createHash('sha256').update(jvm).digest('hex').slice(0, 12)}.jsa`);
  const served = `${archive}.served`;
  // The JVM's own CDS messages (hundreds of "Skipping …" lines while recording) are noise here.
  const quiet = '-Xlog:cds*=off';
  if (existsSync(served) && isDynamicArchive(archive)) return [`-XX:SharedArchiveFile=${archive}`, quiet];
  rmSync(archive, { force: true });
  rmSync(served, { force: true });
  recording = archive;
  return [`-XX:ArchiveClassesAtExit=${archive}`, quiet];
}

function jdbcUrl(ctx: StackContext): string {
  const { host, port } = ctx.config.postgres;
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `jdbc:postgresql://${h}:${port}/${topology.postgres.registryDatabase}?ApplicationName=tributary-schema-registry`;
}

function endpoint(ctx: StackContext): string {
  return `http://${ctx.config.host}:${ctx.config.ports.schemaRegistry}/apis/ccompat/v7`;
}

export const schemaRegistry: Service = {
  name: NAME,
  dependsOn: ['postgres'],
  readyTimeoutMs: 120_000,
  // The stop after the run that records the class-data archive writes it: 8–15 s measured on a loaded box.
  stopTimeoutMs: 30_000,
  port: (ctx) => ctx.config.ports.schemaRegistry,
  endpoint,

  async prepare(ctx) {
    const [java, archive] = await Promise.all([ctx.java(), ctx.mavenArtifact(ARTIFACT)]);
    if (java.major < 17) throw new StackError(NAME, `Apicurio Registry ${VERSION} needs Java 17 or newer, found ${java.major} at ${java.bin}`);
    const home = await unpack(ctx, archive);
    const cds = await classDataSharing(java, home);
    const { postgres, host, ports } = ctx.config;
    const props: Record<string, string | number | boolean> = {
      'quarkus.http.host': host,
      'quarkus.http.port': ports.schemaRegistry,
      // SQL storage on our PostgreSQL; Apicurio creates its tables on first start (apicurio.sql.init).
      'apicurio.storage.kind': 'sql',
      'apicurio.storage.sql.kind': 'postgresql',
      'apicurio.datasource.url': jdbcUrl(ctx),
      'apicurio.datasource.username': postgres.user,
      // The defaults hold 20 connections open (max 100); a dev registry needs a handful.
      'apicurio.datasource.jdbc.initial-size': 1,
      'apicurio.datasource.jdbc.min-size': 1,
      'apicurio.datasource.jdbc.max-size': 10,
      // Confluent id semantics: ids are content ids, shared by identical schemas across subjects.
      'apicurio.ccompat.legacy-id-mode.enabled': false,
      'apicurio.app.name': 'Tributary Schema Registry (Apicurio)',
      // Every probe would otherwise write an access-log line; the audit log still records changes.
      'quarkus.http.access-log.enabled': false,
      // The packaged format prints dates as "2025-06+00-09".
      'quarkus.log.console.format': '%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{2.}] (%t) %s%e%n',
    };
    return {
      command: java.bin,
      args: [
        // Live heap after 1000 registrations is ~25 MB (64 MB committed); C1 only starts with half
        // the CPU and ~45 MB less RSS, and a registry's request rate never needs C2.
        '-Xms64m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:+ExitOnOutOfMemoryError',
        ...cds,
        `-Djava.io.tmpdir=${ctx.dataDir(NAME)}`,
        ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`),
        '-jar', path.join(home, RUNNER),
      ],
      cwd: home,
      // Kept off the command line (ps): Quarkus maps APICURIO_DATASOURCE_PASSWORD to apicurio.datasource.password.
      env: { APICURIO_DATASOURCE_PASSWORD: postgres.password },
    };
  },

  async probe(ctx) {
    const url = `${endpoint(ctx)}/subjects`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(3000), headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json' } });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new StackError(NAME, `GET ${url} failed: ${cause}`, ctx.logFile(NAME));
    }
    const body = await res.text();
    if (res.status !== 200) throw new StackError(NAME, `GET ${url} answered HTTP ${res.status}: ${body.slice(0, 300)}`, ctx.logFile(NAME));
    let subjects: unknown;
    try {
      subjects = JSON.parse(body);
    } catch {
      throw new StackError(NAME, `GET ${url} answered a non-JSON body: ${body.slice(0, 300)}`, ctx.logFile(NAME));
    }
    if (!Array.isArray(subjects)) throw new StackError(NAME, `GET ${url} answered ${body.slice(0, 300)}, not a JSON array of subjects`, ctx.logFile(NAME));
    if (recording) {
      writeFileSync(`${recording}.served`, '');
      recording = undefined;
    }
  },
};
