/**
 * The secure stack from the tests' side: its config (TRIBUTARY_SECURE, whatever the test process
 * was started with), its context, and its credentials and CA as the stack generated them. The
 * global setup (stack-setup.ts) brings it up once per run, beside the plain stack.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, secureStackFiles, type Config } from '../../../layers/config';
import { type Credentials, readCredentials } from '../../../layers/secrets';
import { createContext } from '../../../scripts/stack/context';
import type { SecretName } from '../../../scripts/stack/secure/material';
import type { StackContext } from '../../../scripts/stack/service';

export function secureConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig({ ...env, TRIBUTARY_SECURE: 'true' });
}

export function secureContext(): StackContext {
  return createContext((m) => process.stderr.write(`[secure stack] ${m}\n`), secureConfig());
}

export function secureFiles(config: Config): { ca: string; secret(name: SecretName): string } {
  return secureStackFiles(config.stack.home);
}

export function secureCredentials(config: Config, name: SecretName): Promise<Credentials> {
  return readCredentials(`file:${secureFiles(config).secret(name)}`);
}

/** Whether a jest run's path patterns select a test/integration/secure-*.test.ts file (none given: the whole suite does). */
export function runIncludesSecureTests(patterns: readonly string[], root: string): boolean {
  if (patterns.length === 0) return true;
  const dir = path.join(root, 'test', 'integration');
  const files = readdirSync(dir)
    .filter((f) => /^secure-.*\.test\.ts$/.test(f))
    .map((f) => path.join(dir, f));
  return files.some((file) => patterns.some((pattern) => new RegExp(pattern, 'i').test(file)));
}
