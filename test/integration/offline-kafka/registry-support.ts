/**
 * The schema-registry tests' chores on the stack's real registry: the test schemas, registering
 * them, and framing Avro in the Confluent wire format.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Type } from 'avsc';
import { USER_V1_AVRO } from '../../fixtures/offline-kafka/registry-handlers';
import { config } from './harness';

export const REGISTRY_URL = config.schemaRegistry.url;

/** The topics serverless.registry.yml reads (suffix → partitions), under the run's prefix. */
export const REGISTRY_TOPICS = {
  'registry-json': 1,
  'registry-source': 1,
  'registry-failures': 1,
  'registry-failures-dlq': 1,
  'registry-filtered': 1,
  'registry-gated': 1,
};
export const REGISTRY_CONSUMERS = ['registryJson', 'registrySource', 'registryFailures', 'registryFiltered', 'registryGated'];

/** An id the registry hands out to no schema (its ids count up from 1). */
export const UNKNOWN_SCHEMA_ID = 2_147_480_000;

export const USER_V1 = USER_V1_AVRO;

/** v2 drops `age` and adds `nickname`: BACKWARD-compatible, and v1 readers fall back on age's default. */
export const USER_V2 = {
  ...USER_V1,
  fields: [
    { name: 'name', type: 'string' },
    { name: 'country', type: 'string' },
    { name: 'nickname', type: ['null', 'string'], default: null },
  ],
};

export const userV1 = Type.forSchema(USER_V1 as Parameters<typeof Type.forSchema>[0]);
export const userV2 = Type.forSchema(USER_V2 as Parameters<typeof Type.forSchema>[0]);
export const keyType = Type.forSchema('string');

/** Registers `schema` under `subject` (POST /subjects/{subject}/versions); resolves with its id. */
export async function registerSchema(subject: string, schema: unknown): Promise<number> {
  const response = await fetch(`${REGISTRY_URL}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`registering ${subject} failed: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

/** Soft-deletes a test subject (its ids stay readable, as the registry keeps them). */
export async function deleteSubject(subject: string): Promise<void> {
  await fetch(`${REGISTRY_URL}/subjects/${encodeURIComponent(subject)}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
}

/** Magic byte 0, the schema id (4 bytes, big-endian), then the encoded record. */
export function confluentFrame(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

/**
 * The stack's registry behind a TCP forwarder the test can shut and open: a registry that cannot be
 * reached, without touching the real one.
 */
export class RegistryGate {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(readonly port: number) {}

  /** The registry's URL through the gate. */
  get url(): string {
    const target = new URL(REGISTRY_URL);
    return `http://127.0.0.1:${this.port}${target.pathname}`;
  }

  async open(): Promise<void> {
    const target = new URL(REGISTRY_URL);
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
  }

  async shut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}
