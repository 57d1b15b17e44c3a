/** Builds the StackContext every service receives: paths under .stack/, toolchain, Maven. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../../layers/config';
import { resolveClasspath } from './maven';
import type { JavaRuntime, StackContext } from './service';
import { findJava } from './java';
import { findMaven } from './toolchain';

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
  const javas = new Map<string, Promise<JavaRuntime>>();
  const maven = once(() => findMaven(progress));
  const ctx: StackContext = {
    config,
    root: repoRoot,
    home,
    dataDir: (name) => dir('data', name),
    optDir: (name) => dir('opt', name),
    logFile: (name) => path.join(dir('logs'), `${name}.log`),
    progress,
    java: (service, versions) => {
      const key = `${service}:${versions.join(',')}`;
      let found = javas.get(key);
      if (!found) {
        found = findJava(ctx, service, versions);
        found.catch(() => javas.delete(key));
        javas.set(key, found);
      }
      return found;
    },
    mavenClasspath: async (pomPath) => resolveClasspath(await maven(), path.resolve(repoRoot, pomPath), dir('cache'), progress),
  };
  return ctx;
}
