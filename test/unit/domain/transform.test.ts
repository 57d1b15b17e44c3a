import { join } from 'node:path';
import { cqlStatements, migrationFiles } from '../../../layers/adapters/cassandra';
import { CREATED_USERS_COLUMNS } from '../../../layers/adapters/created-users-store';
import { cleanUserSchema } from '../../../layers/domain/avro';
import type { RandomUser } from '../../../layers/domain/randomuser';
import { formatAddress, toCleanUser } from '../../../layers/domain/transform';
import { deepFreeze, gbUser, irUser, uaUser, usUser, withField, type JsonRecord } from './fixtures';

// Fixtures are plain JSON, as a record decoded from users.raw or read back from raw_users is.
const asRaw = (record: JsonRecord): RandomUser => record as unknown as RandomUser;

describe('toCleanUser', () => {
  it('flattens a user into the created_users row', () => {
    expect(toCleanUser(asRaw(usUser()))).toEqual({
      id: '7a0eed16-9430-4d68-901f-c0d4c1c3bf00',
      first_name: 'Jennie',
      last_name: 'Nichols',
      gender: 'female',
      address: '8929 Valwood Pkwy, Billings, Michigan, United States',
      post_code: '63104',
      email: 'jennie.nichols@example.com',
      username: 'yellowpeacock117',
      dob: new Date(Date.UTC(1992, 2, 8, 15, 13, 16, 688)),
      registered_date: new Date(Date.UTC(2007, 6, 9, 5, 51, 59, 390)),
      phone: '(272) 790-0888',
      picture: 'https://randomuser.me/api/portraits/med/women/88.jpg',
      nat: 'US',
    });
  });

  it('takes the id from login.uuid (the seeds drew a random uuid4), as fetch validated it', () => {
    const raw = withField(gbUser(), 'login.uuid', '0b6a1c2e-5d8f-4e3a-9c7b-1f2e3d4c5b6a');
    expect(toCleanUser(asRaw(raw)).id).toBe('0b6a1c2e-5d8f-4e3a-9c7b-1f2e3d4c5b6a');
  });

  it('formats the address as "number street, city, state, country"', () => {
    expect(toCleanUser(asRaw(gbUser())).address).toBe('4 Church Road, Salford, Greater Manchester, United Kingdom');
    expect(toCleanUser(asRaw(uaUser())).address).toBe('17 вулиця Шевченка, Київ, Київська, Ukraine');
    expect(formatAddress({ ...asRaw(usUser()).location, street: { number: 0, name: 'Main St' } })).toBe('0 Main St, Billings, Michigan, United States');
  });

  it('makes the postcode a string whether the API sent a number or a string', () => {
    const fromNumber = toCleanUser(asRaw(usUser())).post_code;
    const fromString = toCleanUser(asRaw(gbUser())).post_code;
    expect(typeof fromNumber).toBe('string');
    expect(fromNumber).toBe('63104');
    expect(fromString).toBe('W1T 3JH');
    expect(toCleanUser(asRaw(withField(usUser(), 'location.postcode', 0))).post_code).toBe('0');
  });

  it('turns dob and registered into Date timestamps at the exact millisecond', () => {
    const clean = toCleanUser(asRaw(gbUser()));
    expect(clean.dob).toBeInstanceOf(Date);
    expect(clean.registered_date).toBeInstanceOf(Date);
    expect(clean.dob.getTime()).toBe(Date.parse('1955-11-02T04:05:06.007Z'));
    expect(clean.registered_date.toISOString()).toBe('2016-01-31T23:59:59.999Z');
  });

  it('keeps a timestamp before 1970 and honours an offset', () => {
    const early = toCleanUser(asRaw(withField(usUser(), 'dob.date', '1931-05-20T10:00:00.000Z')));
    expect(early.dob.getTime()).toBe(Date.UTC(1931, 4, 20, 10));
    const offset = toCleanUser(asRaw(withField(usUser(), 'dob.date', '1992-03-08T15:13:16+02:00')));
    expect(offset.dob.toISOString()).toBe('1992-03-08T13:13:16.000Z');
  });

  it('keeps non-Latin names as they are', () => {
    const clean = toCleanUser(asRaw(irUser()));
    expect([clean.first_name, clean.last_name]).toEqual(['سهیل', 'علیزاده']);
    expect(clean.address).toBe('3921 میدان ولیعصر, تهران, تهران, Iran');
  });

  it('is deterministic and leaves its input untouched', () => {
    const raw = deepFreeze(asRaw(uaUser()));
    const first = toCleanUser(raw);
    const second = toCleanUser(raw);
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(second.dob).not.toBe(first.dob);
    expect(raw).toEqual(uaUser());
  });

  it('produces exactly the fields of the users.clean schema', () => {
    expect(Object.keys(toCleanUser(asRaw(usUser())))).toEqual(cleanUserSchema.fields.map((f) => f.name));
  });

  it('the Cassandra migrations give created_users exactly the columns the sink writes', () => {
    // CREATE TABLE created_users (…) and every later ALTER TABLE created_users ADD, in order.
    const columns: string[] = [];
    for (const file of migrationFiles(join(__dirname, '../../../infra/cassandra/migrations'))) {
      for (const statement of cqlStatements(file)) {
        const created = /^CREATE TABLE (?:IF NOT EXISTS )?created_users \(([\s\S]*)\)$/i.exec(statement);
        if (created)
          columns.push(
            ...created[1]!
              .split('\n')
              .map((line) => line.trim().split(/\s+/)[0])
              .filter((c): c is string => !!c && c !== 'PRIMARY'),
          );
        const added = /^ALTER TABLE created_users ADD (?:IF NOT EXISTS )?(\w+)/i.exec(statement);
        if (added) columns.push(added[1]!);
      }
    }
    expect(columns.sort()).toEqual([...CREATED_USERS_COLUMNS].sort());
    expect(CREATED_USERS_COLUMNS.filter((c) => !['source_offset', 'updated_at'].includes(c)).sort()).toEqual(Object.keys(toCleanUser(asRaw(usUser()))).sort());
  });
});
