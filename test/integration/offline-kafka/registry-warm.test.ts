/**
 * The mapping fetching its writer schemas ahead (RecordDecoding.warm → RecordDecoder.warm →
 * ConfluentRegistryClient.latestId), against the stack's real registry: the first records decode
 * without a registry round trip, and a subject or registry that is not there changes nothing. A
 * registry URL answering something other than JSON is named as unavailable, not a SyntaxError.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSchemaFailure, RecordDecoder, UNPREPARED } from '../../../plugins/offline-kafka/record-decoder';
import { ConfluentRegistryClient, RegistryUnavailableError } from '../../../plugins/offline-kafka/registry-client';
import { plainGet } from '../../../plugins/offline-kafka/registry-access';
import { confluentFrame, deleteSubject, REGISTRY_URL, registerSchema, USER_V1, userV1 } from './registry-support';

const subject = `test.warm.${randomUUID().slice(0, 8)}-value`;
let schemaId = 0;

/** The real registry, its requests counted. */
function countingClient(url = REGISTRY_URL): { client: ConfluentRegistryClient; requests: string[] } {
  const requests: string[] = [];
  const client = new ConfluentRegistryClient(url, (target, timeoutMs) => {
    requests.push(target);
    return plainGet(target, timeoutMs);
  });
  return { client, requests };
}

beforeAll(async () => {
  schemaId = await registerSchema(subject, USER_V1);
});

afterAll(async () => {
  await deleteSubject(subject).catch(() => undefined);
});

describe("the mapping's writer schemas fetched ahead", () => {
  it("latestId gives a subject's latest id and caches its schema for schemaById", async () => {
    const { client, requests } = countingClient();
    expect(await client.latestId(subject)).toBe(schemaId);
    const schema = await client.schemaById(schemaId);
    expect(schema).toMatchObject({ id: schemaId, dataFormat: 'AVRO' });
    expect(JSON.parse(schema?.schema ?? '{}')).toMatchObject({ name: 'User' });
    expect(requests).toHaveLength(1);
    expect(await client.latestId(`test.warm.${randomUUID()}-value`)).toBeUndefined();
  });

  it('lets the first record decode without asking the registry again', async () => {
    const { client, requests } = countingClient();
    const decoder = new RecordDecoder(client, 'JSON', false);
    const bytes = confluentFrame(schemaId, userV1.toBuffer({ name: 'Ada', country: 'NL', age: 36 }));
    expect(decoder.decode(bytes)).toBe(UNPREPARED);
    await decoder.warm([subject]);
    const decoded = decoder.decode(bytes);
    if (decoded === UNPREPARED || isSchemaFailure(decoded)) throw new Error(`not decoded: ${String(decoded === UNPREPARED ? 'unprepared' : decoded.detail)}`);
    expect(JSON.parse(Buffer.from(decoded.data, 'base64').toString('utf8'))).toEqual({ name: 'Ada', country: 'NL', age: 36 });
    expect(requests).toHaveLength(1);
  });

  it('is best effort: an unknown subject or a registry that does not answer leaves decoding as it was', async () => {
    const unknown = new RecordDecoder(countingClient().client, 'JSON', false);
    await expect(unknown.warm([`test.warm.${randomUUID()}-value`])).resolves.toBeUndefined();
    // A port nothing listens on.
    const down = new RecordDecoder(new ConfluentRegistryClient('http://127.0.0.1:9/apis/ccompat/v7'), 'JSON', false);
    await expect(down.warm([subject])).resolves.toBeUndefined();
    expect(down.decode(confluentFrame(schemaId, userV1.toBuffer({ name: 'Ada', country: 'NL', age: 36 })))).toBe(UNPREPARED);
  });

  it("names a registry URL that answers something other than JSON (a proxy's page) as unavailable", async () => {
    const proxy = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Sign in to continue</body></html>');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/apis/ccompat/v7`;
      const client = new ConfluentRegistryClient(url);
      const answer = client.schemaById(7);
      await expect(answer).rejects.toThrow(RegistryUnavailableError);
      await expect(answer).rejects.toThrow(`(${url}/schemas/ids/7): the answer is not JSON: <html><body>Sign in to continue`);
      await expect(client.latestId('users-value')).rejects.toThrow(RegistryUnavailableError);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
