/**
 * Reading docker-compose.yml the way Docker Compose does, without Docker: YAML (with merge keys)
 * → variable interpolation (Compose's ${VAR:-default} rules, from an env file or none) → plain
 * data; validation against the Compose Specification JSON schema (compose-go's, via the Go module
 * proxy) and the value parsing Compose's loader does after it; this repository's
 * docker-compose.yml and .env.example loaded that way; and the helpers test/unit/compose.test.ts
 * and test/unit/compose-airflow.test.ts share. Their checks return a list of problems (empty =
 * good), so a test can show each on the real file and on a deliberately broken copy.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject } from 'ajv';
import { parse } from 'yaml';
import type { Topology } from '../../layers/config/topology';
import { composeGoModuleDir } from '../../scripts/stack/compose-spec';

export type Env = Record<string, string | undefined>;
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, JsonObject | null>;
}

export interface Service {
  image?: string;
  entrypoint?: string | string[];
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | JsonObject>;
  volumes?: Array<string | JsonObject>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  working_dir?: string;
}

// ---------------------------------------------------------------------------------------------
// Interpolation (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/)

export class InterpolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InterpolationError';
  }
}

/** One ${...} or $NAME met while interpolating; `fallback` is false for a bare ${VAR} / $VAR. */
export interface VariableUse {
  name: string;
  fallback: boolean;
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  throw new InterpolationError(`unclosed "\${" in "${text}"`);
}

function braced(body: string, env: Env, uses: VariableUse[]): string {
  const match = /^([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (!match) throw new InterpolationError(`invalid interpolation format "\${${body}}"`);
  const [, name = '', op, arg = ''] = match;
  const value = env[name];
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  uses.push({ name, fallback: op === ':-' || op === '-' });
  switch (op) {
    case undefined:
      return value ?? '';
    case ':-':
      return nonEmpty ? value : interpolate(arg, env, uses);
    case '-':
      return set ? value : interpolate(arg, env, uses);
    case ':?':
      if (!nonEmpty) throw new InterpolationError(`required variable ${name} is missing a value: ${arg}`);
      return value;
    case '?':
      if (!set) throw new InterpolationError(`required variable ${name} is missing a value: ${arg}`);
      return value;
    case ':+':
      return nonEmpty ? interpolate(arg, env, uses) : '';
    case '+':
      return set ? interpolate(arg, env, uses) : '';
    default:
      throw new InterpolationError(`invalid interpolation format "\${${body}}"`);
  }
}

/** Compose's rules: $$ is a literal $, ${VAR[:-|-|:?|?|:+|+]arg} and $VAR; any other $ is an error. */
export function interpolate(text: string, env: Env, uses: VariableUse[] = []): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(text, i + 2);
      out += braced(text.slice(i + 2, end), env, uses);
      i = end + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (!name) throw new InterpolationError(`invalid interpolation format at "${text.slice(i, i + 12)}" in "${text}" (write $$ for a literal $)`);
    uses.push({ name, fallback: false });
    out += env[name] ?? '';
    i += 1 + name.length;
  }
  return out;
}

function interpolateTree(node: Json, env: Env, uses: VariableUse[]): Json {
  if (typeof node === 'string') return interpolate(node, env, uses);
  if (Array.isArray(node)) return node.map((item) => interpolateTree(item, env, uses));
  if (node !== null && typeof node === 'object') {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) out[key] = interpolateTree(value, env, uses);
    return out;
  }
  return node;
}

/** The raw YAML as data: merge keys (<<) resolved, duplicate keys rejected, nothing interpolated. */
export function parseComposeYaml(text: string): JsonObject {
  const doc: unknown = parse(text, { merge: true, uniqueKeys: true, maxAliasCount: 100 });
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('a Compose file must be a mapping');
  return doc as JsonObject;
}

export interface LoadedCompose {
  compose: Compose;
  uses: VariableUse[];
}

/** What Compose would work with: the YAML, interpolated from `env` (the .env file / shell). */
export function resolveCompose(raw: JsonObject, env: Env): LoadedCompose {
  const uses: VariableUse[] = [];
  const compose = interpolateTree(raw, env, uses) as unknown as Compose;
  return { compose, uses };
}

/** A dotenv file as Compose reads it: KEY=VALUE lines, # comments, optional quotes, `export `. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^(?:export\s+)?([_a-zA-Z][_a-zA-Z0-9]*)\s*=\s*(.*)$/.exec(trimmed);
    if (!match) throw new Error(`env file line ${index + 1} is not KEY=VALUE: "${line}"`);
    const [, key = '', rest = ''] = match;
    const quoted = /^(["'])(.*)\1$/.exec(rest);
    env[key] = quoted ? (quoted[2] ?? '') : rest.replace(/\s+#.*$/, '');
  });
  return env;
}

// ---------------------------------------------------------------------------------------------
// The Compose Specification schema: compose-go's schema/compose-spec.json (the schema Docker
// Compose itself validates with), from a pinned module version through the Go module proxy.

/** The schema Docker Compose embeds, at the version scripts/stack/compose-spec.ts pins. */
export function composeSpecSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(composeGoModuleDir(), 'schema', 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
}

/** A duration as compose-go's loader decodes one (str2duration: Go's syntax, plus d and w). */
const DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w))+)$/;
const PORT_RANGE = '\\d{1,5}(-\\d{1,5})?';
const PORT_SPEC = new RegExp(`^((\\[[0-9a-fA-F:.]+\\]|[0-9.]+|[0-9a-fA-F:]+::?[0-9a-fA-F:]*)?:)?((${PORT_RANGE})?:)?${PORT_RANGE}(/(tcp|udp|sctp))?$`);

export function createSchemaValidator(schema: Record<string, unknown> = composeSpecSchema()): (doc: unknown) => string[] {
  // The schema's "$schema" is draft 2020-12: Ajv2020. Strict, except for `required` inside
  // anyOf branches naming properties declared beside the anyOf (a valid pattern it uses).
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  ajv.addFormat('duration', DURATION); // the one custom format compose-go registers
  const validate = ajv.compile(schema);
  return (doc: unknown) =>
    validate(doc) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}

/**
 * What compose-go's loader rejects once the schema has passed: the schema leaves durations and
 * short-syntax ports plain strings, which the loader then parses (types.Duration,
 * types.ParsePortConfig).
 */
export function loaderProblems(compose: Compose): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services ?? {})) {
    const healthcheck = (service.healthcheck ?? {}) as Record<string, unknown>;
    const durations: Record<string, unknown> = { stop_grace_period: (service as Record<string, unknown>).stop_grace_period };
    for (const key of ['interval', 'timeout', 'start_period', 'start_interval']) durations[`healthcheck.${key}`] = healthcheck[key];
    for (const [key, value] of Object.entries(durations)) {
      if (value !== undefined && !DURATION.test(String(value))) problems.push(`services.${name}.${key}: "${String(value)}" is not a duration`);
    }
    for (const port of service.ports ?? []) {
      if (typeof port === 'string' && !PORT_SPEC.test(port)) problems.push(`services.${name}.ports: "${port}" is not [[ip:]host:]container[/protocol]`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Service helpers

export function environmentOf(service: Service): Record<string, string> {
  const env: Record<string, string> = {};
  const raw = service.environment;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  } else if (raw) {
    for (const [k, v] of Object.entries(raw)) if (v !== null) env[k] = String(v);
  }
  return env;
}

export interface PublishedPort {
  hostIp: string | undefined;
  published: number;
  target: number;
}

/** Host ports a service publishes (short "ip:host:container/proto" syntax or long syntax). */
export function publishedPorts(service: Service): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const entry of service.ports ?? []) {
    if (typeof entry === 'object' && entry !== null) {
      const published = Number(entry.published);
      if (entry.published !== undefined && Number.isInteger(published)) {
        out.push({ hostIp: typeof entry.host_ip === 'string' ? entry.host_ip : undefined, published, target: Number(entry.target) });
      }
      continue;
    }
    // [ip:][host:]container[/proto], split from the right (an IPv6 ip may hold colons).
    const parts = String(entry)
      .replace(/\/(tcp|udp|sctp)$/, '')
      .split(':');
    const target = parts.pop();
    const host = parts.pop();
    const ip = parts.join(':').replace(/^\[(.*)\]$/, '$1');
    if (!host || !/^\d+$/.test(host) || !target || !/^\d+$/.test(target)) continue; // unpublished, ephemeral or a range
    out.push({ hostIp: ip === '' ? undefined : ip, published: Number(host), target: Number(target) });
  }
  return out;
}

/** The healthcheck's test as one line. */
export function healthTest(service: Service): string {
  const t = service.healthcheck?.test;
  return Array.isArray(t) ? t.join(' ') : (t ?? '');
}

/** The command as one line. */
export function commandOf(service: Service): string {
  return Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? '');
}

export function dependencies(service: Service): Array<{ name: string; condition: string | undefined }> {
  const deps = service.depends_on;
  if (!deps) return [];
  if (Array.isArray(deps)) return deps.map((name) => ({ name, condition: undefined }));
  return Object.entries(deps).map(([name, spec]) => ({ name, condition: spec?.condition }));
}

/** One-shot services: ones others wait on to complete, and never restarted. */
export function oneShotServices(compose: Compose): Set<string> {
  const names = new Set<string>();
  for (const service of Object.values(compose.services)) {
    for (const dep of dependencies(service)) if (dep.condition === 'service_completed_successfully') names.add(dep.name);
  }
  return names;
}

export function readText(root: string, file: string): string {
  return readFileSync(path.join(root, file), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// This repository's docker-compose.yml, and what test/unit/compose*.test.ts know of it

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const COMPOSE_FILE = 'docker-compose.yml';
export const ENV_EXAMPLE = '.env.example';

export interface RepoCompose {
  topology: Topology;
  /** docker-compose.yml as YAML data, not interpolated. */
  raw: JsonObject;
  /** What .env.example sets. */
  envExample: Record<string, string>;
  /** Interpolated with no .env at all (every default). */
  withDefaults: LoadedCompose;
  /** Interpolated from .env.example. */
  withEnvExample: LoadedCompose;
  /** withDefaults.compose: the file the checks read. */
  compose: Compose;
}

/** infra/topology.json, docker-compose.yml and .env.example, read as Compose reads them. */
export function loadRepoCompose(root: string = REPO_ROOT): RepoCompose {
  const topology = JSON.parse(readText(root, 'infra/topology.json')) as Topology;
  const raw = parseComposeYaml(readText(root, COMPOSE_FILE));
  const envExample = parseEnvFile(readText(root, ENV_EXAMPLE));
  const withDefaults = resolveCompose(raw, {});
  return { topology, raw, envExample, withDefaults, withEnvExample: resolveCompose(raw, envExample), compose: withDefaults.compose };
}

/** Which compose service publishes each topology port, and on which container port. */
export const PORT_OWNERS: Record<keyof Topology['ports'], { service: string; target: number }> = {
  zookeeper: { service: 'zookeeper', target: 2181 },
  kafka: { service: 'kafka', target: 9092 },
  schemaRegistry: { service: 'schema-registry', target: 8081 },
  postgres: { service: 'postgres', target: 5432 },
  cassandra: { service: 'cassandra', target: 9042 },
  offlineHttp: { service: 'functions', target: 3000 },
  offlineLambda: { service: 'functions', target: 3002 },
  airflow: { service: 'airflow-api-server', target: 8080 },
  sparkMaster: { service: 'spark-master', target: 7077 },
  sparkUi: { service: 'spark-master', target: 8080 },
  controlCenter: { service: 'control-center', target: 9021 },
};

/** The Airflow containers: one image and one environment (x-airflow-common). */
export const AIRFLOW_SERVICES = ['airflow-init', 'airflow-api-server', 'airflow-scheduler', 'airflow-dag-processor'];
export const AIRFLOW_HOME = '/opt/airflow';
/** Airflow's own PostgreSQL (its metadata database). */
export const AIRFLOW_DB = 'airflow-db';

// ---------------------------------------------------------------------------------------------
// Breaking a copy

export const clone = (c: Compose): Compose => structuredClone(c);

export function svc(c: Compose, name: string): Service {
  const s = c.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
}

export function setEnv(s: Service, key: string, value: string): void {
  s.environment = { ...environmentOf(s), [key]: value };
}
