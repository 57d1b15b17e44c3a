/**
 * Several Compose files read as `docker compose -f a.yml -f b.yml` reads them, without Docker: each
 * parsed with Compose's `!reset` and `!override` tags, each later one merged over the ones before by
 * compose-go's rules (override/merge.go and override/uncity.go, for what this repository's files
 * use): mappings merge key by key, `environment` and `labels` too; `command`, `entrypoint` and
 * `healthcheck.test` are replaced; `depends_on` merges as a mapping; other sequences get what is new
 * appended, and `volumes` and `ports` then keep one entry per target, the later one in the earlier's
 * place. A `!reset` value removes the key; an `!override` value replaces rather than merges.
 */
import { isDeepStrictEqual } from 'node:util';
import { isNode, parseDocument, visit, YAMLMap } from 'yaml';
import type { Json, JsonObject } from './compose';

const RESET = '\u0000compose-reset';
const OVERRIDE = '\u0000compose-override';

/** One Compose file as data, its `!reset`/`!override` values marked for the merge. */
export function parseComposeFile(text: string): JsonObject {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw doc.errors[0];
  visit(doc, (_key, node) => {
    if (!isNode(node) || (node.tag !== '!reset' && node.tag !== '!override')) return undefined;
    const tag = node.tag;
    node.tag = undefined;
    if (tag === '!reset') return doc.createNode(RESET);
    const marked = new YAMLMap();
    marked.set(OVERRIDE, node);
    return marked;
  });
  const unknown = doc.warnings.filter((w) => !/Unresolved tag: !(reset|override)/.test(w.message));
  if (unknown.length > 0) throw unknown[0];
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('a Compose file must be a mapping');
  return data as JsonObject;
}

const isObject = (v: Json | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const overrideOf = (v: Json | undefined): Json | undefined => (isObject(v) && OVERRIDE in v ? v[OVERRIDE] : undefined);

/** What the merge makes of a value that has nothing to merge with: the marks taken off. */
function plain(value: Json): Json {
  const override = overrideOf(value);
  if (override !== undefined) return plain(override);
  if (Array.isArray(value)) return value.map(plain);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (v !== RESET) out[k] = plain(v);
    return out;
  }
  return value;
}

const serviceKey = (path: readonly string[], key: string): boolean => path.length === 3 && path[0] === 'services' && path[2] === key;

/** `KEY=VALUE` entries (or a mapping) as a mapping. */
function keyValues(value: Json): JsonObject {
  if (!Array.isArray(value)) return isObject(value) ? value : {};
  return Object.fromEntries(
    value.map((entry) => {
      const text = String(entry);
      const eq = text.indexOf('=');
      return eq < 0 ? [text, null] : [text.slice(0, eq), text.slice(eq + 1)];
    }),
  );
}

function dependsOn(value: Json): JsonObject {
  if (!Array.isArray(value)) return isObject(value) ? value : {};
  return Object.fromEntries(value.map((name) => [String(name), { condition: 'service_started', required: true }]));
}

/** A volume's or port's identity, as uncity.go indexes them. */
function entryKey(kind: 'volumes' | 'ports', entry: Json): string {
  if (kind === 'ports') return typeof entry === 'string' ? entry : JSON.stringify(entry);
  if (isObject(entry)) return String(entry.target);
  const parts = String(entry).split(':');
  return parts.length >= 2 ? (parts[1] ?? '') : (parts[0] ?? '');
}

function unique(kind: 'volumes' | 'ports', entries: Json[]): Json[] {
  const out: Json[] = [];
  const at = new Map<string, number>();
  for (const entry of entries) {
    const key = entryKey(kind, entry);
    const i = at.get(key);
    if (i === undefined) {
      at.set(key, out.length);
      out.push(entry);
    } else out[i] = entry;
  }
  return out;
}

function mergeValue(base: Json, over: Json, path: readonly string[]): Json {
  const replaced = overrideOf(over);
  if (replaced !== undefined) return plain(replaced);
  if (serviceKey(path, 'command') || serviceKey(path, 'entrypoint') || (path.length === 4 && path[2] === 'healthcheck' && path[3] === 'test'))
    return plain(over);
  if (serviceKey(path, 'environment') || serviceKey(path, 'labels')) return mergeMapping(keyValues(base), keyValues(over), path);
  if (serviceKey(path, 'depends_on')) return mergeMapping(dependsOn(base), dependsOn(over), path);
  if (Array.isArray(base) && Array.isArray(over)) {
    const appended = [...base];
    for (const entry of over.map(plain)) if (!appended.some((e) => isDeepStrictEqual(e, entry))) appended.push(entry);
    return serviceKey(path, 'volumes') || serviceKey(path, 'ports') ? unique(path[2] as 'volumes' | 'ports', appended) : appended;
  }
  if (isObject(base) && isObject(over)) return mergeMapping(base, over, path);
  return plain(over);
}

function mergeMapping(base: JsonObject, over: JsonObject, path: readonly string[]): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === RESET) delete out[key];
    else out[key] = key in base ? mergeValue(base[key] as Json, value, [...path, key]) : plain(value);
  }
  return out;
}

/** The files merged in order, as Compose merges `-f` files (before interpolation, which goes key by key alike). */
export function mergeComposeFiles(files: readonly JsonObject[]): JsonObject {
  return files.reduce<JsonObject>((merged, file) => mergeMapping(merged, file, []), {});
}
