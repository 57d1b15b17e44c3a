/**
 * randomuser.me v1.4 records shaped like the real API's (one per quirk), helpers to break them
 * one field at a time, and thrownBy for what the domain throws. Plain JSON values: what JSON.parse
 * hands the pipeline.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonRecord = { [key: string]: Json };

/** US: numeric postcode, an SSN id. */
export function usUser(): JsonRecord {
  return {
    gender: 'female',
    name: { title: 'Miss', first: 'Jennie', last: 'Nichols' },
    location: {
      street: { number: 8929, name: 'Valwood Pkwy' },
      city: 'Billings',
      state: 'Michigan',
      country: 'United States',
      postcode: 63104,
      coordinates: { latitude: '-69.8246', longitude: '134.8719' },
      timezone: { offset: '+9:30', description: 'Adelaide, Darwin' },
    },
    email: 'jennie.nichols@example.com',
    login: {
      uuid: '7a0eed16-9430-4d68-901f-c0d4c1c3bf00',
      username: 'yellowpeacock117',
      password: 'addison',
      salt: 'sld1yGtd',
      md5: 'ab54ac4c0be9480ae8fa5e9e2a5196a3',
      sha1: 'edcf2ce613cbdea349133c52dc2f3b83168dc51b',
      sha256: '48df5229235ada28389b91e60a935e4f9b73eb4bdb855ef9258a1751f10bdc5d',
    },
    dob: { date: '1992-03-08T15:13:16.688Z', age: 30 },
    registered: { date: '2007-07-09T05:51:59.390Z', age: 14 },
    phone: '(272) 790-0888',
    cell: '(489) 330-2385',
    id: { name: 'SSN', value: '405-88-3636' },
    picture: {
      large: 'https://randomuser.me/api/portraits/women/88.jpg',
      medium: 'https://randomuser.me/api/portraits/med/women/88.jpg',
      thumbnail: 'https://randomuser.me/api/portraits/thumb/women/88.jpg',
    },
    nat: 'US',
  };
}

/** GB: postcode is a string with letters. */
export function gbUser(): JsonRecord {
  return {
    gender: 'male',
    name: { title: 'Mr', first: 'Harvey', last: "O'Connor" },
    location: {
      street: { number: 4, name: 'Church Road' },
      city: 'Salford',
      state: 'Greater Manchester',
      country: 'United Kingdom',
      postcode: 'W1T 3JH',
      coordinates: { latitude: '53.4875', longitude: '-2.2901' },
      timezone: { offset: '0:00', description: 'Western Europe Time, London, Lisbon, Casablanca' },
    },
    email: "harvey.o'connor@example.com",
    login: {
      uuid: '0b6a1c2e-5d8f-4e3a-9c7b-1f2e3d4c5b6a',
      username: 'smallgoose482',
      password: 'kelly1',
      salt: 'Qm3Rt9Lp',
      md5: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      sha1: '00112233445566778899aabbccddeeff00112233',
      sha256: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
    },
    dob: { date: '1955-11-02T04:05:06.007Z', age: 69 },
    registered: { date: '2016-01-31T23:59:59.999Z', age: 9 },
    phone: '016977 1234',
    cell: '07700 900123',
    id: { name: 'NINO', value: 'QQ 12 34 56 C' },
    picture: {
      large: 'https://randomuser.me/api/portraits/men/12.jpg',
      medium: 'https://randomuser.me/api/portraits/med/men/12.jpg',
      thumbnail: 'https://randomuser.me/api/portraits/thumb/men/12.jpg',
    },
    nat: 'GB',
  };
}

/** UA: Cyrillic names and places. */
export function uaUser(): JsonRecord {
  return {
    gender: 'female',
    name: { title: 'Ms', first: 'Оксана', last: 'Ковальчук' },
    location: {
      street: { number: 17, name: 'вулиця Шевченка' },
      city: 'Київ',
      state: 'Київська',
      country: 'Ukraine',
      postcode: 1001,
      coordinates: { latitude: '50.4501', longitude: '30.5234' },
      timezone: { offset: '+2:00', description: 'Kaliningrad, South Africa' },
    },
    email: 'oksana.kovalchuk@example.com',
    login: {
      uuid: '5f0c9d2a-7b3e-4c1d-8e9f-a0b1c2d3e4f5',
      username: 'bluebird903',
      password: 'mustang',
      salt: 'aB3dE5fG',
      md5: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      sha1: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      sha256: 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc',
    },
    dob: { date: '1988-02-29T12:00:00.000Z', age: 37 },
    registered: { date: '2012-06-15T08:30:00.000Z', age: 13 },
    phone: '(066) 380-8425',
    cell: '(098) 402-1366',
    id: { name: '', value: null },
    picture: {
      large: 'https://randomuser.me/api/portraits/women/3.jpg',
      medium: 'https://randomuser.me/api/portraits/med/women/3.jpg',
      thumbnail: 'https://randomuser.me/api/portraits/thumb/women/3.jpg',
    },
    nat: 'UA',
  };
}

/** IR: Persian (right-to-left) names, id.value null. */
export function irUser(): JsonRecord {
  return {
    gender: 'male',
    name: { title: 'Mr', first: 'سهیل', last: 'علیزاده' },
    location: {
      street: { number: 3921, name: 'میدان ولیعصر' },
      city: 'تهران',
      state: 'تهران',
      country: 'Iran',
      postcode: 40227,
      coordinates: { latitude: '35.6892', longitude: '51.3890' },
      timezone: { offset: '+3:30', description: 'Tehran' },
    },
    email: 'shyl.aalyzdh@example.com',
    login: {
      uuid: '9d1e8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b',
      username: 'orangecat221',
      password: 'darkside',
      salt: 'Zx9Yw8Vu',
      md5: 'dddddddddddddddddddddddddddddddd',
      sha1: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee',
      sha256: 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    },
    dob: { date: '1970-01-01T00:00:00.000Z', age: 55 },
    registered: { date: '2003-09-09T09:09:09.090Z', age: 22 },
    phone: '091-12345678',
    cell: '0912-345-6789',
    id: { name: '', value: null },
    picture: {
      large: 'https://randomuser.me/api/portraits/men/41.jpg',
      medium: 'https://randomuser.me/api/portraits/med/men/41.jpg',
      thumbnail: 'https://randomuser.me/api/portraits/thumb/men/41.jpg',
    },
    nat: 'IR',
  };
}

export function allUsers(): JsonRecord[] {
  return [usUser(), gbUser(), uaUser(), irUser()];
}

/** `count` distinct valid users cycling through the fixtures, each with its own uuid. */
export function manyUsers(count: number): JsonRecord[] {
  const bases = allUsers();
  return Array.from({ length: count }, (_, i) => {
    const user = structuredClone(bases[i % bases.length]!);
    const login = user.login as JsonRecord;
    login.uuid = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    login.username = `user${i}`;
    return user;
  });
}

/** A deep copy of `record` with the value at a dotted path replaced (or removed, for undefined). */
export function withField(record: JsonRecord, path: string, value: Json | undefined): JsonRecord {
  const copy = structuredClone(record);
  const keys = path.split('.');
  const last = keys.pop()!;
  let target = copy;
  for (const key of keys) target = target[key] as JsonRecord;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

/** Deep-freezes a value so a test can prove a function leaves its input alone. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export function envelope(results: unknown[]): { results: unknown[]; info: JsonRecord } {
  return { results, info: { seed: '56d27f4a53bd5441', results: results.length, page: 1, version: '1.4' } };
}

/** The error `run` throws, for a test that checks more than its message; fails when nothing is thrown. */
export function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw, got none');
}
