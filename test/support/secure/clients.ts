/**
 * Independent clients of the secure stack, as a person would use them: kcat (librdkafka), psql,
 * the Python Cassandra driver and curl. Credentials reach them through owner-only files or stdin,
 * never the command line. Each answers { ok, output }: whether it got in, and what it said.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Credentials } from '../../../layers/secrets';
import { ensurePythonEnv } from '../../../scripts/stack/python';
import type { StackContext } from '../../../scripts/stack/service';
import { aptInstall, canApt } from '../../../scripts/stack/toolchain';

export interface Answer {
  ok: boolean;
  output: string;
}

/** Runs a command; `ok` is its exit status, `output` stdout and stderr together. */
function answer(command: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Answer> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { timeout: 30_000, env: options.env ?? process.env }, (err, stdout, stderr) =>
      resolve({ ok: !err, output: `${stdout}${stderr}` }),
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** A file only its owner reads, removed after use. */
async function withPrivateFile<T>(content: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-secure-'));
  const file = path.join(dir, 'config');
  writeFileSync(file, content, { mode: 0o600 });
  try {
    return await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** kcat from Debian, installed once when missing (as the stack brings its own tools). */
export async function ensureKcat(ctx: StackContext): Promise<void> {
  if (existsSync('/usr/bin/kcat')) return;
  if (!canApt()) throw new Error('kcat is not installed and apt-get is not available to install it');
  await aptInstall(['kcat'], ctx.progress);
}

export interface KafkaLogin {
  tls: boolean;
  ca?: string;
  sasl?: Credentials;
}

/** kcat -L: the broker's metadata, through librdkafka's own TLS and SASL. */
export function kcatMetadata(broker: string, login: KafkaLogin): Promise<Answer> {
  const protocol = `${login.sasl ? 'SASL_' : ''}${login.tls ? 'SSL' : 'PLAINTEXT'}`;
  const lines = [`security.protocol=${protocol}`, 'socket.timeout.ms=5000'];
  if (login.ca) lines.push(`ssl.ca.location=${login.ca}`);
  if (login.sasl) lines.push('sasl.mechanisms=SCRAM-SHA-512', `sasl.username=${login.sasl.username}`, `sasl.password=${login.sasl.password}`);
  return withPrivateFile(`${lines.join('\n')}\n`, (file) => answer('kcat', ['-F', file, '-b', broker, '-L', '-m', '5']));
}

export interface PostgresLogin {
  sslmode: 'disable' | 'verify-full';
  ca?: string;
  user: string;
  password?: string;
}

/** psql -c 'SELECT 1' with the password from a pgpass file. */
export function psqlSelect(host: string, port: number, database: string, login: PostgresLogin): Promise<Answer> {
  const conninfo = [`host=${host}`, `port=${port}`, `dbname=${database}`, `user=${login.user}`, `sslmode=${login.sslmode}`, 'connect_timeout=5'];
  if (login.ca) conninfo.push(`sslrootcert=${login.ca}`);
  const pgpass = login.password === undefined ? '' : `${host}:${port}:*:${login.user}:${login.password}\n`;
  return withPrivateFile(pgpass, (file) =>
    answer('psql', [conninfo.join(' '), '-XAtc', 'SELECT 1'], { env: { ...process.env, PGPASSFILE: file, PGPASSWORD: undefined } }),
  );
}

export interface CqlLogin {
  ca?: string;
  username?: string;
  password?: string;
}

/** The Python driver's venv (the DAG's pin), made once under the secure stack's home. */
export async function cqlProbe(ctx: StackContext): Promise<(host: string, port: number, login: CqlLogin) => Promise<Answer>> {
  const env = await ensurePythonEnv(ctx, 'cql-client', 'test/support/secure/cql-client-requirements.txt', 'infra/airflow/constraints.txt');
  const script = path.join(ctx.root, 'test/support/secure/cql_probe.py');
  return (host, port, login) => answer(env.python, [script], { input: JSON.stringify({ host, port, ...login }) });
}

export interface HttpLogin {
  ca?: string;
  credentials?: Credentials;
}

/** curl's HTTP status for a GET (000 when no HTTP answer came), credentials from a netrc file. */
export function curlStatus(url: string, login: HttpLogin): Promise<Answer> {
  const host = new URL(url).hostname;
  const netrc = login.credentials ? `machine ${host} login ${login.credentials.username} password ${login.credentials.password}\n` : '';
  return withPrivateFile(netrc, (file) =>
    answer('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', ...(login.ca ? ['--cacert', login.ca] : []), '--netrc-file', file, url]),
  );
}
