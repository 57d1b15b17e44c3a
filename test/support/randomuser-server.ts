/**
 * The local randomuser server as the HTTP tests use it: on a free loopback port, its clock pinned
 * so the ages and dates of generated users do not move between runs.
 */
import { type RandomUserServer, type RandomUserServerOptions, startRandomUserServer } from '../../scripts/randomuser/server';

const NOW = new Date('2025-06-01T00:00:00.000Z');

/** A server on the pinned clock; `options` set its fault knobs from the start. */
export function startPinnedRandomUserServer(options: RandomUserServerOptions = {}): Promise<RandomUserServer> {
  return startRandomUserServer({ now: () => NOW, ...options });
}

/** One pinned server for the test file: started before its tests, reset (faults, quota, stats) before each, closed after. */
export function useRandomUserServer(): () => RandomUserServer {
  let server: RandomUserServer | undefined;
  const current = (): RandomUserServer => {
    if (!server) throw new Error('the randomuser server has not started');
    return server;
  };

  beforeAll(async () => {
    server = await startPinnedRandomUserServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  beforeEach(() => {
    current().reset();
  });

  return current;
}
