/**
 * The stack's Python installs (scripts/stack/python.ts) against PyPI: a wheelhouse an install had
 * to fetch is gone once the venv holds the packages, one `stack:fetch` filled stays for offline
 * installs, and pip caches no wheel it built beside either.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadConfig } from '../../layers/config';
import { createContext } from '../../scripts/stack/context';
import { ensurePythonEnv, fetchWheels, findPython, wheelhouse } from '../../scripts/stack/python';

describe('Python installs for the stack', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tributary-python-env-'));
  const ctx = createContext(() => undefined, loadConfig({ ...process.env, TRIBUTARY_STACK_HOME: path.join(scratch, 'home') }));
  const requirements = path.join(scratch, 'requirements.txt');
  // The user's own pip cache, read only: wheels pip built and kept there (a new one would be ours).
  const cachedWheels = async (): Promise<string[]> =>
    execFileSync(await findPython(ctx), ['-m', 'pip', 'cache', 'list', 'docopt', '--format', 'abspath'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  let cachedBefore: string[] = [];

  beforeAll(async () => {
    // A source-only package of a few kB (pyspark is one too): pip builds its wheel, and would cache it.
    writeFileSync(requirements, 'docopt==0.6.2\n');
    cachedBefore = await cachedWheels();
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const imports = (python: string): string => execFileSync(python, ['-c', 'import docopt; print(docopt.__version__)'], { encoding: 'utf8' }).trim();

  it('removes a wheelhouse it fetched for the install, and caches no wheel in pip', async () => {
    const env = await ensurePythonEnv(ctx, 'fetched-by-install', requirements);
    expect(imports(env.python)).toBe('0.6.2');
    expect(existsSync(wheelhouse(ctx, 'fetched-by-install'))).toBe(false);
    expect(await cachedWheels()).toEqual(cachedBefore);
  });

  it('keeps the wheelhouse stack:fetch filled, and installs from it', async () => {
    const dir = await fetchWheels(ctx, 'prepared', { requirements });
    const env = await ensurePythonEnv(ctx, 'prepared', requirements);
    expect(imports(env.python)).toBe('0.6.2');
    expect(readdirSync(dir).filter((f) => f.endsWith('.whl'))).toEqual(['docopt-0.6.2-py2.py3-none-any.whl']);
    expect(await cachedWheels()).toEqual(cachedBefore);
  });
});
