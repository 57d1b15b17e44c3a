/**
 * The local randomuser generator: determinism, the v1.4 shape per nationality, the real API's
 * quirks, parameter fallbacks and inc/exc. Format expectations carry real 1.4 samples, and the
 * first test of each table checks the expectation against those samples.
 */
import { createHash } from 'node:crypto';
import type { RandomUser } from '../../layers/domain/randomuser';
import { fullYearsBetween, generateUsers, streamKey, type GenerateRequest } from '../../scripts/randomuser/generator';
import { parseFields, parsePage, parseResults, parseUserQuery } from '../../scripts/randomuser/params';
import { generatePassword } from '../../scripts/randomuser/password';
import { SeededRandom } from '../../scripts/randomuser/prng';
import { buildResponse, projectUser, serializeResponse } from '../../scripts/randomuser/response';
import { emailFor } from '../../scripts/randomuser/transliterate';
import { NAT_CODES, type NatCode, USER_FIELDS } from '../../scripts/randomuser/types';

const NOW = new Date('2025-06-01T00:00:00.000Z');

function request(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return { results: 10, seed: 'tributary', page: 1, nats: null, gender: null, now: NOW, ...overrides };
}

function usersOf(nat: NatCode, results = 150): RandomUser[] {
  return generateUsers(request({ results, seed: `shape-${nat}`, nats: [nat] }));
}

function query(qs: string): ReturnType<typeof parseUserQuery> {
  return parseUserQuery(new URLSearchParams(qs), () => '0123456789abcdef');
}

describe('determinism', () => {
  it('gives identical users (uuid included) for the same seed and page', () => {
    const a = generateUsers(request({ results: 50, seed: 'same', page: 3 }));
    const b = generateUsers(request({ results: 50, seed: 'same', page: 3 }));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(b.map((u) => u.login.uuid)).toEqual(a.map((u) => u.login.uuid));
  });

  it('gives different users for different pages and different seeds', () => {
    const page1 = generateUsers(request({ results: 50, seed: 'same', page: 1 })).map((u) => u.login.uuid);
    const page2 = generateUsers(request({ results: 50, seed: 'same', page: 2 })).map((u) => u.login.uuid);
    const other = generateUsers(request({ results: 50, seed: 'other', page: 1 })).map((u) => u.login.uuid);
    expect(page2.filter((id) => page1.includes(id))).toEqual([]);
    expect(other.filter((id) => page1.includes(id))).toEqual([]);
  });

  it('only appends users when more results are asked for', () => {
    const five = generateUsers(request({ results: 5 }));
    const twenty = generateUsers(request({ results: 20 }));
    expect(twenty.slice(0, 5)).toEqual(five);
  });

  it('keys the stream like the real API: page appended to the seed, 18-char seeds cut to 16', () => {
    expect(streamKey('abc', 1)).toBe('abc');
    expect(streamKey('abc', 2)).toBe('abc2');
    expect(streamKey('0123456789abcdef0a', 1)).toBe('0123456789abcdef');
    const viaPage = generateUsers(request({ seed: 'abc', page: 2 }));
    const viaSeed = generateUsers(request({ seed: 'abc2', page: 1 }));
    expect(viaSeed).toEqual(viaPage);
  });

  it('produces distinct uuids across a full 5000-user batch', () => {
    const users = generateUsers(request({ results: 5000, seed: 'big' }));
    expect(users).toHaveLength(5000);
    expect(new Set(users.map((u) => u.login.uuid)).size).toBe(5000);
  });
});

describe('parameters', () => {
  it.each([
    [undefined, 1],
    ['', 1],
    ['1', 1],
    ['37', 37],
    ['5000', 5000],
    ['5001', 1],
    ['0', 1],
    ['-4', 1],
    ['2.5', 1],
    ['abc', 1],
    ['1e3', 1000],
  ])('results=%p gives %p users', (raw, expected) => {
    expect(parseResults(raw)).toBe(expected);
  });

  it.each([
    [undefined, 1],
    ['0', 1],
    ['-3', 1],
    ['7', 7],
    ['10000', 10000],
    ['10001', 1],
    ['x', 1],
  ])('page=%p is %p', (raw, expected) => {
    expect(parsePage(raw)).toBe(expected);
  });

  it('draws a seed when none is given and reports it', () => {
    const q = query('results=2');
    expect(q.seed).toBe('0123456789abcdef');
    expect(q.seedWasGiven).toBe(false);
    expect(buildResponse(q, { now: NOW }).info).toEqual({ seed: '0123456789abcdef', results: 2, page: 1, version: '1.4' });
    const real = parseUserQuery(new URLSearchParams(''));
    expect(real.seed).toMatch(/^[a-f0-9]{16}$/);
  });

  it('keeps the given seed, page and results in info', () => {
    expect(buildResponse(query('seed=foo&page=4&results=3'), { now: NOW }).info).toEqual({ seed: 'foo', results: 3, page: 4, version: '1.4' });
  });

  it('drops info with noinfo', () => {
    const body = buildResponse(query('seed=foo&noinfo'), { now: NOW });
    expect(body).not.toHaveProperty('info');
    expect(body.results).toHaveLength(1);
  });

  it('filters gender for unseeded requests and ignores it for seeded ones, like the real API', () => {
    const unseeded = buildResponse(query('results=200&gender=female'), { now: NOW }).results;
    expect(new Set(unseeded.map((u) => u.gender))).toEqual(new Set(['female']));
    const seeded = buildResponse(query('results=200&gender=female&seed=g'), { now: NOW }).results;
    expect(new Set(seeded.map((u) => u.gender))).toEqual(new Set(['female', 'male']));
    expect(query('gender=robot').gender).toBeNull();
  });

  it('parses nat as a case-insensitive comma list and drops it when any code is unknown', () => {
    expect(query('nat=us,GB').nats).toEqual(['US', 'GB']);
    expect(query('nationality=fr').nats).toEqual(['FR']);
    expect(query('nat=US,XX').nats).toBeNull();
    const users = buildResponse(query('nat=ir,ua&results=300&seed=n'), { now: NOW }).results;
    expect(new Set(users.map((u) => u.nat))).toEqual(new Set(['IR', 'UA']));
  });

  it('draws every nationality when no nat is given', () => {
    const users = generateUsers(request({ results: 2000, seed: 'all-nats' }));
    expect(new Set(users.map((u) => u.nat))).toEqual(new Set(NAT_CODES));
  });

  it('lets an 18-character seed pick the nationality from its last two hex digits', () => {
    // 0x14 = 20 = US in the real API's nationality order.
    expect(query('seed=0123456789abcdef14').nats).toEqual(['US']);
    expect(query('seed=0123456789abcdef07&nat=us').nats).toEqual(['FI']);
    expect(query('seed=0123456789abcdefzz&nat=us').nats).toEqual(['US']);
  });

  it('recognises pretty JSON, rejects csv/yaml/xml and falls back to json', () => {
    expect(query('format=pretty').format).toBe('pretty');
    expect(query('format=PrettyJSON').format).toBe('pretty');
    expect(query('fmt=csv').format).toBe('csv');
    expect(query('format=xml').format).toBe('xml');
    expect(query('format=whatever').format).toBe('json');
    expect(query('').format).toBe('json');
  });

  it('takes the last value of a repeated parameter', () => {
    expect(query('results=3&results=7').results).toBe(7);
  });
});

describe('inc and exc', () => {
  it('computes the field list in canonical order', () => {
    expect(parseFields('email, Name', undefined)).toEqual(['name', 'email']);
    expect(parseFields(undefined, 'login,id')).toEqual(USER_FIELDS.filter((f) => f !== 'login' && f !== 'id'));
    expect(parseFields('name,email', 'email')).toEqual(['name']);
    expect(parseFields('nothing', undefined)).toEqual([]);
    expect(parseFields('', '')).toEqual([...USER_FIELDS]);
  });

  it('shows only the included fields, with the values the full user has', () => {
    const full = buildResponse(query('seed=inc&results=20'), { now: NOW }).results;
    const some = buildResponse(query('seed=inc&results=20&inc=nat,name,login'), { now: NOW }).results;
    some.forEach((user, i) => {
      expect(Object.keys(user)).toEqual(['name', 'login', 'nat']);
      expect(user.name).toEqual(full[i]?.name);
      expect(user.login).toEqual(full[i]?.login);
    });
  });

  it('removes excluded fields, gender and dob included', () => {
    const users = buildResponse(query('seed=exc&results=5&exc=gender,dob,picture'), { now: NOW }).results;
    for (const user of users) {
      expect(Object.keys(user)).toEqual(['name', 'location', 'email', 'login', 'registered', 'phone', 'cell', 'id', 'nat']);
    }
  });

  it('projects a single user without touching the original', () => {
    const [user] = generateUsers(request({ results: 1 }));
    const projected = projectUser(user as RandomUser, ['email']);
    expect(projected).toEqual({ email: user?.email });
    expect(Object.keys(user as RandomUser)).toEqual([...USER_FIELDS]);
  });
});

const COUNTRY: Record<NatCode, string> = {
  AU: 'Australia',
  BR: 'Brazil',
  CA: 'Canada',
  CH: 'Switzerland',
  DE: 'Germany',
  DK: 'Denmark',
  ES: 'Spain',
  FI: 'Finland',
  FR: 'France',
  GB: 'United Kingdom',
  IE: 'Ireland',
  IN: 'India',
  IR: 'Iran',
  MX: 'Mexico',
  NL: 'Netherlands',
  NO: 'Norway',
  NZ: 'New Zealand',
  RS: 'Serbia',
  TR: 'Turkey',
  UA: 'Ukraine',
  US: 'United States',
};

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const COORDINATE = /^-?\d{1,3}\.\d{4}$/;

/** Users failing `ok`, shown with the offending value so a failure reads like a diff. */
function failing<T>(users: RandomUser[], value: (u: RandomUser) => T, ok: (v: T, u: RandomUser) => boolean): T[] {
  return users.map(value).filter((v, i) => !ok(v, users[i] as RandomUser));
}

const keysOf = (o: object): string => Object.keys(o).join(',');

describe.each(NAT_CODES)('shape of a %s user', (nat) => {
  const users = usersOf(nat);

  it('has every v1.4 field, in the real order, with the right types', () => {
    expect(new Set(users.map((u) => keysOf(u)))).toEqual(new Set([USER_FIELDS.join(',')]));
    expect(new Set(users.map((u) => keysOf(u.name)))).toEqual(new Set(['title,first,last']));
    expect(new Set(users.map((u) => keysOf(u.location)))).toEqual(new Set(['street,city,state,country,postcode,coordinates,timezone']));
    expect(new Set(users.map((u) => keysOf(u.location.street)))).toEqual(new Set(['number,name']));
    expect(new Set(users.map((u) => keysOf(u.location.timezone)))).toEqual(new Set(['offset,description']));
    expect(new Set(users.map((u) => keysOf(u.login)))).toEqual(new Set(['uuid,username,password,salt,md5,sha1,sha256']));
    expect(new Set(users.map((u) => keysOf(u.id)))).toEqual(new Set(['name,value']));
    expect(new Set(users.map((u) => keysOf(u.picture)))).toEqual(new Set(['large,medium,thumbnail']));
    expect(new Set(users.map((u) => u.nat))).toEqual(new Set([nat]));
    expect(new Set(users.map((u) => u.location.country))).toEqual(new Set([COUNTRY[nat]]));
    expect(new Set(users.map((u) => u.gender))).toEqual(new Set(['male', 'female']));
    expect(
      failing(
        users,
        (u) => u.location.street.number,
        (n) => Number.isInteger(n) && n >= 1 && n <= 9999,
      ),
    ).toEqual([]);
    expect(
      failing(
        users,
        (u) => u.location.timezone.offset,
        (o) => /^[+-]?\d{1,2}:\d{2}$/.test(o),
      ),
    ).toEqual([]);
    expect(
      failing(
        users,
        (u) => [u.phone, u.cell, u.name.first, u.name.last, u.location.city, u.location.state],
        (v) => v.every((s) => typeof s === 'string' && s.length > 0),
      ),
    ).toEqual([]);
  });

  it('has string coordinates with four decimals within range', () => {
    expect(
      failing(
        users,
        (u) => u.location.coordinates.latitude,
        (v) => COORDINATE.test(v) && Math.abs(Number(v)) <= 90,
      ),
    ).toEqual([]);
    expect(
      failing(
        users,
        (u) => u.location.coordinates.longitude,
        (v) => COORDINATE.test(v) && Math.abs(Number(v)) <= 180,
      ),
    ).toEqual([]);
  });

  it('has ISO dates with milliseconds and ages relative to now', () => {
    // The real ranges: born 1944-08..2001-05, registered 2002-03..2022-05.
    expect(
      failing(
        users,
        (u) => u.dob,
        (d) => ISO_MS.test(d.date) && Date.parse(d.date) >= -800000000000 && Date.parse(d.date) <= Date.UTC(2001, 5, 1),
      ),
    ).toEqual([]);
    expect(
      failing(
        users,
        (u) => u.registered,
        (d) => ISO_MS.test(d.date) && Date.parse(d.date) >= Date.UTC(2002, 2, 21) && Date.parse(d.date) <= Date.UTC(2022, 4, 24),
      ),
    ).toEqual([]);
    expect(
      failing(
        users,
        (u) => u.dob,
        (d) => d.age === fullYearsBetween(new Date(d.date), NOW),
      ),
    ).toEqual([]);
    expect(
      failing(
        users,
        (u) => u.registered,
        (d) => d.age === fullYearsBetween(new Date(d.date), NOW),
      ),
    ).toEqual([]);
  });

  it('has login hashes of password + salt and a v4 uuid', () => {
    const digest = (algorithm: string, text: string): string => createHash(algorithm).update(text).digest('hex');
    expect(
      failing(
        users,
        (u) => u.login,
        (l) => UUID_V4.test(l.uuid) && /^[A-Za-z0-9]{8}$/.test(l.salt) && /^[a-z]+\d{3}$/.test(l.username),
      ),
    ).toEqual([]);
    expect(
      failing(
        users,
        (u) => u.login,
        (l) =>
          l.md5 === digest('md5', l.password + l.salt) && l.sha1 === digest('sha1', l.password + l.salt) && l.sha256 === digest('sha256', l.password + l.salt),
      ),
    ).toEqual([]);
  });

  it('has an ASCII first.last@example.com e-mail and gendered portraits', () => {
    expect(
      failing(
        users,
        (u) => u.email,
        (e, u) => e === emailFor(u.name.first, u.name.last) && /^[\x21-\x7e]+@example\.com$/.test(e),
      ),
    ).toEqual([]);
    expect(
      failing(
        users,
        (u) => u.picture,
        (p, u) => {
          const match = /^https:\/\/randomuser\.me\/api\/portraits\/(men|women)\/(\d+)\.jpg$/.exec(p.large);
          return (
            match?.[1] === (u.gender === 'male' ? 'men' : 'women') &&
            Number(match?.[2]) <= (u.gender === 'male' ? 99 : 96) &&
            p.medium === p.large.replace('/portraits/', '/portraits/med/') &&
            p.thumbnail === p.large.replace('/portraits/', '/portraits/thumb/')
          );
        },
      ),
    ).toEqual([]);
  });
});

interface NatFormat {
  phone: RegExp;
  cell: RegExp;
  postcode: RegExp;
  postcodeType: 'number' | 'string';
  idName: string;
  /** null: the real API sends value null for this nationality. */
  idValue: RegExp | null;
  /** Values seen in real randomuser.me responses (1.4, or 1.3 where 1.4 kept the rule). */
  samples: { phone: string; cell: string; postcode: string | number; id: string | null };
}

const FORMATS: Record<NatCode, NatFormat> = {
  AU: {
    phone: /^0\d-\d{4}-\d{4}$/,
    cell: /^04\d{2}-\d{3}-\d{3}$/,
    postcode: /^\d{3,4}$/,
    postcodeType: 'number',
    idName: 'TFN',
    idValue: /^\d{9}$/,
    samples: { phone: '05-7772-4109', cell: '0455-734-860', postcode: 2104, id: '343762544' },
  },
  BR: {
    phone: /^\(\d{2}\) \d{4}-\d{4}$/,
    cell: /^\(\d{2}\) \d{4}-\d{4}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: 'CPF',
    idValue: /^\d{3}\.\d{3}\.\d{3}-\d{2}$/,
    samples: { phone: '(81) 5753-6791', cell: '(37) 7740-7554', postcode: 28213, id: '484.976.736-62' },
  },
  CA: {
    phone: /^[A-Z]\d{2} [A-Z]\d{2}-\d{4}$/,
    cell: /^[A-Z]\d{2} [A-Z]\d{2}-\d{4}$/,
    postcode: /^[A-Z]\d[A-Z] \d[A-Z]\d$/,
    postcodeType: 'string',
    idName: 'SIN',
    idValue: /^\d{9}$/,
    samples: { phone: 'C58 K38-9602', cell: 'X51 I48-6616', postcode: 'W9C 0Z6', id: '586253049' },
  },
  CH: {
    phone: /^07[5-9] \d{3} \d{2} \d{2}$/,
    cell: /^07[5-9] \d{3} \d{2} \d{2}$/,
    postcode: /^\d{4}$/,
    postcodeType: 'number',
    idName: 'AVS',
    idValue: /^756\.\d{4}\.\d{4}\.\d{2}$/,
    samples: { phone: '075 247 63 60', cell: '079 324 37 08', postcode: 5250, id: '756.5175.1375.69' },
  },
  DE: {
    phone: /^0\d{3}-\d{7}$/,
    cell: /^017\d-\d{7}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: 'SVNR',
    idValue: /^\d{2} \d{6,7} \S \d{3}$/,
    samples: { phone: '0740-8973298', cell: '0170-8616661', postcode: 82979, id: '73 060798 W 744' },
  },
  DK: {
    phone: /^\d{8}$/,
    cell: /^\d{8}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: 'CPR',
    idValue: /^\d{6,7}-\d{4}$/,
    samples: { phone: '05083575', cell: '40542680', postcode: 83026, id: '080852-2393' },
  },
  ES: {
    phone: /^9\d{2}-\d{3}-\d{3}$/,
    cell: /^6\d{2}-\d{3}-\d{3}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: 'DNI',
    idValue: /^\d{8}-[A-Z]$/,
    samples: { phone: '921-812-926', cell: '655-927-538', postcode: 77941, id: '07743708-Z' },
  },
  FI: {
    phone: /^0[2-9]-\d{3}-\d{3}$/,
    cell: /^04\d-\d{3}-\d{2}-\d{2}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: 'HETU',
    idValue: /^NaNNA\d{3}undefined$/,
    samples: { phone: '05-123-931', cell: '040-693-66-82', postcode: 64580, id: 'NaNNA843undefined' },
  },
  FR: {
    phone: /^0[1-5](-\d{2}){4}$/,
    cell: /^06(-\d{2}){4}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: 'INSEE',
    idValue: /^[12]\d{12,13} \d{2}$/,
    samples: { phone: '04-57-65-02-67', cell: '06-44-61-31-66', postcode: 50507, id: '2650919728434 68' },
  },
  GB: {
    phone: /^0(1\d{3} \d{5,6}|11\d{4} \d{3} \d{4}|1\d1 \d{3} \d{4}|1\d{4} \d{4,5}|2\d \d{4} \d{4})$/,
    cell: /^07\d{3} \d{6}$/,
    postcode: /^[A-Z]{1,2}\d{1,2}[A-Z]? \d[ABD-HJLNP-UW-Z]{2}$/,
    postcodeType: 'string',
    idName: 'NINO',
    idValue: /^[A-Z]{2} \d{2} \d{2} \d{2} [A-Z]$/,
    samples: { phone: '016977 94321', cell: '07304 550762', postcode: 'O87 2FD', id: 'YH 56 29 86 P' },
  },
  IE: {
    phone: /^0[1-7]1-\d{3}-\d{4}$/,
    cell: /^081-\d{3}-\d{4}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: 'PPS',
    idValue: /^\d{7}T$/,
    samples: { phone: '051-244-1474', cell: '081-709-3746', postcode: 16317, id: '9794987T' },
  },
  IN: {
    phone: /^[789]\d{9}$/,
    cell: /^[789]\d{9}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: 'UIDAI',
    idValue: /^\d{12}$/,
    samples: { phone: '7816369780', cell: '8723595578', postcode: 96045, id: '605084737990' },
  },
  IR: {
    phone: /^0\d{2}-\d{8}$/,
    cell: /^09\d{2}-\d{3}-\d{4}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: '',
    idValue: null,
    samples: { phone: '077-69075389', cell: '0953-711-3227', postcode: 91724, id: null },
  },
  MX: {
    phone: /^\(6\d{2}\) \d{3} \d{4}$/,
    cell: /^\(6\d{2}\) \d{3} \d{4}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: 'NSS',
    idValue: /^\d{2} \d{2} \d{2} \d{4} \d$/,
    samples: { phone: '(664) 686 6069', cell: '(639) 825 2067', postcode: 55836, id: '31 03 86 0774 1' },
  },
  NL: {
    phone: /^\(0\d{3}\) \d{6}$/,
    cell: /^\(06\) \d{8}$/,
    postcode: /^\d{4} [A-Z]{2}$/,
    postcodeType: 'string',
    idName: 'BSN',
    idValue: /^\d{8}$/,
    samples: { phone: '(0467) 142790', cell: '(06) 72236242', postcode: '4923 LK', id: '75217505' },
  },
  NO: {
    phone: /^[235678]\d{7}$/,
    cell: /^[49]\d{7}$/,
    postcode: /^\d{4}$/,
    postcodeType: 'string',
    idName: 'FN',
    idValue: /^\d{11}$/,
    samples: { phone: '37883763', cell: '92145553', postcode: '0051', id: '06029206013' },
  },
  NZ: {
    phone: /^\(\d{3}\)-\d{3}-\d{4}$/,
    cell: /^\(\d{3}\)-\d{3}-\d{4}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: '',
    idValue: null,
    samples: { phone: '(235)-976-7936', cell: '(156)-037-0280', postcode: 29916, id: null },
  },
  RS: {
    phone: /^0[123]\d-\d{4}-\d{3}$/,
    cell: /^06\d-\d{4}-\d{3}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: 'SID',
    idValue: /^\d{9}$/,
    samples: { phone: '024-8802-969', cell: '060-2477-588', postcode: 34397, id: '542384676' },
  },
  TR: {
    phone: /^\(\d{3}\)-\d{3}-\d{4}$/,
    cell: /^\(\d{3}\)-\d{3}-\d{4}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: '',
    idValue: null,
    samples: { phone: '(264)-406-4736', cell: '(118)-006-6689', postcode: 87843, id: null },
  },
  UA: {
    phone: /^\(0(66|67|68|96|97|98|99)\) [A-Z]\d{2}-\d{4}$/,
    cell: /^\(0(66|67|68|96|97|98|99)\) [A-Z]\d{2}-\d{4}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: '',
    idValue: null,
    samples: { phone: '(068) P70-0791', cell: '(066) E49-8499', postcode: 29504, id: null },
  },
  US: {
    phone: /^\([2-9]\d{2}\) [2-9]\d{2}-\d{4}$/,
    cell: /^\([2-9]\d{2}\) [2-9]\d{2}-\d{4}$/,
    postcode: /^\d{5}$/,
    postcodeType: 'number',
    idName: 'SSN',
    idValue: /^\d{3}-\d{2}-\d{4}$/,
    samples: { phone: '(343) 938-6888', cell: '(223) 266-7142', postcode: 28761, id: '357-02-1526' },
  },
};

describe.each(NAT_CODES)('%s quirks', (nat) => {
  const format = FORMATS[nat];
  const users = usersOf(nat);

  it('has expectations that accept real v1.4 values', () => {
    expect(format.samples.phone).toMatch(format.phone);
    expect(format.samples.cell).toMatch(format.cell);
    expect(typeof format.samples.postcode).toBe(format.postcodeType);
    expect(String(format.samples.postcode)).toMatch(format.postcode);
    if (format.idValue === null) expect(format.samples.id).toBeNull();
    else expect(format.samples.id).toMatch(format.idValue);
  });

  it('formats phone, cell, postcode and id like the real API', () => {
    expect(
      failing(
        users,
        (u) => u.phone,
        (v) => format.phone.test(v),
      ),
    ).toEqual([]);
    expect(
      failing(
        users,
        (u) => u.cell,
        (v) => format.cell.test(v),
      ),
    ).toEqual([]);
    expect(
      failing(
        users,
        (u) => u.location.postcode,
        (v) => typeof v === format.postcodeType && format.postcode.test(String(v)),
      ),
    ).toEqual([]);
    expect(new Set(users.map((u) => u.id.name))).toEqual(new Set([format.idName]));
    const idOk = format.idValue;
    expect(
      failing(
        users,
        (u) => u.id.value,
        (v) => (idOk === null ? v === null : v !== null && idOk.test(v)),
      ),
    ).toEqual([]);
  });
});

describe('per-nationality details', () => {
  const PERSIAN = /[\u0600-\u06FF]/;

  it('writes IR names and places in Persian script, every other nationality in Latin script', () => {
    for (const u of usersOf('IR')) {
      for (const text of [u.name.first, u.name.last, u.location.street.name, u.location.city, u.location.state]) {
        expect(text).toMatch(PERSIAN);
      }
    }
    for (const nat of NAT_CODES.filter((n) => n !== 'IR')) {
      for (const u of usersOf(nat, 40)) {
        expect(`${u.name.first} ${u.name.last}`).toMatch(/^[\p{Script=Latin}\s'.-]+$/u);
      }
    }
  });

  it('uses Swiss French titles for CH and the common titles elsewhere', () => {
    const swiss = usersOf('CH');
    for (const u of swiss) {
      expect(u.gender === 'male' ? ['Monsieur'] : ['Mademoiselle', 'Madame']).toContain(u.name.title);
    }
    for (const u of usersOf('US')) {
      expect(u.gender === 'male' ? ['Mr'] : ['Miss', 'Mrs', 'Ms']).toContain(u.name.title);
    }
  });

  it('gives US users SSNs that pass the SSA rules', () => {
    for (const u of usersOf('US')) {
      const [area, group, serial] = (u.id.value as string).split('-');
      expect(['000', '666']).not.toContain(area);
      expect(Number(area)).toBeLessThan(900);
      expect(group).not.toBe('00');
      expect(serial).not.toBe('0000');
    }
  });

  const sinIsValid = (sin: string): boolean =>
    sin.split('').reduce((sum, d, i) => {
      const p = Number(d) * (i % 2 === 0 ? 1 : 2);
      return sum + (p >= 10 ? p - 9 : p);
    }, 0) %
      10 ===
    0;

  it('gives CA users SINs with a valid Luhn check digit', () => {
    expect(sinIsValid('586253049')).toBe(true); // real sample
    expect(sinIsValid('586253048')).toBe(false);
    for (const u of usersOf('CA')) expect(sinIsValid(u.id.value as string)).toBe(true);
  });

  const fnIsValid = (fn: string): boolean => {
    const d = fn.split('').map(Number);
    const check = (weights: number[]): number => {
      const rest = weights.reduce((s, w, i) => s + w * (d[i] as number), 0) % 11;
      return rest === 0 ? 0 : 11 - rest;
    };
    return check([3, 7, 6, 1, 8, 9, 4, 5, 2]) === d[9] && check([5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) === d[10];
  };

  it('gives NO users fødselsnummer built from the birth date with valid check digits', () => {
    expect(fnIsValid('06029206013')).toBe(true); // real sample, born 1992-02-06
    expect(fnIsValid('06029206014')).toBe(false);
    for (const u of usersOf('NO')) {
      const iso = u.dob.date;
      const value = u.id.value as string;
      expect(value.slice(0, 6)).toBe(iso.slice(8, 10) + iso.slice(5, 7) + iso.slice(2, 4));
      expect(fnIsValid(value)).toBe(true);
      expect(Number(value[8]) % 2).toBe(u.gender === 'male' ? 1 : 0);
    }
  });

  const legacyYear = (iso: string): string => String(Number(iso.slice(0, 4)) - 1900);

  it('builds DK CPR and DE SVNR from the birth date, with years since 1900 as the real API does', () => {
    for (const u of usersOf('DK')) {
      const d = u.dob.date;
      expect((u.id.value as string).split('-')[0]).toBe(d.slice(8, 10) + d.slice(5, 7) + legacyYear(d));
    }
    for (const u of usersOf('DE')) {
      const d = u.dob.date;
      const [, birth, initial, serial] = (u.id.value as string).split(' ');
      expect(birth).toBe(d.slice(8, 10) + d.slice(5, 7) + legacyYear(d));
      expect(initial).toBe(u.name.last[0]);
      const serialNumber = Number(serial?.slice(0, 2));
      if (u.gender === 'male') expect(serialNumber).toBeLessThan(50);
      else expect(serialNumber).toBeGreaterThanOrEqual(50);
    }
  });

  const inseeKeyIsValid = (insee: string): boolean => {
    const [head, key] = insee.split(' ');
    return Number(key) === 97 - (Number(head) % 97);
  };

  it('gives FR users INSEE numbers with sex, year, zero-based month and a valid key', () => {
    expect(inseeKeyIsValid('2650919728434 68')).toBe(true); // real sample: woman born 1965-10
    expect(inseeKeyIsValid('2650919728434 69')).toBe(false);
    for (const u of usersOf('FR')) {
      const value = u.id.value as string;
      const d = new Date(u.dob.date);
      expect(value.startsWith(`${u.gender === 'male' ? 1 : 2}${legacyYear(u.dob.date)}${String(d.getUTCMonth()).padStart(2, '0')}`)).toBe(true);
      expect(inseeKeyIsValid(value)).toBe(true);
    }
  });

  it('keeps the real postcode ranges for AU and CH', () => {
    for (const u of usersOf('AU')) {
      expect(u.location.postcode).toBeGreaterThanOrEqual(200);
      expect(u.location.postcode).toBeLessThanOrEqual(9999);
    }
    for (const u of usersOf('CH')) {
      expect(u.location.postcode).toBeGreaterThanOrEqual(1000);
      expect(u.location.postcode).toBeLessThanOrEqual(9999);
    }
  });
});

describe('e-mail transliteration', () => {
  it.each([
    ['سهیل', 'علیزاده', 'shyl.aalyzdh@example.com'],
    ['اميرعلي', 'کریمی', 'myraaly.khrymy@example.com'],
    ['آیناز', 'کریمی', 'aynz.khrymy@example.com'],
    ['Barış', 'Toraman', 'baris.toraman@example.com'],
    ['Munira', 'Ødegård', 'munira.odegard@example.com'],
    ['Amândio', 'da Cunha', 'amandio.dacunha@example.com'],
    ['Lindsey', 'Van de Veerdonk', 'lindsey.vandeveerdonk@example.com'],
    ['Jelena', 'Tripković', 'jelena.tripkovic@example.com'],
  ])('%s %s -> %s (as the real API writes it)', (first, last, email) => {
    expect(emailFor(first, last)).toBe(email);
  });
});

describe('login', () => {
  it('hashes like the real API (documentation sample: addison + sld1yGtd)', () => {
    const salted = 'addison' + 'sld1yGtd';
    expect(createHash('md5').update(salted).digest('hex')).toBe('ab54ac4c0be9480ae8fa5e9e2a5196a3');
    expect(createHash('sha1').update(salted).digest('hex')).toBe('edcf2ce613cbdea349133c52dc2f3b83168dc51b');
    const user = generateUsers(request({ results: 1 }))[0] as RandomUser;
    expect(user.login.md5).toBe(
      createHash('md5')
        .update(user.login.password + user.login.salt)
        .digest('hex'),
    );
  });

  it('builds passwords from the password parameter', () => {
    const r = new SeededRandom('pw');
    for (let i = 0; i < 50; i++) {
      expect(generatePassword(r, 'upper,8')).toMatch(/^[A-Z]{8}$/);
      expect(generatePassword(r, 'lower,number,3-5')).toMatch(/^[a-z0-9]{3,5}$/);
      expect(generatePassword(r, 'special,upper,70').length).toBeGreaterThanOrEqual(8);
    }
    const common = new Set(Array.from({ length: 50 }, () => generatePassword(r, 'bogus,12')));
    for (const word of common) expect(word.length).toBeLessThanOrEqual(8);
    const viaQuery = buildResponse(query('seed=pw&results=20&password=number,6'), { now: NOW }).results;
    for (const u of viaQuery) expect(u.login?.password).toMatch(/^\d{6}$/);
  });
});

describe('ages', () => {
  it('counts completed years', () => {
    const born = new Date('1990-06-15T12:00:00.000Z');
    expect(fullYearsBetween(born, new Date('2025-06-15T11:59:59.999Z'))).toBe(34);
    expect(fullYearsBetween(born, new Date('2025-06-15T12:00:00.000Z'))).toBe(35);
    expect(fullYearsBetween(born, new Date('2025-01-01T00:00:00.000Z'))).toBe(34);
  });
});

describe('serialization', () => {
  const body = buildResponse(query('seed=s&results=2'), { now: NOW });

  it('writes compact JSON by default, indented for pretty, wrapped for JSONP', () => {
    expect(serializeResponse(body, 'json')).toBe(JSON.stringify(body));
    expect(serializeResponse(body, 'pretty')).toBe(JSON.stringify(body, null, 2));
    expect(serializeResponse(body, 'json', 'cb')).toBe(`cb(${JSON.stringify(body)});`);
  });
});
