/**
 * Source maps in the process the in-process handlers share: on when Node was started with
 * --enable-source-maps (on its command line or in NODE_OPTIONS), off otherwise — not as tsx left
 * them. tsx, which loads the project's TypeScript plugins, turns them on for the whole process, and
 * Node then reads and keeps the map of every module loaded after: the five bundles' and
 * serverless-offline's dependencies', 90 MiB of the process at 100k users (docs/performance.md).
 * Without them, a handler's stack trace names lines of its bundle (.esbuild/.build/functions/<name>.js).
 */
const FLAG = '--enable-source-maps';

export function startedWithSourceMaps(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].includes(FLAG);
}

/** Puts source maps back as Node was started; whatever was loaded before keeps the maps it has. */
export function restoreSourceMaps(): void {
  process.setSourceMapsEnabled(startedWithSourceMaps());
}
