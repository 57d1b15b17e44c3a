/**
 * Maven Central is where the stack's JVM services come from. Maven's local repository (~/.m2) is
 * the download cache; resolved classpaths are cached per pom content so a warm start skips mvn.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StackError } from './service';

export const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

export function localRepository(): string {
  return path.join(os.homedir(), '.m2', 'repository');
}

/**
 * What Maven said it could not get, as "Maven Central does not serve <coordinates>" and where the
 * version is set — a registry can stop serving an artifact a pin names (it did: Apicurio 3.0.9's
 * parent POM), and the first thing a user needs is which one and where to pick another.
 */
export function unservedArtifact(output: string, pomPath: string): string | undefined {
  const artifact =
    /Could not find artifact (\S+) in (\S+)/.exec(output) ??
    /Failure to find (\S+) in (\S+)/.exec(output) ??
    /Could not transfer artifact (\S+) from\/to (\S+)/.exec(output);
  if (!artifact) return undefined;
  const [, coordinates, repository] = artifact;
  const registry = repository === 'central' ? 'Maven Central (repository "central")' : `repository ${repository}`;
  const parent = /Failed to read artifact descriptor for (\S+)/.exec(output)?.[1];
  const via = parent && parent !== coordinates ? ` (needed by ${parent})` : '';
  return `${registry} does not serve ${coordinates}${via}; pick another version in ${pomPath}`;
}

/** Runs mvn, turning its download lines into progress and its failure into a named error. */
function mvn(mvnBin: string, args: string[], what: string, pomPath: string, progress: (m: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // Maven's own default is Java's user.home (from /etc/passwd), not $HOME: named here, so the
    // stack's cache is the one it reads and measures, and an empty HOME really starts cold.
    const child = spawn(mvnBin, ['-B', '-ntp', `-Dmaven.repo.local=${localRepository()}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let downloads = 0;
    let tail = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      for (const line of text.split('\n')) {
        if (line.includes('Downloaded from')) {
          downloads += 1;
          if (downloads % 25 === 1) progress(`${what}: downloaded ${downloads} artifacts from Maven Central…`);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new StackError('maven', `cannot run mvn for ${what}: ${err.message}`)));
    child.on('exit', (code) => {
      if (code === 0) {
        if (downloads > 0) progress(`${what}: ${downloads} artifacts downloaded`);
        resolve();
        return;
      }
      const reason = /No space left on device/i.test(tail) ? 'out of disk' : (unservedArtifact(tail, pomPath) ?? 'download failed');
      const errors = tail
        .split('\n')
        .filter((l) => l.includes('[ERROR]'))
        .slice(0, 5)
        .join('\n');
      reject(new StackError('maven', `${what}: ${reason} (mvn exit ${code})\n${errors || tail.slice(-1500)}`));
    });
  });
}

export async function resolveClasspath(mvnBin: string, pomPath: string, cacheDir: string, progress: (m: string) => void): Promise<string> {
  const pom = readFileSync(pomPath);
  const key = createHash('sha256').update(pom).digest('hex').slice(0, 16);
  mkdirSync(cacheDir, { recursive: true });
  const cacheFile = path.join(cacheDir, `classpath-${path.basename(path.dirname(pomPath))}-${key}.txt`);
  if (existsSync(cacheFile)) {
    const cached = readFileSync(cacheFile, 'utf8').trim();
    if (cached.split(':').every((jar) => existsSync(jar))) return cached;
  }
  progress(`resolving ${path.relative(process.cwd(), pomPath)} from Maven Central (cached in ~/.m2 after the first time)`);
  await mvn(
    mvnBin,
    ['-f', pomPath, `${DEPENDENCY_PLUGIN}:build-classpath`, `-Dmdep.outputFile=${cacheFile}`, '-Dmdep.includeScope=runtime'],
    path.basename(path.dirname(pomPath)),
    path.relative(process.cwd(), pomPath),
    progress,
  );
  return readFileSync(cacheFile, 'utf8').trim();
}
