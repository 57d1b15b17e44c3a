/** Schema Registry adapter (Confluent API): the only place the pipeline builds registry clients. */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Config } from '../config';
import { AvroCodec, type SchemaStore } from './avro-codec';

export function createSchemaRegistry(config: Config['schemaRegistry']): SchemaRegistry {
  return new SchemaRegistry({ host: config.url });
}

/** The registry as the codec's SchemaStore: the Confluent client registers. */
export function registrySchemaStore(config: Config['schemaRegistry']): SchemaStore {
  const registry = createSchemaRegistry(config);
  return {
    register: async (subject, schemaText) => (await registry.register({ type: SchemaType.AVRO, schema: schemaText }, { subject })).id,
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
  const response = await fetch(`${config.url}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: level }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new RegistryError(`setting compatibility ${level} failed: HTTP ${response.status} ${await response.text()}`, response.status);
}

export async function getGlobalCompatibility(config: Config['schemaRegistry']): Promise<string> {
  const response = await fetch(`${config.url}/config`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new RegistryError(`reading compatibility failed: HTTP ${response.status}`, response.status);
  const body = (await response.json()) as { compatibilityLevel?: string; compatibility?: string };
  return body.compatibilityLevel ?? body.compatibility ?? 'UNKNOWN';
}
