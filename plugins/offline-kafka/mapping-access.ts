/**
 * How a mapping authenticates, read from its template: `SourceAccessConfigurations` for the brokers
 * (compiled by osls from a kafka event's `accessConfigurations` or an msk event's `saslScram512`) and
 * the SchemaRegistryConfig's `AccessConfigs` for the registry. Each URI is a Secrets Manager ARN,
 * which offline cannot read: `custom.offlineKafka.secrets` maps it to a local `file:` reference.
 * An ARN without an entry is not used (one line says so), as before this mapping existed.
 */
import { isObject } from './config-values';
import { EventDefinitionError } from './errors';
import type { SchemaRegistrySettings } from './schema-registry-config';
import { filePathOf } from './secret-files';

export type SaslMechanism = 'scram-sha-512' | 'scram-sha-256' | 'plain';

/** Local files the mapping's secrets resolve to. Any of them means the connection uses TLS. */
export interface KafkaAccess {
  sasl: { mechanism: SaslMechanism; credentialsFile: string } | undefined;
  caFile: string | undefined;
}

export interface RegistryAccess {
  credentialsFile: string | undefined;
  caFile: string | undefined;
}

export interface MappingAccess {
  kafka: KafkaAccess;
  registry: RegistryAccess;
}

/** custom.offlineKafka.secrets: a Secrets Manager ARN → the `file:` reference it stands for offline. */
export type SecretFiles = ReadonlyMap<string, string>;

const SASL_TYPES: Readonly<Record<string, SaslMechanism>> = {
  SASL_SCRAM_512_AUTH: 'scram-sha-512',
  SASL_SCRAM_256_AUTH: 'scram-sha-256',
  BASIC_AUTH: 'plain',
};
/** Where Lambda's pollers run (a VPC) or which vhost: nothing to do with credentials, so nothing offline. */
const NETWORK_TYPES = new Set(['VPC_SUBNET', 'VPC_SECURITY_GROUP', 'VIRTUAL_HOST']);
const SOURCE_TYPES = new Set([...Object.keys(SASL_TYPES), ...NETWORK_TYPES, 'SERVER_ROOT_CA_CERTIFICATE', 'CLIENT_CERTIFICATE_TLS_AUTH']);

/** osls's names for a kafka event's accessConfigurations (compile/events/kafka.js), and the URI prefix it adds. */
const EVENT_ACCESS: Readonly<Record<string, { type: string; prefix?: string }>> = {
  vpcSubnet: { type: 'VPC_SUBNET', prefix: 'subnet:' },
  vpcSecurityGroup: { type: 'VPC_SECURITY_GROUP', prefix: 'security_group:' },
  saslPlainAuth: { type: 'BASIC_AUTH' },
  saslScram256Auth: { type: 'SASL_SCRAM_256_AUTH' },
  saslScram512Auth: { type: 'SASL_SCRAM_512_AUTH' },
  clientCertificateTlsAuth: { type: 'CLIENT_CERTIFICATE_TLS_AUTH' },
  serverRootCaCertificate: { type: 'SERVER_ROOT_CA_CERTIFICATE' },
};

/** The SourceAccessConfigurations osls writes for a kafka event's `accessConfigurations`. */
export function compileAccessConfigurations(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  return Object.entries(raw).flatMap(([name, values]) => {
    const { type, prefix = '' } = EVENT_ACCESS[name] ?? { type: name };
    return (Array.isArray(values) ? values : [values]).map((value) => ({ Type: type, URI: `${prefix}${String(value)}` }));
  });
}

export function readSecretFiles(raw: unknown, where: string): SecretFiles {
  if (raw === undefined || raw === null) return new Map();
  if (!isObject(raw)) throw new EventDefinitionError(where, 'must map Secrets Manager ARNs to file: references');
  return new Map(
    Object.entries(raw).map(([arn, reference]) => {
      if (!arn.startsWith('arn:')) throw new EventDefinitionError(`${where}.${arn}`, 'must be a Secrets Manager ARN, as the mapping names it');
      if (typeof reference !== 'string' || filePathOf(reference) === undefined) {
        throw new EventDefinitionError(`${where}.${arn}`, 'must be a file: reference (file:<path>, relative to the service directory)');
      }
      return [arn, reference];
    }),
  );
}

interface Entry {
  type: string;
  uri: string;
}

/**
 * Resolves the mapping's access settings to local files. `sourceWhere`/`registryWhere` name where
 * SourceAccessConfigurations and SchemaRegistryConfig were written; what offline cannot use is a warning.
 */
export function readMappingAccess(
  input: { source: unknown; sourceWhere: string; registry: SchemaRegistrySettings | undefined; registryWhere: string },
  secrets: SecretFiles,
  warnings: string[],
): MappingAccess {
  const source = readSourceEntries(input.source, input.sourceWhere);
  const kafka: KafkaAccess = { sasl: undefined, caFile: undefined };
  const unused: Entry[] = [];
  for (const entry of source) {
    if (NETWORK_TYPES.has(entry.type)) continue;
    const file = resolve(entry, secrets, unused);
    if (file === undefined) continue;
    const mechanism = SASL_TYPES[entry.type];
    if (mechanism) kafka.sasl = { mechanism, credentialsFile: file };
    else kafka.caFile = file;
  }
  warnUnused(unused, input.sourceWhere, warnings);

  const registry: RegistryAccess = { credentialsFile: undefined, caFile: undefined };
  const unusedByRegistry: Entry[] = [];
  for (const entry of input.registry?.access ?? []) {
    const file = resolve(entry, secrets, unusedByRegistry);
    if (file === undefined) continue;
    if (entry.type === 'BASIC_AUTH') registry.credentialsFile = file;
    else registry.caFile = file;
  }
  warnUnused(unusedByRegistry, `${input.registryWhere}.AccessConfigs`, warnings);
  return { kafka, registry };
}

function readSourceEntries(raw: unknown, where: string): Entry[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new EventDefinitionError(where, 'must list { Type, URI }');
  const entries = raw.map((entry, index) => {
    const at = `${where}[${index}]`;
    if (!isObject(entry) || typeof entry.Type !== 'string' || typeof entry.URI !== 'string' || entry.URI === '') {
      throw new EventDefinitionError(at, 'must be { Type, URI }');
    }
    if (!SOURCE_TYPES.has(entry.Type)) throw new EventDefinitionError(`${at}.Type`, `must be one of ${[...SOURCE_TYPES].join(', ')}`);
    return { type: entry.Type, uri: entry.URI };
  });
  const methods = entries.filter((entry) => entry.type in SASL_TYPES).map((entry) => entry.type);
  if (methods.length > 1) throw new EventDefinitionError(where, `names ${methods.join(' and ')}: a mapping authenticates one way`);
  return entries;
}

/** Types offline connects with; client certificates (mTLS) and OAUTHBEARER are not emulated. */
function usable(type: string): boolean {
  return type === 'SERVER_ROOT_CA_CERTIFICATE' || type in SASL_TYPES;
}

/** The file an entry's secret resolves to, or undefined (then listed in `unused`). */
function resolve(entry: Entry, secrets: SecretFiles, unused: Entry[]): string | undefined {
  const reference = usable(entry.type) ? secrets.get(entry.uri) : undefined;
  const file = reference === undefined ? undefined : filePathOf(reference);
  if (file === undefined) unused.push(entry);
  return file;
}

function warnUnused(unused: readonly Entry[], where: string, warnings: string[]): void {
  const unsupported = unused.filter((entry) => !usable(entry.type));
  const unmapped = unused.filter((entry) => usable(entry.type));
  if (unsupported.length > 0) warnings.push(`${where} (${typesOf(unsupported)}) are not used offline: not emulated`);
  if (unmapped.length > 0) {
    warnings.push(
      `${where} (${typesOf(unmapped)}) are not used offline: offline reads no Secrets Manager secret;` +
        ` map ${unmapped.map((entry) => entry.uri).join(', ')} to a file: reference in custom.offlineKafka.secrets`,
    );
  }
}

function typesOf(entries: readonly Entry[]): string {
  return entries.map((entry) => entry.type).join(', ');
}
