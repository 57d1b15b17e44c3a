/**
 * Schema evolution under the registry's BACKWARD mode: consumers on the new schema must read
 * everything already written with the old one. Here that is Avro resolution (reader = new schema,
 * writer = old); the registry's own check runs against the real registry in test/integration.
 */
import { Type } from 'avsc';
import { avroTypeOptions, cleanUserSchema, rawUserSchema, toRawAvro, type AvroRecordSchema, type AvroSchema } from '../../../layers/domain/avro';
import type { RandomUser } from '../../../layers/domain/randomuser';
import { toCleanUser } from '../../../layers/domain/transform';
import { validateRandomUser } from '../../../layers/domain/validate';
import { usUser } from './fixtures';

type Field = AvroRecordSchema['fields'][number];

const typeOf = (schema: AvroRecordSchema) => Type.forSchema(schema as AvroSchema, avroTypeOptions());

function evolve(schema: AvroRecordSchema, change: (fields: Field[]) => Field[]): AvroRecordSchema {
  const copy = structuredClone(schema);
  return { ...copy, fields: change(copy.fields) };
}

/** BACKWARD: a reader on `next` can resolve data written with `previous`. */
function isBackwardCompatible(previous: AvroRecordSchema, next: AvroRecordSchema): boolean {
  try {
    typeOf(next).createResolver(typeOf(previous));
    return true;
  } catch {
    return false;
  }
}

function user(): RandomUser {
  const result = validateRandomUser(usUser());
  if (!result.ok) throw new Error(result.rejection.reason);
  return result.user;
}

describe('users.clean evolution (BACKWARD)', () => {
  const v1 = cleanUserSchema;

  it('adding an optional field with a default is compatible; old data reads with the default', () => {
    const v2 = evolve(v1, (fields) => [...fields, { name: 'middle_name', type: ['null', 'string'], default: null }]);
    expect(isBackwardCompatible(v1, v2)).toBe(true);

    const clean = toCleanUser(user());
    const written = typeOf(v1).toBuffer(clean);
    const reader = typeOf(v2);
    const read = reader.fromBuffer(written, reader.createResolver(typeOf(v1)));
    expect(read.middle_name).toBeNull();
    expect(read.id).toBe(clean.id);
    expect(read.dob.getTime()).toBe(clean.dob.getTime());
  });

  it('adding a required field without a default is refused', () => {
    const v2 = evolve(v1, (fields) => [...fields, { name: 'middle_name', type: 'string' }]);
    expect(isBackwardCompatible(v1, v2)).toBe(false);
  });

  it('changing a field type (post_code string -> long) is refused', () => {
    const v2 = evolve(v1, (fields) => fields.map((f) => (f.name === 'post_code' ? { ...f, type: 'long' } : f)));
    expect(isBackwardCompatible(v1, v2)).toBe(false);
  });

  it('changing a timestamp to a string is refused', () => {
    const v2 = evolve(v1, (fields) => fields.map((f) => (f.name === 'dob' ? { ...f, type: 'string' } : f)));
    expect(isBackwardCompatible(v1, v2)).toBe(false);
  });

  // Removing a field is BACKWARD-compatible (the new reader skips it); it breaks FORWARD, i.e.
  // consumers still on v1 cannot read v2 data, because v1 requires the field and has no default.
  it('removing a required field passes BACKWARD but fails FORWARD', () => {
    const v2 = evolve(v1, (fields) => fields.filter((f) => f.name !== 'phone'));
    expect(isBackwardCompatible(v1, v2)).toBe(true);
    expect(isBackwardCompatible(v2, v1)).toBe(false);
  });
});

describe('users.raw evolution (BACKWARD)', () => {
  const v1 = rawUserSchema;
  const meta = { batch_id: 'b1', fetched_at: new Date(Date.UTC(2025, 0, 1)), source: 'randomuser' };

  it('adding an optional top-level field with a default is compatible', () => {
    const v2 = evolve(v1, (fields) => [...fields, { name: 'seed', type: ['null', 'string'], default: null }]);
    expect(isBackwardCompatible(v1, v2)).toBe(true);
    const reader = typeOf(v2);
    const read = reader.fromBuffer(typeOf(v1).toBuffer(toRawAvro(user(), meta)), reader.createResolver(typeOf(v1)));
    expect(read.seed).toBeNull();
    expect(read.payload.location.postcode).toBe(63104);
  });

  it('narrowing the postcode union to string only is refused (old numeric postcodes would be unreadable)', () => {
    const v2 = structuredClone(v1);
    const payload = v2.fields.find((f) => f.name === 'payload')!.type as AvroRecordSchema;
    const location = payload.fields.find((f) => f.name === 'location')!.type as AvroRecordSchema;
    location.fields = location.fields.map((f) => (f.name === 'postcode' ? { ...f, type: 'string' } : f));
    expect(isBackwardCompatible(v1, v2)).toBe(false);
  });
});
