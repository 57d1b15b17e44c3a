/**
 * Schema evolution against the real registry in BACKWARD mode: a compatible change (a new field
 * with a default) is registered, and a record its writer wrote reaches the handler that knows only
 * the old schema as the event source mapping delivers it (decoded with the writer's schema, JSON)
 * and is read as the old schema's user; an incompatible change is refused with a clear, named error.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../layers/config';
import { SchemaRegistrationError } from '../../layers/adapters/avro-codec';
import { createAvroCodec } from '../../layers/adapters/schema-registry';
import { type AvroRecordSchema, cleanUserJson, cleanUserSchema } from '../../layers/domain/avro';
import type { CleanUser } from '../../layers/domain/transform';
import { mappingRecords } from '../support/mapping-decoding';

const config = loadConfig();
const codec = createAvroCodec(config.schemaRegistry);
const subject = `test.evolution.${randomUUID()}-value`;

const user: CleanUser = {
  id: '5b7e4c1e-8d0a-4c55-9a55-2f1f5e0d9c11',
  first_name: 'Zoë',
  last_name: 'Ørsted',
  gender: 'female',
  address: '12 Main St, Springfield, Illinois, United States',
  post_code: '62701',
  email: 'zoe@example.com',
  username: 'zoe',
  dob: new Date('1990-05-06T07:08:09.000Z'),
  registered_date: new Date('2015-01-02T03:04:05.000Z'),
  phone: '(555) 010-0000',
  picture: 'https://randomuser.me/api/portraits/med/women/1.jpg',
  nat: 'US',
};

function evolved(fields: AvroRecordSchema['fields']): AvroRecordSchema {
  return { ...cleanUserSchema, fields };
}

afterAll(async () => {
  await fetch(`${config.schemaRegistry.url}/subjects/${subject}`, { method: 'DELETE' }).catch(() => undefined);
});

describe('schema evolution in BACKWARD mode', () => {
  it('accepts a new optional field, and the v1 handler reads what the v2 writer wrote', async () => {
    const v1 = await codec.register(subject, cleanUserSchema);
    const v2 = await codec.register(subject, evolved([...cleanUserSchema.fields, { name: 'middle_name', type: ['null', 'string'], default: null }]));
    expect(v2.id).not.toBe(v1.id);
    const message = (offset: number, value: Buffer) => ({
      key: Buffer.from(user.id),
      value,
      partition: 0,
      offset: String(offset),
      timestamp: '0',
      attributes: 0,
      headers: {},
    });
    const [fromV2, fromV1] = await mappingRecords(cleanUserJson, config.schemaRegistry.url, config.kafka.brokers.join(','), 'users.clean', [
      message(0, codec.encode(v2, { ...user, middle_name: 'Anne' })),
      message(1, codec.encode(v1, user)),
    ]);
    expect(fromV2?.delivered.valueSchemaMetadata).toEqual({ dataFormat: 'AVRO', schemaId: String(v2.id) });
    expect(JSON.parse(Buffer.from(fromV2?.delivered.value ?? '', 'base64').toString())).toMatchObject({ middle_name: 'Anne' });
    expect(fromV2?.value()).toEqual(user);
    expect(fromV1?.value()).toEqual(user);
  });

  it('refuses an incompatible change with a named error that says why', async () => {
    await codec.register(subject, cleanUserSchema);
    const incompatible = evolved(cleanUserSchema.fields.map((f) => (f.name === 'post_code' ? { ...f, type: 'long' } : f)));
    const attempt = codec.register(subject, incompatible);
    await expect(attempt).rejects.toBeInstanceOf(SchemaRegistrationError);
    await expect(attempt).rejects.toThrow(new RegExp(`^schema for ${subject.replaceAll('.', '\\.')} refused: .*(?:incompatib|Incompatib)`));
    const required = evolved([...cleanUserSchema.fields, { name: 'loyalty_tier', type: 'string' }]);
    await expect(codec.register(subject, required)).rejects.toThrow(/refused/);
  });
});
