/**
 * The Zod schemas derived from the Avro schemas (layers/domain/avro/mapping-json.ts) read what the
 * event source mapping delivers with EventRecordFormat JSON exactly as avsc reads the Avro bytes,
 * for every kind of Avro type, and resolve a writer's schema to the reader's as Avro would.
 */
import {
  cleanUserJson,
  cleanUserSchema,
  cleanUserType,
  mappingJsonSchema,
  rawUserJson,
  rawUserSchema,
  rawUserType,
  recordType,
  toRawAvro,
} from '../../../layers/domain/avro';
import type { AvroRecordSchema } from '../../../layers/domain/avro';
import type { RandomUser } from '../../../layers/domain/randomuser';
import { toCleanUser } from '../../../layers/domain/transform';
import { generateUsers } from '../../../scripts/randomuser/generator';
import { renderedAsMapping } from '../../support/kafka-events';

const meta = { batch_id: 'seed:x:page:1:n:300', fetched_at: new Date('2026-02-03T04:05:06.789Z'), source: 'randomuser' };
const generated = generateUsers({
  results: 300,
  seed: 'mapping-json',
  page: 1,
  nats: null,
  gender: null,
  now: new Date('2026-01-01T00:00:00Z'),
}) as unknown as RandomUser[];

describe('users.raw and users.clean as the mapping delivers them', () => {
  it('reads every generated user (numeric and string postcodes, null national ids, any script) as avsc decodes the bytes', () => {
    expect(new Set(generated.map((u) => typeof u.location.postcode))).toEqual(new Set(['number', 'string']));
    expect(generated.some((u) => u.id.value === null)).toBe(true);
    for (const user of generated) {
      const raw = toRawAvro(user, meta);
      expect(rawUserJson.parse(renderedAsMapping(rawUserSchema, raw))).toEqual(rawUserType.fromBuffer(rawUserType.toBuffer(raw)));
      const clean = toCleanUser(user);
      expect(cleanUserJson.parse(renderedAsMapping(cleanUserSchema, clean))).toEqual(cleanUserType.fromBuffer(cleanUserType.toBuffer(clean)));
    }
  });

  it('reads timestamps (epoch milliseconds, before 1970 too) as Dates and refuses what is not their type', () => {
    const clean = toCleanUser(generated[0]!);
    const rendered = renderedAsMapping(cleanUserSchema, { ...clean, dob: new Date(Date.UTC(1931, 4, 20, 10, 0, 0, 5)) }) as Record<string, unknown>;
    expect(rendered.dob).toBe(Date.UTC(1931, 4, 20, 10, 0, 0, 5));
    expect(cleanUserJson.parse(rendered).dob).toEqual(new Date(Date.UTC(1931, 4, 20, 10, 0, 0, 5)));
    const issues = (value: Record<string, unknown>) => cleanUserJson.safeParse({ ...rendered, ...value }).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ dob: '1931-05-20T10:00:00.005Z', id: 'not-a-uuid', post_code: 12345 })).toEqual(['id', 'post_code', 'dob']);
    expect(rawUserJson.safeParse({ ...(renderedAsMapping(rawUserSchema, toRawAvro(generated[0]!, meta)) as object), fetched_at: 1.5 }).success).toBe(false);
  });

  it('names the record it reads, for the reasons it gives', () => {
    expect([rawUserJson.description, cleanUserJson.description]).toEqual(['RawUser', 'CleanUser']);
  });
});

describe('writer and reader schemas', () => {
  const v1 = cleanUserSchema;
  const v2: AvroRecordSchema = {
    ...v1,
    fields: [
      ...v1.fields,
      { name: 'middle_name', type: ['null', 'string'], default: null },
      { name: 'verified_at', type: { type: 'long', logicalType: 'timestamp-millis' }, default: 0 },
    ],
  };
  const user = toCleanUser(generated[1]!);

  it("reads a newer writer's record as the older reader: the fields it does not know are dropped", () => {
    const written = renderedAsMapping(v2, { ...user, middle_name: 'Anne', verified_at: new Date(5) });
    expect(cleanUserJson.parse(written)).toEqual(user);
  });

  it("reads an older writer's record as the newer reader: the fields the writer lacks take their defaults, read as values", () => {
    expect(mappingJsonSchema(v2).parse(renderedAsMapping(v1, user))).toEqual({ ...user, middle_name: null, verified_at: new Date(0) });
  });
});

describe('every Avro type', () => {
  const schema: AvroRecordSchema = {
    type: 'record',
    name: 'Everything',
    namespace: 'dev.tributary.test',
    fields: [
      { name: 'flag', type: 'boolean' },
      { name: 'small', type: 'int' },
      { name: 'ratio', type: 'double' },
      { name: 'share', type: 'float' },
      { name: 'blob', type: 'bytes' },
      { name: 'day', type: { type: 'int', logicalType: 'date' } },
      { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 } },
      { name: 'colour', type: { type: 'enum', name: 'Colour', symbols: ['RED', 'GREEN'] } },
      { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
      { name: 'tags', type: { type: 'array', items: 'string' } },
      { name: 'counts', type: { type: 'map', values: 'long' } },
      { name: 'home', type: { type: 'record', name: 'Place', namespace: 'dev.tributary.geo', fields: [{ name: 'city', type: 'string' }] } },
      { name: 'work', type: ['null', 'dev.tributary.geo.Place'] },
      { name: 'alias', type: ['null', 'string', 'long'] },
      { name: 'again', type: 'Colour' },
    ],
  };
  const value = {
    flag: true,
    small: -3,
    ratio: Number.NaN,
    share: 0.5,
    blob: Buffer.from([0, 255]),
    day: 20000,
    amount: Buffer.from([0x30, 0x39]),
    colour: 'GREEN',
    hash: Buffer.from([1, 2, 3, 4]),
    tags: ['a', 'b'],
    counts: { x: 1 },
    home: { city: 'Oslo' },
    work: { city: 'Bergen' },
    alias: 42,
    again: 'RED',
  };
  const reader = mappingJsonSchema(schema);

  it('reads the rendering of each: numbers, NaN as null, bytes and fixed as base64, enums, arrays, maps, named and namespaced records, unions', () => {
    const rendered = renderedAsMapping(schema, value);
    expect(rendered).toMatchObject({ ratio: null, blob: 'AP8=', amount: 'MDk=', hash: 'AQIDBA==', work: { city: 'Bergen' }, alias: 42 });
    expect(reader.parse(rendered)).toEqual({ ...value, ratio: null, blob: 'AP8=', amount: 'MDk=', hash: 'AQIDBA==' });
    expect(recordType(schema).isValid(value)).toBe(true);
  });

  it('refuses a value of another type at its path', () => {
    const rendered = renderedAsMapping(schema, value) as Record<string, unknown>;
    const paths = reader
      .safeParse({ ...rendered, colour: 'BLUE', small: 1.5, blob: '***', tags: [1], work: { town: 'x' }, alias: true })
      .error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(['small', 'blob', 'colour', 'tags.0', 'work', 'alias']);
  });

  it('refuses a schema that names a type before defining it', () => {
    expect(() => mappingJsonSchema({ ...schema, fields: [{ name: 'early', type: 'Later' }] })).toThrow('Avro type "Later" is used before it is defined');
  });
});
