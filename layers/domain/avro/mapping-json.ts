/**
 * The Zod schema of an Avro record as the Kafka event source mapping delivers it with
 * EventRecordFormat JSON: decoded with the writer's schema and rendered as plain JSON (a union as
 * its branch's value, long and int as numbers, bytes and fixed as base64, timestamp-millis as epoch
 * milliseconds). Derived from the project's .avsc files, so a field is named once; the values come
 * out as avsc decodes them with avroTypeOptions (timestamps as Dates). AWS has no reader schema, so
 * reading as the reader would is done here: a field the writer lacks takes its default, a field the
 * reader lacks is dropped.
 */
import { z } from 'zod';
import { UUID_PATTERN } from '../validate';
import type { AvroRecordSchema } from './logical-types';

type Named = Map<string, z.ZodType>;

interface AvroNode {
  type: unknown;
  logicalType?: string;
  name?: string;
  namespace?: string;
  fields?: { name: string; type: unknown; default?: unknown }[];
  symbols?: string[];
  items?: unknown;
  values?: unknown;
}

const PRIMITIVES: Record<string, () => z.ZodType> = {
  null: () => z.null(),
  boolean: () => z.boolean(),
  int: () => z.number().int(),
  long: () => z.number().int(),
  float: () => z.number().nullable(),
  double: () => z.number().nullable(),
  bytes: () => z.base64(),
  string: () => z.string(),
};

const LOGICAL: Record<string, () => z.ZodType> = {
  'timestamp-millis': () =>
    z
      .number()
      .int()
      .transform((ms) => new Date(ms)),
  uuid: () => z.string().regex(UUID_PATTERN, 'not a UUID'),
};

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function named(node: AvroNode, namespace: string | undefined, known: Named, build: (ns: string | undefined) => z.ZodType): z.ZodType {
  const ns = node.namespace ?? (node.name?.includes('.') ? node.name.slice(0, node.name.lastIndexOf('.')) : namespace);
  const schema = build(ns);
  known.set(fullName(node.name ?? '', ns), schema);
  return schema;
}

function forType(type: unknown, namespace: string | undefined, known: Named): z.ZodType {
  if (typeof type === 'string') {
    const primitive = PRIMITIVES[type];
    if (primitive) return primitive();
    const reference = known.get(fullName(type, namespace)) ?? known.get(type);
    if (!reference) throw new Error(`Avro type "${type}" is used before it is defined`);
    return reference;
  }
  if (Array.isArray(type)) {
    const [first, second, ...more] = type.map((branch) => forType(branch, namespace, known));
    return second ? z.union([first!, second, ...more]) : first!;
  }
  const node = type as AvroNode;
  const logical = node.logicalType && LOGICAL[node.logicalType];
  if (logical) return logical();
  switch (node.type) {
    case 'record':
      return named(node, namespace, known, (ns) => {
        const shape: Record<string, z.ZodType> = {};
        for (const field of node.fields ?? []) {
          const value = forType(field.type, ns, known);
          // prefault, not default: the default is read like a value (a timestamp default becomes a Date).
          shape[field.name] = field.default === undefined ? value : value.prefault(field.default);
        }
        return z.object(shape);
      });
    case 'enum':
      return named(node, namespace, known, () => z.enum(node.symbols as [string, ...string[]]));
    case 'fixed':
      return named(node, namespace, known, () => z.base64());
    case 'array':
      return z.array(forType(node.items, namespace, known));
    case 'map':
      return z.record(z.string(), forType(node.values, namespace, known));
    default:
      // { "type": "string" } and a logical type this module does not read: the underlying type.
      return forType(node.type, namespace, known);
  }
}

/** The Zod schema of `schema`'s JSON rendering; `description` is the record's name, for error messages. */
export function mappingJsonSchema(schema: AvroRecordSchema): z.ZodType {
  return forType(schema, undefined, new Map()).describe(schema.name);
}
