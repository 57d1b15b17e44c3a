// Runs before `npm start` / `npm test` with whatever Node the machine has (Node 20 on a fresh one):
// installs the project's dependencies — Node 22 among them — when they are missing or stale, so the
// README's commands work on a fresh clone with nothing installed by hand.
const { execFileSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const lock = path.join(root, 'package-lock.json');
const installed = path.join(root, 'node_modules', '.package-lock.json');
const node22 = path.join(root, 'node_modules', '.bin', 'node');

const fresh = !existsSync(installed) || !existsSync(node22);
const stale = !fresh && statSync(lock).mtimeMs > statSync(installed).mtimeMs;
if (fresh || stale) {
  // `npm ci`: exactly what the lock file says, and the lock file is never rewritten.
  console.error('[setup] npm ci: installing dependencies (Node 22, PostgreSQL binaries, serverless, drivers)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
