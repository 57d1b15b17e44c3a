/**
 * docker-compose.yml runs Airflow as the native stack does: the settings, environment and Lambda
 * connection of scripts/stack/services/airflow.ts (read from its TypeScript syntax tree, so a
 * setting the native stack gains is missed here until compose has it too), split into airflow-db,
 * a one-shot airflow-init, the API server, scheduler and DAG processor, all on one image built
 * FROM the official apache/airflow with the native pins; and the functions' own fetch schedule
 * can be turned off while the DAG coordinates. Every check returns its problems; each is also run
 * on a broken copy to show it can fail.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import {
  type Compose,
  type Service,
  AIRFLOW_DB,
  AIRFLOW_HOME,
  AIRFLOW_SERVICES,
  PORT_OWNERS,
  REPO_ROOT,
  clone,
  commandOf,
  dependencies,
  environmentOf,
  loadRepoCompose,
  readText,
  resolveCompose,
  setEnv,
  svc,
} from '../support/compose';

const { raw, envExample, compose } = loadRepoCompose();

// ---------------------------------------------------------------------------------------------
// The native stack's settings (scripts/stack/services/airflow.ts), read from its code

const NATIVE_AIRFLOW = 'scripts/stack/services/airflow.ts';

/** An object literal of the native code: each value a literal (as text), a nested object, or undefined when computed. */
interface Shape {
  [key: string]: string | undefined | Shape;
}

interface NativeAirflow {
  /** The airflow.cfg it writes (airflowCfg()), as AIRFLOW__SECTION__KEY → literal value (undefined when computed). */
  settings: Record<string, string | undefined>;
  /** The environment its Airflow processes get besides airflow.cfg (airflowEnv()). */
  environment: string[];
  /** The Lambda connection it writes (connections()): id and shape. */
  connectionId: string;
  connection: Shape;
}

/** Settings compose may leave out, and why. */
const NATIVE_ONLY_AIRFLOW_SETTINGS: Record<string, string> = {
  AIRFLOW__SECRETS__BACKEND: 'the native stack reads its connection from a file; compose passes it as AIRFLOW_CONN_*, which Airflow always consults',
  AIRFLOW__SECRETS__BACKEND_KWARGS: 'that connections file',
};

function nativeError(message: string): Error {
  return new Error(`${NATIVE_AIRFLOW}: ${message}: update this test`);
}

function findNode<T extends ts.Node>(root: ts.Node, test: (node: ts.Node) => node is T): T | undefined {
  let found: T | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (test(node)) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

function nativeFunction(source: ts.SourceFile, name: string): ts.FunctionDeclaration {
  const fn = source.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name);
  if (!fn?.body) throw nativeError(`no function ${name}()`);
  return fn;
}

function literalText(node: ts.Expression): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node)) return node.text;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return 'true';
  if (node.kind === ts.SyntaxKind.FalseKeyword) return 'false';
  return undefined;
}

function shapeOf(object: ts.ObjectLiteralExpression): Shape {
  const shape: Shape = {};
  for (const property of object.properties) {
    if (ts.isShorthandPropertyAssignment(property)) {
      shape[property.name.text] = undefined;
      continue;
    }
    const name = ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
    if (!ts.isPropertyAssignment(property) || name === undefined) throw nativeError(`cannot read "${property.getText()}"`);
    shape[name] = ts.isObjectLiteralExpression(property.initializer) ? shapeOf(property.initializer) : literalText(property.initializer);
  }
  return shape;
}

function readNativeAirflow(text: string): NativeAirflow {
  const source = ts.createSourceFile(NATIVE_AIRFLOW, text, ts.ScriptTarget.Latest, true);

  const ini = findNode(
    nativeFunction(source, 'airflowCfg'),
    (n): n is ts.CallExpression => ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'ini',
  );
  const sections = ini?.arguments[0];
  if (!sections || !ts.isObjectLiteralExpression(sections)) throw nativeError('airflowCfg() no longer calls ini({ section: { option: value } })');
  const settings: Record<string, string | undefined> = {};
  for (const [section, options] of Object.entries(shapeOf(sections))) {
    if (typeof options !== 'object') throw nativeError(`airflow.cfg section ${section} is not an object literal`);
    for (const [option, value] of Object.entries(options)) {
      if (typeof value === 'object') throw nativeError(`airflow.cfg option ${section}.${option} is an object`);
      settings[`AIRFLOW__${section.toUpperCase()}__${option.toUpperCase()}`] = value;
    }
  }

  const returned = findNode(
    nativeFunction(source, 'airflowEnv'),
    (n): n is ts.ReturnStatement => ts.isReturnStatement(n) && !!n.expression && ts.isObjectLiteralExpression(n.expression),
  );
  if (!returned?.expression || !ts.isObjectLiteralExpression(returned.expression)) throw nativeError('airflowEnv() no longer returns an object literal');
  const environment = Object.keys(shapeOf(returned.expression));

  // { [LAMBDA_CONNECTION]: { conn_type, login, password, extra: { ... } } }
  const entry = findNode(
    nativeFunction(source, 'connections'),
    (n): n is ts.PropertyAssignment => ts.isPropertyAssignment(n) && ts.isComputedPropertyName(n.name),
  );
  if (!entry || !ts.isComputedPropertyName(entry.name) || !ts.isIdentifier(entry.name.expression) || !ts.isObjectLiteralExpression(entry.initializer)) {
    throw nativeError('connections() no longer writes { [CONNECTION_ID]: { ... } }');
  }
  const idName = entry.name.expression.text;
  const idDeclaration = findNode(source, (n): n is ts.VariableDeclaration => ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === idName);
  const connectionId = idDeclaration?.initializer && literalText(idDeclaration.initializer);
  if (!connectionId) throw nativeError(`the connection id ${idName} is not a string constant`);
  return { settings, environment, connectionId, connection: shapeOf(entry.initializer) };
}

/** Problems where `actual` (parsed JSON) does not have the shape and literal values of `expected`. */
function shapeProblems(expected: Shape, actual: unknown, where: string): string[] {
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return [`${where} is not an object`];
  const object = actual as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(object)) if (!(key in expected)) problems.push(`${where}.${key} is not in the native stack's connection`);
  for (const [key, value] of Object.entries(expected)) {
    if (!(key in object)) problems.push(`${where} has no ${key}, which the native stack's connection has`);
    else if (typeof value === 'object') problems.push(...shapeProblems(value, object[key], `${where}.${key}`));
    else if (value !== undefined && String(object[key]) !== value) problems.push(`${where}.${key} is ${String(object[key])}, the native stack has ${value}`);
  }
  return problems;
}

/** The Airflow services: present, wired together, on PostgreSQL, with the native stack's settings and connection. */
function airflowProblems(c: Compose, native: NativeAirflow, dagSettings: string): string[] {
  const missing = [AIRFLOW_DB, ...AIRFLOW_SERVICES, 'postgres', 'functions'].filter((name) => !c.services[name]);
  if (missing.length > 0) return missing.map((name) => `no ${name} service`);
  const problems: string[] = [];
  const envs = AIRFLOW_SERVICES.map((name) => [name, environmentOf(svc(c, name))] as const);

  // One environment for all of them (x-airflow-common), matching the native stack's.
  const airflowSettings = (env: Record<string, string>): string =>
    JSON.stringify(
      Object.entries(env)
        .filter(([key]) => /^AIRFLOW(__|_CONN_)/.test(key))
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  const [referenceName, env] = envs[0]!;
  for (const [name, other] of envs.slice(1)) {
    if (airflowSettings(other) !== airflowSettings(env))
      problems.push(`${name}'s AIRFLOW__* / AIRFLOW_CONN_* settings differ from ${referenceName}'s: they share x-airflow-common's`);
  }
  const functionsEnv = environmentOf(svc(c, 'functions'));
  for (const [name, own] of envs) {
    for (const [key, value] of Object.entries(native.settings)) {
      if (key in NATIVE_ONLY_AIRFLOW_SETTINGS) continue;
      // A secret may come from a command (…_CMD), as the keys airflow-init makes do.
      const actual = own[key] ?? (own[`${key}_CMD`] !== undefined ? `(${key}_CMD)` : undefined);
      if (actual === undefined) problems.push(`${name} does not set ${key}, which the native stack sets`);
      else if (value !== undefined && actual !== value) problems.push(`${name}: ${key} is ${actual}, the native stack has ${value}`);
    }
    for (const key of native.environment) {
      if (own[key] === undefined) problems.push(`${name} does not set ${key}, which the native stack gives its Airflow`);
      // The DAG's data-quality task reads the same PostgreSQL and Cassandra as the functions.
      else if (functionsEnv[key] !== undefined && own[key] !== functionsEnv[key])
        problems.push(`${name}: ${key} is ${own[key]}, the functions have ${functionsEnv[key]}`);
    }
  }

  // AIRFLOW_HOME is the shared volume: the folders, the login file and the key files live there.
  if (env.AIRFLOW_HOME !== AIRFLOW_HOME) problems.push(`AIRFLOW_HOME is ${env.AIRFLOW_HOME}, expected ${AIRFLOW_HOME}`);
  if (env.AIRFLOW__CORE__DAGS_FOLDER !== `${AIRFLOW_HOME}/dags`)
    problems.push(`the DAGs folder is ${env.AIRFLOW__CORE__DAGS_FOLDER}, not where ./dags is mounted (${AIRFLOW_HOME}/dags)`);
  for (const key of ['AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE', 'AIRFLOW__LOGGING__BASE_LOG_FOLDER']) {
    if (!(env[key] ?? '').startsWith(`${AIRFLOW_HOME}/`)) problems.push(`${key} ${env[key]} is not on the shared ${AIRFLOW_HOME}`);
  }
  for (const [key, value] of Object.entries(env)) {
    if (key.endsWith('_CMD') && !new RegExp(`^cat ${AIRFLOW_HOME}/\\S+$`).test(value))
      problems.push(`${key} must read a file airflow-init made on ${AIRFLOW_HOME} (cat ${AIRFLOW_HOME}/…), got ${value}`);
  }

  // The metadata database: PostgreSQL (never SQLite), the one airflow-db creates (its name is the
  // manifest's postgres.airflowDatabase, written into both by npm run generate).
  const conn = env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN ?? '';
  if (!/^postgresql(\+\w+)?:\/\//.test(conn)) problems.push(`Airflow's metadata database must be PostgreSQL, got ${conn}`);
  else {
    const url = new URL(conn);
    const db = environmentOf(svc(c, AIRFLOW_DB));
    const target = `${url.hostname}:${url.port || '5432'}${url.pathname}`;
    if (target !== `${AIRFLOW_DB}:5432/${db.POSTGRES_DB}`) problems.push(`the metadata database is ${target}, expected ${AIRFLOW_DB}:5432/${db.POSTGRES_DB}`);
    if (decodeURIComponent(url.username) !== db.POSTGRES_USER || decodeURIComponent(url.password) !== db.POSTGRES_PASSWORD) {
      problems.push(`the metadata database URL's user and password are not ${AIRFLOW_DB}'s POSTGRES_USER / POSTGRES_PASSWORD`);
    }
  }
  const major = (name: string): string | undefined => /^postgres:(\d+)\./.exec(svc(c, name).image ?? '')?.[1];
  if (major(AIRFLOW_DB) !== major('postgres')) problems.push(`${AIRFLOW_DB} runs PostgreSQL ${major(AIRFLOW_DB)}, the postgres service ${major('postgres')}`);

  // The Lambda connection: the DAG's id, the native stack's shape, serverless-offline's endpoint.
  const dagConnection = /"TRIBUTARY_LAMBDA_CONN_ID",\s*"([^"]+)"/.exec(dagSettings)?.[1];
  if (dagConnection !== native.connectionId)
    problems.push(`dags/tributary/settings.py uses connection ${dagConnection}, the native stack writes ${native.connectionId}`);
  const connectionVariable = `AIRFLOW_CONN_${native.connectionId.toUpperCase()}`;
  const lambda = `http://${PORT_OWNERS.offlineLambda.service}:${PORT_OWNERS.offlineLambda.target}`;
  let connection: unknown;
  try {
    connection = JSON.parse(env[connectionVariable] ?? '');
  } catch {
    problems.push(`${connectionVariable} is not a JSON connection: ${env[connectionVariable]}`);
  }
  if (connection !== undefined) {
    problems.push(...shapeProblems(native.connection, connection, connectionVariable));
    const endpoint = (connection as { extra?: { endpoint_url?: unknown } }).extra?.endpoint_url;
    if (endpoint !== lambda) problems.push(`${connectionVariable} has endpoint_url ${String(endpoint)}, not serverless-offline's ${lambda}`);
  }
  const api = `http://${PORT_OWNERS.airflow.service}:${PORT_OWNERS.airflow.target}/execution/`;
  if (env.AIRFLOW__CORE__EXECUTION_API_SERVER_URL !== api)
    problems.push(`the execution API is ${env.AIRFLOW__CORE__EXECUTION_API_SERVER_URL}, not the API server's ${api}`);

  // What each runs, and in which order.
  const commands: Record<string, RegExp> = {
    'airflow-init': /\bairflow db migrate\b/,
    'airflow-api-server': /^(airflow )?api-server\b/,
    'airflow-scheduler': /^(airflow )?scheduler\b/,
    'airflow-dag-processor': /^(airflow )?dag-processor\b/,
  };
  for (const [name, command] of Object.entries(commands)) {
    if (!command.test(commandOf(svc(c, name)))) problems.push(`${name} does not run ${command}: ${commandOf(svc(c, name))}`);
  }
  const waits = (name: string, dependency: string, condition: string): boolean =>
    dependencies(svc(c, name)).some((d) => d.name === dependency && d.condition === condition);
  if (!waits('airflow-init', AIRFLOW_DB, 'service_healthy')) problems.push(`airflow-init must wait for ${AIRFLOW_DB}: service_healthy`);
  for (const name of AIRFLOW_SERVICES.filter((n) => n !== 'airflow-init')) {
    if (!waits(name, AIRFLOW_DB, 'service_healthy') || !waits(name, 'airflow-init', 'service_completed_successfully')) {
      problems.push(`${name} must wait for ${AIRFLOW_DB}: service_healthy and airflow-init: service_completed_successfully`);
    }
  }
  if (!waits('airflow-scheduler', 'functions', 'service_healthy'))
    problems.push('airflow-scheduler runs the tasks that invoke the functions: it must wait for functions: service_healthy');
  return problems;
}

/** The Airflow image: built here FROM the official image, with the native stack's pins. */
function airflowImageProblems(c: Compose, read: (file: string) => string): string[] {
  const problems: string[] = [];
  const images = new Set(AIRFLOW_SERVICES.map((name) => c.services[name]?.image));
  if (images.size !== 1) problems.push(`the Airflow containers run different images: ${[...images].join(', ')}`);
  const builds = new Map<string, { context: string; dockerfile: string }>();
  for (const name of AIRFLOW_SERVICES) {
    const service = (c.services[name] ?? {}) as Record<string, unknown>;
    const build = service.build as { context?: string; dockerfile?: string } | undefined;
    if (!build?.context) problems.push(`${name} does not build its image`);
    else {
      const dockerfile = path.posix.join(build.context, build.dockerfile ?? 'Dockerfile');
      builds.set(dockerfile, { context: build.context, dockerfile });
    }
    if (service.pull_policy !== 'build') problems.push(`${name}: pull_policy must be build (${String(service.image)} is built here, never pulled)`);
    if (environmentOf(service as Service)._PIP_ADDITIONAL_REQUIREMENTS !== undefined)
      problems.push(`${name} installs packages at start-up (_PIP_ADDITIONAL_REQUIREMENTS): they belong in the image`);
  }
  if (builds.size !== 1) return [...problems, `the Airflow containers build from ${builds.size} Dockerfiles`];
  const { context, dockerfile } = [...builds.values()][0]!;
  const text = read(dockerfile);
  const requirements = read(path.posix.join(context, 'requirements.txt'));
  const constraints = read(path.posix.join(context, 'constraints.txt'));
  const pin = (file: string, name: string): string | undefined => new RegExp(`^${name.replace(/[.-]/g, '\\$&')}==(\\S+)$`, 'm').exec(file)?.[1];

  const from = /^FROM\s+(\S+)/m.exec(text)?.[1];
  const base = /^apache\/airflow:(?:slim-)?(\d+\.\d+\.\d+)-python(\d+\.\d+)$/.exec(from ?? '');
  const airflow = pin(requirements, 'apache-airflow');
  if (!base) problems.push(`${dockerfile}: FROM ${from} is not a pinned official apache/airflow:[slim-]X.Y.Z-pythonA.B image`);
  else {
    if (base[1] !== airflow) problems.push(`${dockerfile}: the base image has Airflow ${base[1]}, requirements.txt pins ${airflow}`);
    const python = /\bPython (\d+\.\d+)/.exec(constraints)?.[1];
    if (base[2] !== python) problems.push(`${dockerfile}: the base image has Python ${base[2]}, constraints.txt was frozen on Python ${python}`);
  }
  const tag = /:([^:/]+)$/.exec([...images][0] ?? '')?.[1];
  if (tag !== airflow) problems.push(`the image is tagged ${tag} but installs Airflow ${airflow}`);
  const amazon = pin(requirements, 'apache-airflow-providers-amazon');
  if (!amazon || pin(constraints, 'apache-airflow-providers-amazon') !== amazon)
    problems.push(`the Amazon provider is not pinned alike in requirements.txt (${amazon}) and constraints.txt`);
  if (!/pip install[^\n]*(\\\n[^\n]*)*-r \S*requirements\.txt[^\n]*(\\\n[^\n]*)*-c \S*constraints\.txt/.test(text))
    problems.push(`${dockerfile} does not pip install requirements.txt with constraints.txt`);
  for (const line of text.split('\n').filter((l) => /^COPY\s/.test(l))) {
    for (const source of line.trim().split(/\s+/).slice(1, -1)) {
      if (!existsSync(path.join(REPO_ROOT, context, source))) problems.push(`${dockerfile}: COPY ${source}: no such file in the build context ${context}`);
    }
  }
  return problems;
}

/**
 * serverless.yml's fetch schedule must be able to give way to the DAG, as natively
 * (`FETCH_SCHEDULE_ENABLED=false npm start`): functions passes the variable, on by default as there.
 */
function fetchScheduleProblems(c: Compose, serverlessYml: string): string[] {
  const fallback = /\$\{env:FETCH_SCHEDULE_ENABLED,\s*'?([^'}\s]+)'?\s*\}/.exec(serverlessYml)?.[1];
  if (fallback === undefined) return ['serverless.yml no longer reads ${env:FETCH_SCHEDULE_ENABLED, <default>}: update this test'];
  const functions = c.services.functions;
  if (!functions) return ['no functions service'];
  const value = environmentOf(functions).FETCH_SCHEDULE_ENABLED;
  if (value === undefined) {
    return [
      "functions does not pass FETCH_SCHEDULE_ENABLED: serverless.yml's fetch schedule cannot be turned off while Airflow's user_pipeline DAG coordinates",
    ];
  }
  if (value !== fallback) return [`functions sets FETCH_SCHEDULE_ENABLED to ${value} by default, serverless.yml's default is ${fallback}`];
  return [];
}

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml runs Airflow as the native stack does', () => {
  const nativeSource = readText(REPO_ROOT, NATIVE_AIRFLOW);
  const native = readNativeAirflow(nativeSource);
  const dagSettings = readText(REPO_ROOT, 'dags/tributary/settings.py');
  const read = (file: string): string => readText(REPO_ROOT, file);
  const everyAirflow = (c: Compose, key: string, value: string | undefined): Compose => {
    for (const name of AIRFLOW_SERVICES) svc(c, name).environment = { ...environmentOf(svc(c, name)), [key]: value ?? null };
    return c;
  };

  it('reads the native settings, environment and connection from scripts/stack/services/airflow.ts', () => {
    expect(native.settings).toMatchObject({ AIRFLOW__CORE__EXECUTOR: 'LocalExecutor', AIRFLOW__CORE__PARALLELISM: '2', AIRFLOW__CORE__LOAD_EXAMPLES: 'false' });
    expect(native.settings).toHaveProperty('AIRFLOW__DATABASE__SQL_ALCHEMY_CONN', undefined);
    expect(Object.keys(native.settings).length).toBeGreaterThanOrEqual(15);
    expect(native.environment).toEqual(
      expect.arrayContaining(['AIRFLOW_HOME', 'FETCH_FUNCTION_NAME', 'PUBLISH_FUNCTION_NAME', 'POSTGRES_HOST', 'CASSANDRA_CONTACT_POINTS']),
    );
    expect(native.connectionId).toBe('tributary_lambda');
    expect(native.connection).toEqual({ conn_type: 'aws', login: 'offline', password: 'offline', extra: { region_name: undefined, endpoint_url: undefined } });
    expect(() => readNativeAirflow(nativeSource.replace('function airflowCfg(', 'function airflowConfig('))).toThrow(
      /no function airflowCfg\(\): update this test/,
    );
  });

  it('has a one-shot init, api-server, scheduler and dag-processor on their own PostgreSQL, with the native settings', () => {
    expect(airflowProblems(compose, native, dagSettings)).toEqual([]);
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining([AIRFLOW_DB, ...AIRFLOW_SERVICES]));
    expect(compose.services.airflow).toBeUndefined();

    const sqlite = everyAirflow(clone(compose), 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN', 'sqlite:////opt/airflow/airflow.db');
    expect(airflowProblems(sqlite, native, dagSettings)).toEqual(["Airflow's metadata database must be PostgreSQL, got sqlite:////opt/airflow/airflow.db"]);
    const sharedDb = everyAirflow(clone(compose), 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN', 'postgresql+psycopg2://airflow:airflow@postgres:5432/tributary');
    expect(airflowProblems(sharedDb, native, dagSettings)).toEqual(['the metadata database is postgres:5432/tributary, expected airflow-db:5432/airflow']);
    const endpoint = everyAirflow(
      clone(compose),
      'AIRFLOW_CONN_TRIBUTARY_LAMBDA',
      JSON.stringify({ conn_type: 'aws', login: 'offline', password: 'offline', extra: { region_name: 'us-east-1', endpoint_url: 'http://127.0.0.1:3002' } }),
    );
    expect(airflowProblems(endpoint, native, dagSettings)).toEqual([
      "AIRFLOW_CONN_TRIBUTARY_LAMBDA has endpoint_url http://127.0.0.1:3002, not serverless-offline's http://functions:3002",
    ]);
    const shape = everyAirflow(
      clone(compose),
      'AIRFLOW_CONN_TRIBUTARY_LAMBDA',
      JSON.stringify({ conn_type: 'aws', login: 'x', extra: { endpoint_url: 'http://functions:3002' } }),
    );
    expect(airflowProblems(shape, native, dagSettings)).toEqual([
      'AIRFLOW_CONN_TRIBUTARY_LAMBDA.login is x, the native stack has offline',
      "AIRFLOW_CONN_TRIBUTARY_LAMBDA has no password, which the native stack's connection has",
      "AIRFLOW_CONN_TRIBUTARY_LAMBDA.extra has no region_name, which the native stack's connection has",
    ]);
    const noConnection = everyAirflow(clone(compose), 'AIRFLOW_CONN_TRIBUTARY_LAMBDA', undefined);
    expect(airflowProblems(noConnection, native, dagSettings)).toEqual(['AIRFLOW_CONN_TRIBUTARY_LAMBDA is not a JSON connection: undefined']);
    const executor = everyAirflow(clone(compose), 'AIRFLOW__CORE__EXECUTOR', 'SequentialExecutor');
    expect(airflowProblems(executor, native, dagSettings)).toEqual(
      AIRFLOW_SERVICES.map((name) => `${name}: AIRFLOW__CORE__EXECUTOR is SequentialExecutor, the native stack has LocalExecutor`),
    );
    const oneOff = clone(compose);
    setEnv(svc(oneOff, 'airflow-scheduler'), 'AIRFLOW__CORE__PARALLELISM', '8');
    expect(airflowProblems(oneOff, native, dagSettings)).toEqual([
      "airflow-scheduler's AIRFLOW__* / AIRFLOW_CONN_* settings differ from airflow-init's: they share x-airflow-common's",
      'airflow-scheduler: AIRFLOW__CORE__PARALLELISM is 8, the native stack has 2',
    ]);
    const secret = everyAirflow(clone(compose), 'AIRFLOW__API_AUTH__JWT_SECRET_CMD', undefined);
    expect(airflowProblems(secret, native, dagSettings)).toEqual(
      AIRFLOW_SERVICES.map((name) => `${name} does not set AIRFLOW__API_AUTH__JWT_SECRET, which the native stack sets`),
    );
    // A setting the native stack gains is missed in compose until it is added there.
    const gained = readNativeAirflow(nativeSource.replace('load_examples: false,', 'load_examples: false,\n      hide_sensitive_var_conn_fields: true,'));
    expect(airflowProblems(compose, gained, dagSettings)).toEqual(
      AIRFLOW_SERVICES.map((name) => `${name} does not set AIRFLOW__CORE__HIDE_SENSITIVE_VAR_CONN_FIELDS, which the native stack sets`),
    );
    const dagDb = everyAirflow(clone(compose), 'POSTGRES_HOST', 'airflow-db');
    expect(airflowProblems(dagDb, native, dagSettings)).toEqual(
      AIRFLOW_SERVICES.map((name) => `${name}: POSTGRES_HOST is airflow-db, the functions have postgres`),
    );
    expect(airflowProblems(compose, native, dagSettings.replace('"tributary_lambda"', '"lambda_offline"'))).toEqual([
      'dags/tributary/settings.py uses connection lambda_offline, the native stack writes tributary_lambda',
    ]);
    const eager = clone(compose);
    svc(eager, 'airflow-scheduler').depends_on = { 'airflow-db': { condition: 'service_healthy' } };
    expect(airflowProblems(eager, native, dagSettings)).toEqual([
      'airflow-scheduler must wait for airflow-db: service_healthy and airflow-init: service_completed_successfully',
      'airflow-scheduler runs the tasks that invoke the functions: it must wait for functions: service_healthy',
    ]);
    const noMigrate = clone(compose);
    svc(noMigrate, 'airflow-init').command = ['bash', '-c', 'python /opt/tributary/airflow/init_home.py'];
    expect(airflowProblems(noMigrate, native, dagSettings)).toEqual([
      'airflow-init does not run /\\bairflow db migrate\\b/: bash -c python /opt/tributary/airflow/init_home.py',
    ]);
    const olderDb = clone(compose);
    svc(olderDb, AIRFLOW_DB).image = 'postgres:16.9';
    expect(airflowProblems(olderDb, native, dagSettings)).toEqual(['airflow-db runs PostgreSQL 16, the postgres service 18']);
    const missing = clone(compose);
    delete missing.services['airflow-dag-processor'];
    expect(airflowProblems(missing, native, dagSettings)).toEqual(['no airflow-dag-processor service']);
  });

  it('builds one image FROM the official apache/airflow with the native pins (requirements.txt + constraints.txt)', () => {
    expect(airflowImageProblems(compose, read)).toEqual([]);
    const dockerfile = 'infra/airflow/compose/Dockerfile';
    const withBase =
      (from: string) =>
      (file: string): string =>
        file === dockerfile ? read(file).replace(/^FROM .*$/m, `FROM ${from}`) : read(file);
    expect(airflowImageProblems(compose, withBase('apache/airflow:latest'))).toEqual([
      `${dockerfile}: FROM apache/airflow:latest is not a pinned official apache/airflow:[slim-]X.Y.Z-pythonA.B image`,
    ]);
    expect(airflowImageProblems(compose, withBase('apache/airflow:slim-3.2.0-python3.12'))).toEqual([
      `${dockerfile}: the base image has Airflow 3.2.0, requirements.txt pins 3.3.2`,
      `${dockerfile}: the base image has Python 3.12, constraints.txt was frozen on Python 3.11`,
    ]);
    const unpinned = (file: string): string => (file === dockerfile ? read(file).replace(/ \\\n\s*-c \S+/, '') : read(file));
    expect(airflowImageProblems(compose, unpinned)).toEqual([`${dockerfile} does not pip install requirements.txt with constraints.txt`]);
    const pulled = clone(compose);
    delete (svc(pulled, 'airflow-scheduler') as Record<string, unknown>).pull_policy;
    setEnv(svc(pulled, 'airflow-scheduler'), '_PIP_ADDITIONAL_REQUIREMENTS', 'apache-airflow-providers-amazon');
    expect(airflowImageProblems(pulled, read)).toEqual([
      'airflow-scheduler: pull_policy must be build (tributary-airflow:3.3.2 is built here, never pulled)',
      'airflow-scheduler installs packages at start-up (_PIP_ADDITIONAL_REQUIREMENTS): they belong in the image',
    ]);
    const retagged = clone(compose);
    for (const name of AIRFLOW_SERVICES) svc(retagged, name).image = 'tributary-airflow:3.3.1';
    expect(airflowImageProblems(retagged, read)).toEqual(['the image is tagged 3.3.1 but installs Airflow 3.3.2']);
  });

  it("passes FETCH_SCHEDULE_ENABLED to functions, so serverless.yml's fetch schedule can give way to the DAG", () => {
    const serverlessYml = read('serverless.yml');
    expect(fetchScheduleProblems(compose, serverlessYml)).toEqual([]);
    expect(environmentOf(svc(compose, 'functions')).FETCH_SCHEDULE_ENABLED).toBe('true');
    // .env.example documents it with that default; false in .env reaches the container.
    expect(envExample.FETCH_SCHEDULE_ENABLED).toBe('true');
    const coordinated = resolveCompose(raw, { ...envExample, FETCH_SCHEDULE_ENABLED: 'false' }).compose;
    expect(environmentOf(svc(coordinated, 'functions')).FETCH_SCHEDULE_ENABLED).toBe('false');

    const { FETCH_SCHEDULE_ENABLED: _dropped, ...withoutIt } = environmentOf(svc(compose, 'functions'));
    const dropped = clone(compose);
    svc(dropped, 'functions').environment = withoutIt;
    expect(fetchScheduleProblems(dropped, serverlessYml)).toEqual([
      "functions does not pass FETCH_SCHEDULE_ENABLED: serverless.yml's fetch schedule cannot be turned off while Airflow's user_pipeline DAG coordinates",
    ]);
    const off = clone(compose);
    setEnv(svc(off, 'functions'), 'FETCH_SCHEDULE_ENABLED', 'false');
    expect(fetchScheduleProblems(off, serverlessYml)).toEqual(["functions sets FETCH_SCHEDULE_ENABLED to false by default, serverless.yml's default is true"]);
    expect(fetchScheduleProblems(compose, serverlessYml.replace('${env:FETCH_SCHEDULE_ENABLED, true}', '${env:FETCH_SCHEDULE, true}'))).toEqual([
      'serverless.yml no longer reads ${env:FETCH_SCHEDULE_ENABLED, <default>}: update this test',
    ]);
  });
});
