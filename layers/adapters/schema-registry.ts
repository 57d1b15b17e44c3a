/** Schema Registry adapter (Confluent API): the only place the pipeline builds registry clients. */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Config } from '../config';

export function createSchemaRegistry(config: Config['schemaRegistry']): SchemaRegistry {
  return new SchemaRegistry({ host: config.url });
}

export class RegistryError extends Error {
  constructor(message: string, readonly status?: number) {
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
