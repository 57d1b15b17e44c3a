/** Builds the StackContext every service receives: paths under .stack/, toolchain, Maven. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../../layers/config';
import { fetchArtifact, resolveClasspath } from './maven';
import type { JavaRuntime, StackContext } from './service';
import { findJava, findMaven } from './toolchain';

export const repoRoot = path.resolve(__dirname, '..', '..');

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

export function createContext(progress: (m: string) => void, config: Config = loadConfig()): StackContext {
  const home = path.resolve(repoRoot, config.stack.home);
  const dir = (...parts: string[]): string => {
    const p = path.join(home, ...parts);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const java = once<JavaRuntime>(() => findJava(config.stack.javaHome, progress));
  const maven = once(() => findMaven(progress));
  return {
    config,
    root: repoRoot,
    home,
    dataDir: (name) => dir('data', name),
    optDir: (name) => dir('opt', name),
    logFile: (name) => path.join(dir('logs'), `${name}.log`),
    progress,
    java,
    mavenClasspath: async (pomPath) => resolveClasspath(await maven(), path.resolve(repoRoot, pomPath), dir('cache'), progress),
    mavenArtifact: async (coordinates) => fetchArtifact(await maven(), coordinates, progress),
  };
}
