/**
 * The manifest's values in docker-compose.yml and .env.example, generated (`npm run generate`;
 * `npm run generate -- --check` only reports). Compose interpolates only from the shell or a
 * `.env` beside the file, so it cannot read infra/topology.json itself: the values are written
 * into the committed files instead, and test/unit/manifest.test.ts fails when they are not current.
 *
 * What is written, and nothing else (comments, layout and every other value stay as they are,
 * each value is replaced in place in the file's text):
 * - the default of every `${VAR:-default}` whose variable is the manifest's: `<PORT>_PORT` for
 *   each of its ports (kafka → KAFKA_PORT, schemaRegistry → SCHEMA_REGISTRY_PORT, …; the names
 *   layers/config reads), POSTGRES_DB, POSTGRES_USER, CASSANDRA_KEYSPACE and CASSANDRA_DC;
 * - the literal values at SLOTS: the topic names, the registry's compatibility, Airflow's database;
 * - .env.example: every value is the default docker-compose.yml gives its variable, so the two
 *   cannot differ, and each variable must be documented there (and only those compose uses).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isScalar, parseDocument, Scalar, visit } from 'yaml';
import { functionName, topology as manifest, type Topology } from '../../layers/config/topology';

export const ROOT = path.resolve(__dirname, '..', '..');
export const COMPOSE_FILE = 'docker-compose.yml';
export const ENV_EXAMPLE = '.env.example';
/** The stage serverless-offline runs the functions at in the compose file's functions container. */
const OFFLINE_STAGE = 'dev';

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** kafka → KAFKA_PORT, schemaRegistry → SCHEMA_REGISTRY_PORT. */
export function portVariable(key: string): string {
  return `${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_PORT`;
}

/** The compose variables whose default is a manifest value, and that value. */
export function manifestVariables(t: Topology): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [key, port] of Object.entries(t.ports)) variables[portVariable(key)] = String(port);
  variables.POSTGRES_DB = t.postgres.database;
  variables.POSTGRES_USER = t.postgres.user;
  variables.CASSANDRA_KEYSPACE = t.cassandra.keyspace;
  variables.CASSANDRA_DC = t.cassandra.dataCenter;
  return variables;
}

/** A literal manifest value at a place in docker-compose.yml: the value it must have, given the current one. */
interface Slot {
  path: string[];
  value: (t: Topology, current: string) => string;
}

const SLOTS: Slot[] = [
  // The functions' and provision's topic names (x-tributary-env, merged into each Tributary container).
  { path: ['x-tributary-env', 'TOPIC_USERS_RAW'], value: (t) => t.kafka.topics.raw.name },
  { path: ['x-tributary-env', 'TOPIC_USERS_CLEAN'], value: (t) => t.kafka.topics.clean.name },
  { path: ['x-tributary-env', 'TOPIC_USERS_DLQ'], value: (t) => t.kafka.topics.dlq.name },
  { path: ['services', 'schema-registry', 'environment', 'SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL'], value: (t) => t.schemaRegistry.compatibility },
  // The functions the DAG invokes, at serverless-offline's default stage.
  { path: ['x-airflow-common', 'environment', 'FETCH_FUNCTION_NAME'], value: (t) => functionName('fetch', OFFLINE_STAGE, t) },
  { path: ['x-airflow-common', 'environment', 'PUBLISH_FUNCTION_NAME'], value: (t) => functionName('publish', OFFLINE_STAGE, t) },
  // Airflow's metadata database, on its own PostgreSQL: the database airflow-db creates and the one its URL names.
  { path: ['services', 'airflow-db', 'environment', 'POSTGRES_DB'], value: (t) => t.postgres.airflowDatabase },
  {
    path: ['x-airflow-common', 'environment', 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN'],
    value: (t, current) => {
      if (!/^postgresql(\+\w+)?:\/\/[^/]+\/[^/?]+$/.test(current)) throw new ManifestError(`${COMPOSE_FILE}: cannot find the database in "${current}"`);
      return current.replace(/\/[^/?]+$/, `/${checked(t.postgres.airflowDatabase, 'postgres.airflowDatabase')}`);
    },
  },
];

/** Values written as they are into YAML plain scalars and env files: names, numbers, compatibility levels. */
const SAFE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function checked(value: string, where: string): string {
  if (!SAFE.test(value)) throw new ManifestError(`${where}: the manifest value "${value}" is not a plain name or number`);
  return value;
}

/** `${NAME:-default}` / `${NAME-default}` in a text (not `$${…}`, Compose's literal). */
const DEFAULTED = /(?<!\$)\$\{([_a-zA-Z][_a-zA-Z0-9]*)(:?-)([^}$]*)\}/g;

/** A scalar's new source text: its value put back in the style it was written in. */
function render(node: Scalar, value: string, where: string): string {
  switch (node.type) {
    case Scalar.QUOTE_DOUBLE:
      return JSON.stringify(value);
    case Scalar.QUOTE_SINGLE:
      return `'${value.replace(/'/g, "''")}'`;
    case Scalar.PLAIN: {
      // Written plain only if it reads back as the same string.
      if (parseDocument(`k: ${value}`).get('k') !== value) throw new ManifestError(`${where}: "${value}" cannot be written as a plain YAML value`);
      return value;
    }
    default:
      throw new ManifestError(`${where} is a ${node.type} scalar; write it plain or quoted`);
  }
}

/** docker-compose.yml with the manifest's values written in. */
export function composeValues(text: string, t: Topology = manifest): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new ManifestError(`${COMPOSE_FILE}: ${doc.errors[0]?.message}`);
  const variables = manifestVariables(t);
  const used = new Set<string>();
  const edits = new Map<Scalar, string>();

  for (const slot of SLOTS) {
    const where = `${COMPOSE_FILE}: ${slot.path.join('.')}`;
    const node = doc.getIn(slot.path, true);
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) throw new ManifestError(`${where} is not a string value`);
    const value = slot.value(t, node.value);
    edits.set(node, render(node, value, where));
  }

  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || !node.range || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const original = text.slice(node.range[0], node.range[1]);
      const source = edits.get(node) ?? original;
      const rewritten = source.replace(DEFAULTED, (whole, name: string, op: string) => {
        const value = variables[name];
        if (value === undefined) return whole;
        used.add(name);
        return `\${${name}${op}${checked(value, `${COMPOSE_FILE}: \${${name}}`)}}`;
      });
      if (rewritten !== original) edits.set(node, rewritten);
    },
  });
  const unused = Object.keys(variables).filter((name) => !used.has(name));
  if (unused.length > 0)
    throw new ManifestError(`${COMPOSE_FILE} never uses \${${unused.join('}, ${')}} (manifest values): publish or pass them with a default`);

  // Splice from the end, so earlier offsets hold.
  let out = text;
  const byOffset = [...edits.entries()].sort(([a], [b]) => (b.range?.[0] ?? 0) - (a.range?.[0] ?? 0));
  for (const [node, source] of byOffset) {
    const [start, end] = node.range!;
    out = out.slice(0, start) + source + out.slice(end);
  }
  return out;
}

/** Every variable docker-compose.yml interpolates with a default, and that default (one per variable). */
export function composeDefaults(text: string): Record<string, string> {
  const doc = parseDocument(text);
  const defaults: Record<string, string> = {};
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string') return;
      for (const [, name = '', , value = ''] of node.value.matchAll(DEFAULTED)) {
        if (name in defaults && defaults[name] !== value)
          throw new ManifestError(`${COMPOSE_FILE} gives \${${name}} two defaults, "${defaults[name]}" and "${value}": .env.example can document only one`);
        defaults[name] = value;
      }
    },
  });
  return defaults;
}

/** .env.example with each value the default docker-compose.yml (already generated) gives its variable. */
export function envExampleValues(text: string, composeText: string): string {
  const defaults = composeDefaults(composeText);
  const documented = new Set<string>();
  const lines = text.split('\n').map((line, index) => {
    const match = /^(\s*(?:export\s+)?)([_a-zA-Z][_a-zA-Z0-9]*)=(.*)$/.exec(line);
    if (!match || line.trim().startsWith('#')) return line;
    const [, lead = '', name = '', current = ''] = match;
    documented.add(name);
    const value = defaults[name];
    if (value === undefined) throw new ManifestError(`${ENV_EXAMPLE} line ${index + 1} documents ${name}, which ${COMPOSE_FILE} never uses with a default`);
    const quoted = /^".*"$/.test(current.trim()) || /[\s#"'$]/.test(value);
    return `${lead}${name}=${quoted ? JSON.stringify(value) : value}`;
  });
  const undocumented = Object.keys(defaults).filter((name) => !documented.has(name));
  if (undocumented.length > 0) throw new ManifestError(`${ENV_EXAMPLE} does not document ${undocumented.join(', ')}, which ${COMPOSE_FILE} uses`);
  return lines.join('\n');
}

export interface Generated {
  file: string;
  current: string;
  generated: string;
}

/** Each generated file: what is committed and what the manifest makes of it. */
export function generate(root: string = ROOT, t: Topology = manifest): Generated[] {
  const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
  const compose = read(COMPOSE_FILE);
  const composeOut = composeValues(compose, t);
  const envExample = read(ENV_EXAMPLE);
  return [
    { file: COMPOSE_FILE, current: compose, generated: composeOut },
    { file: ENV_EXAMPLE, current: envExample, generated: envExampleValues(envExample, composeOut) },
  ];
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  let stale = 0;
  for (const { file, current, generated } of generate()) {
    if (current === generated) continue;
    stale++;
    if (!check) writeFileSync(path.join(ROOT, file), generated);
    process.stdout.write(`[generate] ${file} ${check ? 'is not current' : 'written from infra/topology.json'}\n`);
  }
  if (stale === 0) process.stdout.write('[generate] docker-compose.yml and .env.example are current\n');
  return check && stale > 0 ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`[generate] ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
