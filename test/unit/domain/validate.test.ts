import { MAX_TEXT_LENGTH } from '../../../layers/domain/field-checks';
import { MalformedResponseError, parseRandomUserResponse, validateRandomUser, type ValidationResult } from '../../../layers/domain/validate';
import { allUsers, envelope, gbUser, irUser, manyUsers, thrownBy, uaUser, usUser, withField } from './fixtures';

function reasonOf(result: ValidationResult): string {
  if (result.ok) throw new Error(`expected a rejection, got user ${result.user.login.uuid}`);
  return result.rejection.reason;
}

function userOf(result: ValidationResult) {
  if (!result.ok) throw new Error(`expected a user, got rejection "${result.rejection.reason}"`);
  return result.user;
}

describe('validateRandomUser accepts real records', () => {
  it.each(allUsers().map((u) => [u.nat, u] as const))('%s user validates to the same content', (_nat, record) => {
    expect(userOf(validateRandomUser(record))).toEqual(record);
  });

  it('keeps Cyrillic and Persian names exactly', () => {
    const ua = userOf(validateRandomUser(uaUser()));
    const ir = userOf(validateRandomUser(irUser()));
    expect([ua.name.first, ua.name.last, ua.location.city]).toEqual(['Оксана', 'Ковальчук', 'Київ']);
    expect([ir.name.first, ir.name.last, ir.location.street.name]).toEqual(['سهیل', 'علیزاده', 'میدان ولیعصر']);
  });

  it('accepts characters outside the BMP (well-formed surrogate pairs)', () => {
    const user = userOf(validateRandomUser(withField(usUser(), 'name.first', '𠜎𠜱 😀')));
    expect(user.name.first).toBe('𠜎𠜱 😀');
  });

  it('keeps a numeric postcode a number and a string postcode a string', () => {
    expect(userOf(validateRandomUser(usUser())).location.postcode).toBe(63104);
    expect(userOf(validateRandomUser(gbUser())).location.postcode).toBe('W1T 3JH');
  });

  it('accepts a null id.value (nationalities without an id)', () => {
    expect(userOf(validateRandomUser(irUser())).id).toEqual({ name: '', value: null });
  });

  it('lower-cases login.uuid so the natural key has one spelling', () => {
    const user = userOf(validateRandomUser(withField(usUser(), 'login.uuid', '7A0EED16-9430-4D68-901F-C0D4C1C3BF00')));
    expect(user.login.uuid).toBe('7a0eed16-9430-4d68-901f-c0d4c1c3bf00');
  });

  it('returns a fresh object carrying only the v1.4 fields', () => {
    const record = withField(usUser(), 'extra', { injected: true });
    const user = userOf(validateRandomUser(record));
    expect(user).not.toBe(record);
    expect(user).toEqual(usUser());
    expect('extra' in user).toBe(false);
  });

  it('accepts a text field of exactly the maximum length', () => {
    const longest = 'a'.repeat(MAX_TEXT_LENGTH);
    expect(userOf(validateRandomUser(withField(usUser(), 'name.last', longest))).name.last).toBe(longest);
  });

  it('accepts a leap day and an ISO date with an offset', () => {
    expect(userOf(validateRandomUser(withField(usUser(), 'dob.date', '2000-02-29T00:00:00.000Z'))).dob.date).toBe('2000-02-29T00:00:00.000Z');
    expect(userOf(validateRandomUser(withField(usUser(), 'dob.date', '1992-03-08T15:13:16+02:00'))).dob.date).toBe('1992-03-08T15:13:16+02:00');
  });
});

describe('validateRandomUser rejects with path and problem', () => {
  const cases: [string, unknown, string][] = [
    ['record null', null, 'record: expected object, got null'],
    ['record an array', [usUser()], 'record: expected object, got array'],
    ['record a string', 'user', 'record: expected object, got string'],
    ['record missing', undefined, 'record: missing'],
    ['missing login.uuid', withField(usUser(), 'login.uuid', undefined), 'login.uuid: missing'],
    ['login.uuid not a UUID', withField(usUser(), 'login.uuid', '7a0eed16-9430-4d68-901f'), 'login.uuid: not a UUID'],
    ['login.uuid a number', withField(usUser(), 'login.uuid', 12345), 'login.uuid: expected string, got number'],
    ['login missing', withField(usUser(), 'login', undefined), 'login: missing'],
    ['login.username empty', withField(usUser(), 'login.username', ''), 'login.username: empty'],
    ['dob.date not a date', withField(usUser(), 'dob.date', 'yesterday'), 'dob.date: not an ISO date'],
    ['dob.date without a zone', withField(usUser(), 'dob.date', '1992-03-08T15:13:16.688'), 'dob.date: not an ISO date'],
    ['dob.date February 30th', withField(usUser(), 'dob.date', '2023-02-30T00:00:00.000Z'), 'dob.date: not an ISO date'],
    ['dob.date February 29th of a common year', withField(usUser(), 'dob.date', '1900-02-29T00:00:00.000Z'), 'dob.date: not an ISO date'],
    ['dob.date offset +25:00', withField(usUser(), 'dob.date', '1992-03-08T15:13:16.688+25:00'), 'dob.date: not an ISO date'],
    ['dob.date hour 24', withField(usUser(), 'dob.date', '2023-01-01T24:00:00.000Z'), 'dob.date: not an ISO date'],
    ['registered.date an epoch number', withField(usUser(), 'registered.date', 1184000000000), 'registered.date: expected string, got number'],
    ['dob.age a string', withField(usUser(), 'dob.age', '30'), 'dob.age: expected number, got string'],
    ['dob.age a fraction', withField(usUser(), 'dob.age', 30.5), 'dob.age: expected an integer, got 30.5'],
    ['registered.age negative', withField(usUser(), 'registered.age', -1), 'registered.age: out of range 0..200, got -1'],
    ['postcode an object', withField(usUser(), 'location.postcode', { code: 1 }), 'location.postcode: expected string or number, got object'],
    ['postcode null', withField(usUser(), 'location.postcode', null), 'location.postcode: expected string or number, got null'],
    ['postcode a boolean', withField(usUser(), 'location.postcode', true), 'location.postcode: expected string or number, got boolean'],
    ['postcode a fraction', withField(usUser(), 'location.postcode', 631.04), 'location.postcode: expected a non-negative integer, got 631.04'],
    ['postcode negative', withField(usUser(), 'location.postcode', -5), 'location.postcode: expected a non-negative integer, got -5'],
    ['postcode missing', withField(usUser(), 'location.postcode', undefined), 'location.postcode: missing'],
    ['street.number a string', withField(usUser(), 'location.street.number', '8929'), 'location.street.number: expected number, got string'],
    ['street an array', withField(usUser(), 'location.street', []), 'location.street: expected object, got array'],
    ['latitude a number', withField(usUser(), 'location.coordinates.latitude', -69.8246), 'location.coordinates.latitude: expected string, got number'],
    ['longitude not decimal', withField(usUser(), 'location.coordinates.longitude', 'east'), 'location.coordinates.longitude: not a decimal number'],
    ['timezone missing', withField(usUser(), 'location.timezone', undefined), 'location.timezone: missing'],
    ['name a string', withField(usUser(), 'name', 'Jennie Nichols'), 'name: expected object, got string'],
    ['name.first a number', withField(usUser(), 'name.first', 42), 'name.first: expected string, got number'],
    ['name.first blank', withField(usUser(), 'name.first', '   '), 'name.first: empty'],
    ['name.last missing', withField(usUser(), 'name.last', undefined), 'name.last: missing'],
    ['gender unknown', withField(usUser(), 'gender', 'robot'), 'gender: expected "male" or "female"'],
    ['gender a number', withField(usUser(), 'gender', 1), 'gender: expected string, got number'],
    ['email without @', withField(usUser(), 'email', 'jennie.nichols.example.com'), 'email: not an email address'],
    ['phone null', withField(usUser(), 'phone', null), 'phone: expected string, got null'],
    ['id.value a number', withField(usUser(), 'id.value', 4058836), 'id.value: expected string, got number'],
    ['id.value missing', withField(usUser(), 'id.value', undefined), 'id.value: missing'],
    ['picture.medium not http', withField(usUser(), 'picture.medium', 'javascript:alert(1)'), 'picture.medium: not an http(s) URL'],
    ['nat three letters', withField(usUser(), 'nat', 'USA'), 'nat: expected a two-letter nationality code'],
    ['nat lower-case', withField(usUser(), 'nat', 'us'), 'nat: expected a two-letter nationality code'],
    ['huge name', withField(usUser(), 'name.last', 'x'.repeat(10_000_000)), `name.last: longer than ${MAX_TEXT_LENGTH} characters (10000000)`],
    [
      'one over the maximum',
      withField(usUser(), 'location.city', 'y'.repeat(MAX_TEXT_LENGTH + 1)),
      `location.city: longer than ${MAX_TEXT_LENGTH} characters (${MAX_TEXT_LENGTH + 1})`,
    ],
    ['NUL character', withField(usUser(), 'location.city', 'Bill\u0000ings'), 'location.city: contains a NUL character'],
    ['unpaired surrogate', withField(usUser(), 'name.first', 'Jen\uD800nie'), 'name.first: contains an unpaired surrogate (not valid Unicode)'],
  ];

  it.each(cases)('%s', (_label, record, reason) => {
    expect(reasonOf(validateRandomUser(record))).toBe(reason);
  });

  it('splits the reason into path and problem', () => {
    const result = validateRandomUser(withField(usUser(), 'location.postcode', [1]));
    expect(result).toEqual({
      ok: false,
      rejection: {
        path: 'location.postcode',
        problem: 'expected string or number, got array',
        reason: 'location.postcode: expected string or number, got array',
      },
    });
  });

  it('reports the first bad field in the API field order', () => {
    const record = withField(withField(usUser(), 'login.uuid', undefined), 'gender', 'x');
    expect(reasonOf(validateRandomUser(record))).toBe('gender: expected "male" or "female"');
  });
});

describe('parseRandomUserResponse', () => {
  it('returns every valid user in order, and each bad record with its index, reason and original value', () => {
    const badUuid = withField(gbUser(), 'login.uuid', undefined);
    const badDate = withField(irUser(), 'dob.date', 'not a date');
    const body = envelope([usUser(), badUuid, uaUser(), badDate, irUser()]);

    const parsed = parseRandomUserResponse(body);

    expect(parsed.users.map((u) => u.nat)).toEqual(['US', 'UA', 'IR']);
    expect(parsed.rejected).toEqual([
      { index: 1, reason: 'login.uuid: missing', record: badUuid },
      { index: 3, reason: 'dob.date: not an ISO date', record: badDate },
    ]);
    expect(parsed.rejected[0]!.record).toBe(body.results[1]);
    expect(parsed.info).toEqual({ seed: '56d27f4a53bd5441', results: 5, page: 1, version: '1.4' });
  });

  it('accounts for every record: users + rejected = results', () => {
    const records: unknown[] = manyUsers(1000).map((u, i) => (i % 7 === 0 ? withField(u, 'email', 7) : u));
    records.push(null, 'text', 42);
    const parsed = parseRandomUserResponse(envelope(records));
    expect(parsed.users).toHaveLength(857);
    expect(parsed.rejected).toHaveLength(143 + 3);
    expect(parsed.users.length + parsed.rejected.length).toBe(records.length);
    expect(new Set(parsed.rejected.map((r) => r.index)).size).toBe(parsed.rejected.length);
  });

  it('accepts an empty page', () => {
    expect(parseRandomUserResponse(envelope([]))).toEqual({ users: [], rejected: [], info: { seed: '56d27f4a53bd5441', results: 0, page: 1, version: '1.4' } });
  });

  const malformed: [string, unknown, string][] = [
    ['null body', null, 'randomuser response: expected a JSON object, got null'],
    ['a string body', '<html>502 Bad Gateway</html>', 'randomuser response: expected a JSON object, got string'],
    ['an array body', [usUser()], 'randomuser response: expected a JSON object, got array'],
    ['results missing', { info: envelope([]).info }, 'randomuser response: results: missing'],
    ['results an object', { results: { 0: usUser() }, info: envelope([]).info }, 'randomuser response: results: expected array, got object'],
    ['info missing', { results: [usUser()] }, 'randomuser response: info: missing'],
    [
      'info.page a string',
      { results: [], info: { seed: 'a', results: 0, page: '1', version: '1.4' } },
      'randomuser response: info.page: expected number, got string',
    ],
  ];

  it.each(malformed)('throws MalformedResponseError for %s', (_label, body, message) => {
    const error = thrownBy(() => parseRandomUserResponse(body));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.name).toBe('MalformedResponseError');
    expect(error.message).toBe(message);
  });

  it('throws MalformedResponseError carrying the API message for an {error} body', () => {
    const apiMessage = 'Uh oh, something has gone wrong. Please tweet us @randomapi about the issue. Thank you.';
    const error = thrownBy(() => parseRandomUserResponse({ error: apiMessage }));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as MalformedResponseError).apiError).toBe(apiMessage);
    expect(error.message).toBe(`randomuser API error: ${apiMessage}`);
  });
});
