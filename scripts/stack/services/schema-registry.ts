/**
 * Schema Registry: Apicurio Registry 3.3 (Apache-2.0, from Maven Central through
 * infra/native/schema-registry/pom.xml) serving the Confluent-compatible API at /apis/ccompat/v7,
 * stored in PostgreSQL so schema ids survive restarts. Its classes need Java 21 or newer.
 *
 * Behaviour a Confluent client sees:
 * - ids are Apicurio *content* ids (legacy-id-mode off): the same schema text registered under two
 *   subjects gets the same id, as in Confluent, and GET /schemas/ids/{id} resolves every id that
 *   POST /subjects/{s}/versions returned.
 * - the global compatibility starts at NONE (Confluent: BACKWARD); provisioning sets it with
 *   PUT /config, which is stored in the database and enforced (HTTP 409, error_code 409).
 * - a database written by an older 3.x is upgraded in place by Apicurio at start (apicurio.sql.init).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { topology } from '../../../layers/config';
import { registryFetch } from '../../../layers/adapters/registry-access';
import { secureRegistryProperties } from '../secure/schema-registry';
import { StackError, type Service, type StackContext } from '../service';

const run = promisify(execFile);

const NAME = 'schema-registry';
const POM = 'infra/native/schema-registry/pom.xml';
/** Apicurio 3.3 is built for Java 21 (class file 65); 25 is the newest it was run on here. */
const JAVA = [21, 25] as const;
/** What a Quarkus "fast-jar" distribution holds: the launcher and its three folders. */
const LAYOUT = ['quarkus-run.jar', 'lib', 'app', 'quarkus'];

/**
 * Unpacks the distribution once per archive into .stack/opt/schema-registry/apicurio-<version>,
 * and removes the trees of other versions (an older .stack keeps its 3.0 tree otherwise). A tree
 * another stack home beside this one already unpacked from the same archive (.stack for
 * .stack-secure) is hard-linked instead: the same files, ~250 MB of disk once, not twice. The tree
 * is only read at run time; what the JVM writes (its class-data archive) lives beside it.
 */
async function unpack(ctx: StackContext, archive: string): Promise<string> {
  const version = /apicurio-registry-app-(.+)-all\.tar\.gz$/.exec(archive)?.[1];
  if (!version) throw new StackError(NAME, `${POM} resolved ${archive}, not an apicurio-registry-app-<version>-all.tar.gz`);
  const opt = ctx.optDir(NAME);
  const tree = `apicurio-${version}`;
  const home = path.join(opt, tree);
  for (const entry of readdirSync(opt)) {
    if (entry.startsWith('apicurio-') && entry !== tree && !entry.startsWith(`${tree}.`)) {
      ctx.progress(`${NAME}: removing ${entry} from ${path.relative(ctx.root, opt)} (replaced by Apicurio ${version}; the schemas stay in PostgreSQL)`);
      rmSync(path.join(opt, entry), { recursive: true, force: true });
    }
  }
  if (unpackedFrom(home, archive)) {
    dropClassDataArchives(home);
    return home;
  }

  // Leftovers of an interrupted unpack are removed; the finished tree appears by one rename.
  for (const entry of readdirSync(opt)) if (entry.startsWith('.unpack-')) rmSync(path.join(opt, entry), { recursive: true, force: true });
  const staging = path.join(opt, `.unpack-${process.pid}`);
  const twin = siblingHomes(ctx)
    .map((other) => path.join(other, 'opt', NAME, tree))
    .find((other) => unpackedFrom(other, archive));
  try {
    if (twin) {
      await run('cp', ['-al', twin, staging]);
      dropClassDataArchives(staging);
    } else {
      ctx.progress(`${NAME}: unpacking Apicurio Registry ${version} (once)`);
      mkdirSync(staging, { recursive: true });
      await run('tar', ['-xzf', archive, '-C', staging], { maxBuffer: 16 * 1024 * 1024 });
    }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw new StackError(NAME, `cannot unpack ${archive}: ${(err as Error).message.split('\n')[0]} (delete it to download again)`);
  }
  const missing = LAYOUT.filter((f) => !existsSync(path.join(staging, f)));
  if (missing.length > 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new StackError(NAME, `${archive} lacks ${missing.join(', ')}: not the Quarkus layout this stack starts`);
  }
  if (!twin) writeFileSync(path.join(staging, '.unpacked'), `${archive}\n`);
  rmSync(home, { recursive: true, force: true });
  renameSync(staging, home);
  return home;
}

/** A tree unpacked before the class-data archive moved beside it may still hold one (~70 MB each). */
function dropClassDataArchives(tree: string): void {
  for (const entry of readdirSync(tree)) if (entry.endsWith('.jsa')) rmSync(path.join(tree, entry));
}

function unpackedFrom(home: string, archive: string): boolean {
  const marker = path.join(home, '.unpacked');
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === archive && LAYOUT.every((f) => existsSync(path.join(home, f)));
}

/** The other stack homes in this one's folder (.stack, .stack-secure, …). */
function siblingHomes(ctx: StackContext): string[] {
  const parent = path.dirname(ctx.home);
  return readdirSync(parent)
    .map((entry) => path.join(parent, entry))
    .filter((dir) => dir !== ctx.home && existsSync(path.join(dir, 'opt', NAME)));
}

function jdbcUrl(ctx: StackContext): string {
  const { host, port } = ctx.config.postgres;
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `jdbc:postgresql://${h}:${port}/${topology.postgres.registryDatabase}?ApplicationName=tributary-schema-registry`;
}

function endpoint(ctx: StackContext): string {
  return `${ctx.config.secure ? 'https' : 'http'}://${ctx.config.host}:${ctx.config.ports.schemaRegistry}/apis/ccompat/v7`;
}

export const schemaRegistry: Service = {
  name: NAME,
  dependsOn: ['postgres'],
  downloads: { java: JAVA, maven: POM },
  readyTimeoutMs: 120_000,
  // The stop after the run that records the class-data archive writes it: seconds on a loaded box.
  stopTimeoutMs: 30_000,
  port: (ctx) => ctx.config.ports.schemaRegistry,
  endpoint,

  async prepare(ctx) {
    const [java, archive] = await Promise.all([ctx.java(NAME, JAVA), ctx.mavenClasspath(POM)]);
    const home = await unpack(ctx, archive);
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
    const secure = ctx.config.secure ? await secureRegistryProperties(ctx) : undefined;
    if (secure) Object.assign(props, secure.public, { 'quarkus.config.locations': secure.file });
    return {
      command: java.bin,
      args: [
        // Live heap after 1000 registrations is ~25 MB (64 MB committed); C1 only starts with half
        // the CPU and ~45 MB less RSS, and a registry's request rate never needs C2.
        '-Xms64m',
        '-Xmx384m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-XX:+ExitOnOutOfMemoryError',
        // Class-data sharing halves the CPU the registry needs to start: the JVM records the
        // archive at the first exit and maps it afterwards, recording anew when the JVM changed.
        `-XX:SharedArchiveFile=${home}.java${java.major}.jsa`,
        '-XX:+AutoCreateSharedArchive',
        '-Xlog:cds*=off',
        `-Djava.io.tmpdir=${ctx.dataDir(NAME)}`,
        ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`),
        '-jar',
        path.join(home, 'quarkus-run.jar'),
      ],
      cwd: home,
      // Kept off the command line (ps): Quarkus maps APICURIO_DATASOURCE_PASSWORD to apicurio.datasource.password.
      env: secure ? undefined : { APICURIO_DATASOURCE_PASSWORD: postgres.password },
    };
  },

  async probe(ctx) {
    const url = `${endpoint(ctx)}/subjects`;
    let res: { status: number; text(): Promise<string> };
    try {
      // The registry's own TLS and credentials on the secure stack (the URL is the config's, as endpoint()).
      res = await registryFetch(ctx.config.schemaRegistry, '/subjects', {
        timeoutMs: 3000,
        headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json' },
      });
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
  },
};
