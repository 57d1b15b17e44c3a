import { compileFilters, decodeValue } from '../../../plugins/offline-kafka/filter';

const matches = (patterns: unknown[], value: unknown): boolean =>
  compileFilters(patterns)({ value: decodeValue(value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))) });

describe('decodeValue', () => {
  it('reads JSON when it parses, the UTF-8 string otherwise, and nothing for null', () => {
    expect(decodeValue(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(decodeValue(Buffer.from('42'))).toBe(42);
    expect(decodeValue(Buffer.from('plain'))).toBe('plain');
    expect(decodeValue(null)).toBeUndefined();
  });
});

describe('compileFilters', () => {
  const user = { login: { uuid: 'abc' }, gender: 'female', nat: 'NL', dob: { age: 34 }, tags: ['a', 'b'], email: 'Ann@Example.com', note: null, empty: '' };

  it('accepts everything without patterns', () => {
    expect(matches([], 'anything')).toBe(true);
    expect(matches([], null)).toBe(true);
  });

  it.each([
    ['exact string', { value: { nat: ['NL'] } }, true],
    ['exact string, other value', { value: { nat: ['BE'] } }, false],
    ['one of several values', { value: { nat: ['BE', 'NL'] } }, true],
    ['nested field', { value: { login: { uuid: ['abc'] } } }, true],
    ['exact number', { value: { dob: { age: [34] } } }, true],
    ['number is not its string', { value: { dob: { age: ['34'] } } }, false],
    ['null', { value: { note: [null] } }, true],
    ['empty string', { value: { empty: [''] } }, true],
    ['prefix', { value: { email: [{ prefix: 'Ann' }] } }, true],
    ['prefix is case sensitive', { value: { email: [{ prefix: 'ann' }] } }, false],
    ['prefix ignoring case', { value: { email: [{ prefix: { 'equals-ignore-case': 'ANN@' } }] } }, true],
    ['suffix', { value: { email: [{ suffix: '.com' }] } }, true],
    ['equals-ignore-case', { value: { email: [{ 'equals-ignore-case': 'ann@example.COM' }] } }, true],
    ['numeric range', { value: { dob: { age: [{ numeric: ['>=', 18, '<', 65] }] } } }, true],
    ['numeric range, outside', { value: { dob: { age: [{ numeric: ['>', 34] }] } } }, false],
    ['numeric equals', { value: { dob: { age: [{ numeric: ['=', 34] }] } } }, true],
    ['numeric on a string', { value: { nat: [{ numeric: ['>', 0] }] } }, false],
    ['exists', { value: { gender: [{ exists: true }] } }, true],
    ['exists, absent', { value: { phone: [{ exists: true }] } }, false],
    ['does not exist', { value: { phone: [{ exists: false }] } }, true],
    ['does not exist, present', { value: { gender: [{ exists: false }] } }, false],
    ['anything-but value', { value: { nat: [{ 'anything-but': 'BE' }] } }, true],
    ['anything-but list', { value: { nat: [{ 'anything-but': ['NL', 'BE'] }] } }, false],
    ['anything-but prefix', { value: { email: [{ 'anything-but': { prefix: 'Bob' } }] } }, true],
    ['anything-but on an absent field', { value: { phone: [{ 'anything-but': 'x' }] } }, false],
    ['any element of an array field', { value: { tags: ['b'] } }, true],
    ['every field must match', { value: { nat: ['NL'], gender: ['male'] } }, false],
    ['$or of fields', { value: { $or: [{ nat: ['BE'] }, { gender: ['female'] }] } }, true],
    ['$or at the top', { $or: [{ value: { nat: ['BE'] } }, { value: { nat: ['DE'] } }] }, false],
  ])('%s', (_name, pattern, expected) => {
    expect(matches([pattern], user)).toBe(expected);
  });

  it('ORs the filters', () => {
    const patterns = [{ value: { nat: ['BE'] } }, { value: { gender: ['female'] } }];
    expect(matches(patterns, user)).toBe(true);
    expect(matches(patterns, { nat: 'FR', gender: 'male' })).toBe(false);
  });

  it('filters plain-string values, as AWS documents', () => {
    const patterns = [{ value: [{ 'anything-but': ['error'] }] }];
    expect(matches(patterns, 'all good')).toBe(true);
    expect(matches(patterns, 'error')).toBe(false);
    expect(matches([{ value: { nat: ['NL'] } }], 'not json')).toBe(false);
    expect(matches([{ value: [{ prefix: 'user-' }] }], 'user-42')).toBe(true);
  });

  it('treats a null value as absent', () => {
    expect(matches([{ value: [{ exists: false }] }], null)).toBe(true);
    expect(matches([{ value: { nat: ['NL'] } }], null)).toBe(false);
  });

  it.each([
    [[{ key: { a: ['b'] } }], 'filterPatterns[0].key: Kafka event sources filter on "key" only when SchemaRegistryConfig validates KEY'],
    [[{ headers: { a: ['b'] } }], 'filterPatterns[0].headers: Kafka event sources only filter on "value"'],
    [['value'], 'filterPatterns[0] must be an object'],
    [[{ value: { nat: 'NL' } }], 'filterPatterns[0].value.nat must be an array of matchers or a nested object'],
    [[{ value: { nat: [] } }], 'filterPatterns[0].value.nat must not be empty'],
    [[{ value: { nat: [{ regex: '.*' }] } }], 'unsupported operator "regex"'],
    [[{ value: { nat: [{ prefix: 'a', suffix: 'b' }] } }], 'must have exactly one operator'],
    [[{ value: { age: [{ numeric: ['>>', 1] }] } }], 'must be one of = < <= > >='],
    [[{ value: { age: [{ numeric: ['>', '1'] }] } }], 'must be a finite number'],
    [[{ value: { age: [{ numeric: ['>', 1, '<'] }] } }], 'must be [op, number] or [op, number, op, number]'],
    [[{ value: { a: [{ exists: 'yes' }] } }], 'exists must be true or false'],
    [[{ value: { a: [{ 'anything-but': [] }] } }], 'must list values'],
    [[{ value: { $or: [{ a: ['x'] }] } }], 'must list at least two patterns'],
  ])('rejects %j', (patterns, message) => {
    expect(() => compileFilters(patterns)).toThrow(message);
  });

  it('filters on the decoded key when the schema registry validates it', () => {
    const filter = compileFilters([{ key: { region: ['eu'] }, value: { nat: ['NL'] } }], { key: true });
    expect(filter({ key: { region: 'eu' }, value: { nat: 'NL' } })).toBe(true);
    expect(filter({ key: { region: 'us' }, value: { nat: 'NL' } })).toBe(false);
    expect(filter({ key: undefined, value: { nat: 'NL' } })).toBe(false);
  });
});
