/**
 * Writer schemas by id from a Confluent-compatible registry (GET /schemas/ids/{id}; the stack's
 * Apicurio serves that API under /apis/ccompat/v7). Each id is fetched once; an unknown id is
 * remembered briefly, so a burst of records with it costs one request, and a schema registered
 * meanwhile is found on a later batch.
 */
import { describeError } from './errors';
import { plainGet, type RegistryAnswer, type RegistryGet } from './registry-access';

export type DataFormat = 'AVRO' | 'JSON' | 'PROTOBUF';

export interface RegisteredSchema {
  id: number;
  dataFormat: DataFormat;
  /** The schema text as registered (Avro JSON, JSON Schema or .proto). */
  schema: string;
}

/** What decoding needs of a registry: the schema with an id, or undefined if it has none. */
export interface SchemaSource {
  schemaById(id: number): Promise<RegisteredSchema | undefined>;
  /** The id of a subject's latest version (its schema cached for schemaById), or undefined. */
  latestId?(subject: string): Promise<number | undefined>;
}

const REQUEST_TIMEOUT_MS = 10_000;
/** How long an id the registry did not know stays unknown before it is asked again. */
const UNKNOWN_ID_TTL_MS = 5_000;

/** The registry could not be asked (network, HTTP 5xx): not the record's fault, so the batch waits. */
export class RegistryUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`schema registry unavailable (${url}): ${describeError(cause)}`, { cause });
    this.name = 'RegistryUnavailableError';
  }
}

export class ConfluentRegistryClient implements SchemaSource {
  private readonly requests = new Map<number, Promise<RegisteredSchema | undefined>>();
  private readonly unknownUntil = new Map<number, number>();

  constructor(
    private readonly baseUrl: string,
    private readonly get: RegistryGet = plainGet,
  ) {}

  schemaById(id: number): Promise<RegisteredSchema | undefined> {
    if ((this.unknownUntil.get(id) ?? 0) > Date.now()) return Promise.resolve(undefined);
    let request = this.requests.get(id);
    if (!request) {
      request = this.fetchSchema(id);
      this.requests.set(id, request);
      // Found schemas stay cached (an id never changes); an unknown id or a failed request does not.
      request.then(
        (found) => {
          if (found) return;
          this.requests.delete(id);
          this.unknownUntil.set(id, Date.now() + UNKNOWN_ID_TTL_MS);
        },
        () => this.requests.delete(id),
      );
    }
    return request;
  }

  async latestId(subject: string): Promise<number | undefined> {
    const body = (await this.answer(`${this.baseUrl}/subjects/${encodeURIComponent(subject)}/versions/latest`)) as
      | { id?: unknown; schema?: unknown; schemaType?: unknown }
      | undefined;
    if (typeof body?.id !== 'number' || typeof body.schema !== 'string') return undefined;
    // An id never changes: the version's schema is the id's.
    if (!this.requests.has(body.id))
      this.requests.set(body.id, Promise.resolve({ id: body.id, dataFormat: dataFormatOf(body.schemaType), schema: body.schema }));
    return body.id;
  }

  private async fetchSchema(id: number): Promise<RegisteredSchema | undefined> {
    const url = `${this.baseUrl}/schemas/ids/${id}`;
    const body = (await this.answer(url)) as { schema?: unknown; schemaType?: unknown } | undefined;
    if (body === undefined) return undefined;
    if (typeof body.schema !== 'string') throw new RegistryUnavailableError(url, 'the answer holds no "schema"');
    return { id, dataFormat: dataFormatOf(body.schemaType), schema: body.schema };
  }

  /** The registry's JSON answer, undefined for a 404; RegistryUnavailableError for anything else. */
  private async answer(url: string): Promise<unknown> {
    let response: RegistryAnswer;
    try {
      response = await this.get(url, REQUEST_TIMEOUT_MS);
    } catch (error) {
      throw new RegistryUnavailableError(url, error);
    }
    if (response.status === 404) return undefined;
    if (response.status < 200 || response.status >= 300) throw new RegistryUnavailableError(url, `HTTP ${response.status} ${response.body}`.trim());
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      throw new RegistryUnavailableError(url, `the answer is not JSON: ${response.body.slice(0, 200)}`);
    }
  }
}

/** Confluent leaves schemaType out for Avro. */
function dataFormatOf(schemaType: unknown): DataFormat {
  if (schemaType === 'JSON' || schemaType === 'PROTOBUF') return schemaType;
  return 'AVRO';
}
