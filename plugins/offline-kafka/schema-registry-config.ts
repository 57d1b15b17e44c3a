/**
 * The mapping's `SchemaRegistryConfig` (CloudFormation AWS::Lambda::EventSourceMapping, under
 * SelfManagedKafkaEventSourceConfig or AmazonManagedKafkaEventSourceConfig), read once and checked
 * the way AWS would refuse it. Offline decodes against a Confluent-compatible registry over HTTP(S);
 * a Glue registry ARN is refused with the reason. AccessConfigs are used through the local files
 * custom.offlineKafka.secrets maps their ARNs to (mapping-access.ts).
 */
import { EventDefinitionError } from './errors';

export type EventRecordFormat = 'JSON' | 'SOURCE';

/** How Lambda authenticates with the registry: a Secrets Manager ARN per method (max 2). */
export interface SchemaRegistryAccess {
  type: 'BASIC_AUTH' | 'CLIENT_CERTIFICATE_TLS_AUTH' | 'SERVER_ROOT_CA_CERTIFICATE' | 'OAUTHBEARER_AUTH';
  uri: string;
}

export interface SchemaRegistrySettings {
  /** The registry's base URL, without a trailing slash (e.g. http://127.0.0.1:8081/apis/ccompat/v7). */
  uri: string;
  eventRecordFormat: EventRecordFormat;
  /** Which attributes SchemaValidationConfigs names: only those are validated, decoded and get metadata. */
  validate: { key: boolean; value: boolean };
  /** Secrets Manager ARNs; offline resolves them through custom.offlineKafka.secrets (mapping-access.ts). */
  access: SchemaRegistryAccess[];
}

const KEYS = new Set(['SchemaRegistryURI', 'EventRecordFormat', 'SchemaValidationConfigs', 'AccessConfigs']);
const FORMATS: ReadonlySet<string> = new Set(['JSON', 'SOURCE']);
const ACCESS_TYPES: ReadonlySet<string> = new Set(['BASIC_AUTH', 'CLIENT_CERTIFICATE_TLS_AUTH', 'SERVER_ROOT_CA_CERTIFICATE', 'OAUTHBEARER_AUTH']);
const MAX_ACCESS_CONFIGS = 2;

/** Throws EventDefinitionError naming the offending property under `path`. */
export function readSchemaRegistryConfig(value: unknown, path: string): SchemaRegistrySettings {
  if (!isObject(value)) throw new EventDefinitionError(path, 'must be an object with SchemaRegistryURI, EventRecordFormat and SchemaValidationConfigs');
  for (const key of Object.keys(value)) {
    if (!KEYS.has(key)) throw new EventDefinitionError(`${path}.${key}`, `unknown property (allowed: ${[...KEYS].join(', ')})`);
  }
  return {
    uri: readUri(value.SchemaRegistryURI, `${path}.SchemaRegistryURI`),
    eventRecordFormat: readFormat(value.EventRecordFormat, `${path}.EventRecordFormat`),
    validate: readValidation(value.SchemaValidationConfigs, `${path}.SchemaValidationConfigs`),
    access: readAccess(value.AccessConfigs, `${path}.AccessConfigs`),
  };
}

function readUri(raw: unknown, where: string): string {
  if (typeof raw !== 'string' || raw === '') {
    const hint = isObject(raw) ? ' (a CloudFormation function cannot be resolved offline: use a literal or a ${param:…})' : '';
    throw new EventDefinitionError(where, `must be the registry's URL${hint}`);
  }
  if (raw.startsWith('arn:')) {
    const glue = /^arn:[^:]+:glue:/.test(raw) ? 'an AWS Glue schema registry' : 'an ARN';
    throw new EventDefinitionError(where, `${raw} is ${glue}; offline decodes only against a Confluent-compatible registry over http(s)`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EventDefinitionError(where, `"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EventDefinitionError(where, `"${raw}" must be an http(s) URL of a Confluent-compatible registry`);
  }
  return raw.replace(/\/+$/, '');
}

function readFormat(raw: unknown, where: string): EventRecordFormat {
  if (typeof raw !== 'string' || !FORMATS.has(raw)) throw new EventDefinitionError(where, 'must be JSON or SOURCE');
  return raw as EventRecordFormat;
}

function readValidation(raw: unknown, where: string): SchemaRegistrySettings['validate'] {
  if (!Array.isArray(raw) || raw.length === 0) throw new EventDefinitionError(where, 'must list { Attribute: KEY } and/or { Attribute: VALUE }');
  const validate = { key: false, value: false };
  raw.forEach((entry, index) => {
    const at = `${where}[${index}]`;
    if (!isObject(entry) || Object.keys(entry).some((key) => key !== 'Attribute')) throw new EventDefinitionError(at, 'must be { Attribute: KEY | VALUE }');
    const attribute = entry.Attribute;
    if (attribute !== 'KEY' && attribute !== 'VALUE') throw new EventDefinitionError(`${at}.Attribute`, 'must be KEY or VALUE');
    const field = attribute === 'KEY' ? 'key' : 'value';
    if (validate[field]) throw new EventDefinitionError(`${at}.Attribute`, `${attribute} is listed twice`);
    validate[field] = true;
  });
  return validate;
}

function readAccess(raw: unknown, where: string): SchemaRegistryAccess[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > MAX_ACCESS_CONFIGS) throw new EventDefinitionError(where, `must list at most ${MAX_ACCESS_CONFIGS} { Type, URI }`);
  return raw.map((entry, index) => {
    const at = `${where}[${index}]`;
    if (!isObject(entry) || Object.keys(entry).some((key) => key !== 'Type' && key !== 'URI')) throw new EventDefinitionError(at, 'must be { Type, URI }');
    if (typeof entry.Type !== 'string' || !ACCESS_TYPES.has(entry.Type))
      throw new EventDefinitionError(`${at}.Type`, `must be one of ${[...ACCESS_TYPES].join(', ')}`);
    if (typeof entry.URI !== 'string' || entry.URI === '') throw new EventDefinitionError(`${at}.URI`, 'must be the Secrets Manager secret ARN');
    return { type: entry.Type as SchemaRegistryAccess['type'], uri: entry.URI };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
