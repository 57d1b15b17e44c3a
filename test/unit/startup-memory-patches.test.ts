/**
 * Two patches that shrink what `sls offline start` keeps in its heap for the whole run, each in a
 * fresh Node process (docs/performance.md, "What the process keeps"):
 * - patches/osls+4.3.1.patch: the generated config validator (an ~8 MB module source and its
 *   code) can be collected once the config is validated. Node records the generated module as the
 *   first parent of ajv-formats' formats module, which stays in the module cache for good.
 * - patches/serverless-esbuild+1.57.2.patch: serverless-esbuild loads the parts of effect it
 *   uses, not the barrels of effect, @effect/platform and @effect/platform-node (~1,800 modules
 *   and 29 MiB of heap before, among them a Swagger UI bundle and fast-check).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');

async function runNode(script: string, env: Record<string, string> = {}): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '-e', script], {
    cwd: ROOT,
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');
}

describe("osls' config validator, patched", () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'osls-validator-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('validates, and is garbage once the caller lets go of it', async () => {
    // A schema with a format, so the generated module requires ajv-formats' formats as osls' does.
    const script = `
      const resolve = require('osls/lib/classes/config-schema-handler/resolve-ajv-validate');
      const schema = { type: 'object', properties: { when: { type: 'string', format: 'date-time' } } };
      (async () => {
        let validate = await resolve(schema);
        const valid = validate({ when: '2026-12-07T15:00:00Z' });
        const invalid = validate({ when: 'yesterday' });
        const ref = new WeakRef(validate);
        validate = undefined;
        await new Promise((r) => setImmediate(r));
        gc(); gc();
        console.log(JSON.stringify({ valid, invalid, collected: ref.deref() === undefined }));
      })();`;
    await expect(runNode(script, { SLS_SCHEMA_CACHE_BASE_DIR: cacheDir })).resolves.toEqual({ valid: true, invalid: false, collected: true });
  }, 90_000);
});

describe('serverless-esbuild, patched', () => {
  it("loads effect's modules it uses, not the barrels (no Swagger UI, no fast-check)", async () => {
    const script = `
      const before = new Set(Object.keys(require.cache));
      const plugin = require('serverless-esbuild');
      const loaded = Object.keys(require.cache).filter((file) => !before.has(file));
      console.log(JSON.stringify({
        plugin: typeof plugin,
        modules: loaded.length,
        swagger: loaded.filter((file) => file.includes('apiSwagger')).length,
        fastCheck: loaded.filter((file) => file.includes('/fast-check/')).length,
        nodeFileSystem: loaded.filter((file) => file.endsWith('/NodeFileSystem.js')).length > 0,
      }));`;
    const result = (await runNode(script)) as { plugin: string; modules: number; swagger: number; fastCheck: number; nodeFileSystem: boolean };
    expect(result).toMatchObject({ plugin: 'function', swagger: 0, fastCheck: 0, nodeFileSystem: true });
    // 1,784 unpatched; 1,157 patched on December 7.
    expect(result.modules).toBeLessThan(1400);
  }, 90_000);
});
