/**
 * The Compose Specification schema the compose tests validate docker-compose.yml against:
 * compose-go's schema/compose-spec.json (the schema Docker Compose embeds), from the Go module
 * proxy at a pinned version. `stack:fetch` brings it, so the test suite runs with no network.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const COMPOSE_GO_MODULE = 'github.com/compose-spec/compose-go/v2';
export const COMPOSE_GO_VERSION = 'v2.16.2';
/** go.sum hash of that version's zip: every machine gets the same file. */
const COMPOSE_GO_SUM = 'h1:pTp1DqQwJzFd85GzlWsSszKA1ABrV/ySqsClujIcWA8=';

/** The go binary: on PATH, or at the standard install location. */
export function findGo(): string {
  const candidates = [
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.join(dir, 'go')),
    '/usr/local/go/bin/go',
  ];
  const found = candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) {
    throw new Error(
      `the Compose Specification schema comes from the Go module ${COMPOSE_GO_MODULE}@${COMPOSE_GO_VERSION}, ` +
        'but no go binary was found on PATH or at /usr/local/go/bin/go: install Go (https://go.dev/dl/)',
    );
  }
  return found;
}

/**
 * The module's folder: `go mod download` fetches it through the Go module proxy (checked against
 * the checksum database) into GOMODCACHE, once; offline, it answers from that cache.
 */
export function composeGoModuleDir(env: NodeJS.ProcessEnv = process.env): string {
  const go = findGo();
  const ref = `${COMPOSE_GO_MODULE}@${COMPOSE_GO_VERSION}`;
  let out: string;
  try {
    out = execFileSync(go, ['mod', 'download', '-json', ref], {
      cwd: os.tmpdir(), // outside any Go module
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${go} mod download -json ${ref} failed: ${e.stdout || e.stderr || e.message}`);
  }
  const info = JSON.parse(out) as { Dir?: string; Sum?: string; Error?: string };
  if (info.Error || !info.Dir) throw new Error(`${go} mod download -json ${ref}: ${info.Error ?? 'no Dir in its output'}`);
  if (info.Sum !== COMPOSE_GO_SUM) throw new Error(`${ref} has checksum ${info.Sum}, expected ${COMPOSE_GO_SUM}`);
  return info.Dir;
}
