/** Schema Registry adapter (Confluent API): the only place the pipeline builds registry clients. */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Config } from '../config';
import { AvroCodec, type SchemaStore } from './avro-codec';
import { registryClientArgs, registryFetch } from './registry-access';

/** A Confluent client with the registry's TLS and basic auth (credentials are read from their secret). */
export async function openSchemaRegistry(config: Config['schemaRegistry']): Promise<SchemaRegistry> {
  return new SchemaRegistry(await registryClientArgs(config));
}

/** A client for a registry that needs neither credentials nor a CA of ours (the plain stack's). */
export function createSchemaRegistry(config: Config['schemaRegistry']): SchemaRegistry {
  if (config.credentials || config.tls.enabled) throw new RegistryError('this registry needs TLS or credentials: use openSchemaRegistry');
  return new SchemaRegistry({ host: config.url });
}

/** The registry as the codec's SchemaStore: the Confluent client registers, opened on first use. */
export function registrySchemaStore(config: Config['schemaRegistry']): SchemaStore {
  let registry: Promise<SchemaRegistry> | undefined;
  return {
    register: async (subject, schemaText) => {
      // A failed open (an unreadable secret) is not cached: the next register tries again.
      registry ??= openSchemaRegistry(config).catch((error: unknown) => {
        registry = undefined;
        throw error;
      });
      return (await (await registry).register({ type: SchemaType.AVRO, schema: schemaText }, { subject })).id;
    },
  };
}

/** The pipeline's Avro codec against the stack's schema registry. */
export function createAvroCodec(config: Config['schemaRegistry']): AvroCodec {
  return new AvroCodec(registrySchemaStore(config));
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** Sets the registry-wide compatibility level (PUT /config), e.g. BACKWARD. */
export async function setGlobalCompatibility(config: Config['schemaRegistry'], level: string): Promise<void> {
  const response = await registryFetch(config, '/config', {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: level }),
  });
  if (!response.ok) throw new RegistryError(`setting compatibility ${level} failed: HTTP ${response.status} ${await response.text()}`, response.status);
}

export async function getGlobalCompatibility(config: Config['schemaRegistry']): Promise<string> {
  const response = await registryFetch(config, '/config');
  if (!response.ok) throw new RegistryError(`reading compatibility failed: HTTP ${response.status}`, response.status);
  const body = JSON.parse(await response.text()) as { compatibilityLevel?: string; compatibility?: string };
  return body.compatibilityLevel ?? body.compatibility ?? 'UNKNOWN';
}
