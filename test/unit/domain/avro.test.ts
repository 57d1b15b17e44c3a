import { Type } from 'avsc';
import {
  cleanUserSchema,
  cleanUserType,
  fromRawAvro,
  rawUserSchema,
  rawUserType,
  recordType,
  toRawAvro,
  type AvroSchema,
  type RawUserMeta,
} from '../../../layers/domain/avro';
import type { RandomUser } from '../../../layers/domain/randomuser';
import { toCleanUser } from '../../../layers/domain/transform';
import { validateRandomUser } from '../../../layers/domain/validate';
import { allUsers, gbUser, irUser, manyUsers, uaUser, usUser, type JsonRecord } from './fixtures';

function validUser(record: JsonRecord): RandomUser {
  const result = validateRandomUser(record);
  if (!result.ok) throw new Error(result.rejection.reason);
  return result.user;
}

const meta: RawUserMeta = { batch_id: 'batch-2025-01-01-p1', fetched_at: new Date(Date.UTC(2025, 0, 1, 12, 30, 45, 123)), source: 'randomuser' };

/** A copy without avsc's record classes, so comparisons see only data. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('users.raw (RawUser)', () => {
  it('is dev.tributary.RawUser with the outbox fields and the nested payload', () => {
    expect(rawUserSchema.namespace).toBe('dev.tributary');
    expect(rawUserType.name).toBe('dev.tributary.RawUser');
    expect(rawUserSchema.fields.map((f) => f.name)).toEqual(['id', 'fetched_at', 'batch_id', 'source', 'payload']);
  });

  it('toRawAvro keys the record by login.uuid and keeps the meta', () => {
    const user = validUser(usUser());
    expect(toRawAvro(user, meta)).toEqual({ id: '7a0eed16-9430-4d68-901f-c0d4c1c3bf00', ...meta, payload: user });
  });

  it.each(allUsers().map((u) => [u.nat, u] as const))('round-trips the %s user field for field', (_nat, record) => {
    const user = validUser(record);
    const decoded = rawUserType.fromBuffer(rawUserType.toBuffer(toRawAvro(user, meta)));
    const { id, user: back, meta: backMeta } = fromRawAvro(decoded);
    expect(id).toBe(user.login.uuid);
    expect(plain(back)).toEqual(record);
    expect(backMeta).toEqual(meta);
    expect(backMeta.fetched_at).toBeInstanceOf(Date);
  });

  it('keeps a numeric postcode a number and a string postcode a string through the union', () => {
    const roundTrip = (record: JsonRecord) => fromRawAvro(rawUserType.fromBuffer(rawUserType.toBuffer(toRawAvro(validUser(record), meta)))).user;
    expect(roundTrip(usUser()).location.postcode).toBe(63104);
    expect(roundTrip(gbUser()).location.postcode).toBe('W1T 3JH');
  });

  it('carries a null id.value and non-Latin text', () => {
    const back = fromRawAvro(rawUserType.fromBuffer(rawUserType.toBuffer(toRawAvro(validUser(irUser()), meta)))).user;
    expect(back.id.value).toBeNull();
    expect(back.name.last).toBe('علیزاده');
  });

  it('encodes every validated user (validation guarantees an encodable record)', () => {
    const users = manyUsers(200).map(validUser);
    const invalid = users.filter((u) => !rawUserType.isValid(toRawAvro(u, meta)));
    expect(invalid).toEqual([]);
  });

  it('refuses an id that is not a UUID and a fetched_at that is not a valid Date', () => {
    const raw = toRawAvro(validUser(usUser()), meta);
    expect(rawUserType.isValid(raw)).toBe(true);
    expect(rawUserType.isValid({ ...raw, id: 'user-1' })).toBe(false);
    expect(() => rawUserType.toBuffer({ ...raw, fetched_at: new Date(Number.NaN) })).toThrow();
    expect(() => rawUserType.toBuffer({ ...raw, fetched_at: meta.fetched_at.getTime() })).toThrow();
  });

  it('builds a second type from the same schema (as a registry consumer does) with fresh options', () => {
    const again = recordType(rawUserSchema);
    const bytes = rawUserType.toBuffer(toRawAvro(validUser(uaUser()), meta));
    expect(again.fromBuffer(bytes).payload.name.first).toBe('Оксана');
  });

  it('writes fetched_at on the wire as epoch milliseconds (timestamp-millis)', () => {
    const bytes = rawUserType.toBuffer(toRawAvro(validUser(usUser()), meta));
    const withoutLogicalTypes = Type.forSchema(rawUserSchema as AvroSchema);
    expect(withoutLogicalTypes.fromBuffer(bytes).fetched_at).toBe(Date.UTC(2025, 0, 1, 12, 30, 45, 123));
  });
});

describe('users.clean (CleanUser)', () => {
  it('is dev.tributary.CleanUser with timestamp-millis dates and a string post_code', () => {
    expect(cleanUserType.name).toBe('dev.tributary.CleanUser');
    const field = (name: string) => cleanUserSchema.fields.find((f) => f.name === name)?.type;
    expect(field('dob')).toEqual({ type: 'long', logicalType: 'timestamp-millis' });
    expect(field('registered_date')).toEqual({ type: 'long', logicalType: 'timestamp-millis' });
    expect(field('post_code')).toBe('string');
    expect(field('id')).toEqual({ type: 'string', logicalType: 'uuid' });
  });

  it.each([usUser(), gbUser(), uaUser(), irUser()].map((u) => [u.nat, u] as const))('round-trips the %s clean user with Dates intact', (_nat, record) => {
    const clean = toCleanUser(validUser(record));
    const decoded = cleanUserType.fromBuffer(cleanUserType.toBuffer(clean));
    expect({ ...decoded }).toEqual(clean);
    expect(decoded.dob).toBeInstanceOf(Date);
    expect(decoded.dob.getTime()).toBe(clean.dob.getTime());
    expect(decoded.registered_date.getTime()).toBe(clean.registered_date.getTime());
  });

  it('writes dob on the wire as epoch milliseconds, negative before 1970', () => {
    const clean = { ...toCleanUser(validUser(usUser())), dob: new Date(Date.UTC(1931, 4, 20, 10, 0, 0, 5)) };
    const decodedPlain = Type.forSchema(cleanUserSchema as AvroSchema).fromBuffer(cleanUserType.toBuffer(clean));
    expect(decodedPlain.dob).toBe(Date.UTC(1931, 4, 20, 10, 0, 0, 5));
    expect(decodedPlain.dob).toBeLessThan(0);
  });

  it('refuses a numeric post_code and a missing date', () => {
    const clean = toCleanUser(validUser(usUser()));
    expect(cleanUserType.isValid(clean)).toBe(true);
    expect(cleanUserType.isValid({ ...clean, post_code: 63104 })).toBe(false);
    expect(cleanUserType.isValid({ ...clean, dob: undefined })).toBe(false);
  });
});
