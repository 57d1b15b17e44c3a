/**
 * The process's clients: each built once (a Lambda container reuses them across invocations) from
 * the one config module, in a module of its own beside this one, so a function's bundle holds the
 * drivers its deps use and no other (esbuild bundles whatever a module imports). Each registers how
 * it closes; closeClients closes them together (`sls invoke local`, scripts).
 */
import { loadConfig, type Config } from '../../config';

let config: Config | undefined;
const open = new Set<() => Promise<unknown>>();

export function pipelineConfig(): Config {
  return (config ??= loadConfig());
}

/** Called by a client's module when it builds the client: `close` ends it and forgets it. */
export function registerClient(close: () => Promise<unknown>): void {
  open.add(close);
}

/**
 * Closes every client this process opened. A Lambda container keeps them between invocations;
 * `sls invoke local` runs one invocation and would otherwise wait for idle sockets to time out.
 */
export async function closeClients(): Promise<void> {
  const closing = [...open];
  open.clear();
  await Promise.allSettled(closing.map((close) => close()));
}
