import type { MSKEvent, MSKRecord, SelfManagedKafkaEvent, SelfManagedKafkaRecord } from 'aws-lambda';
import type { KafkaMessage } from 'kafkajs';
import { buildKafkaEvent, toKafkaRecord, type KafkaRecord, type MskPayload, type SelfManagedKafkaPayload } from '../../../plugins/offline-kafka/event';

// Compile-time checks (tsc runs over test/): the payload types are @types/aws-lambda's, except
// that key and value may be absent. They fail to compile if either side drifts.
type Assignable<T extends U, U> = T;
type WithKeyAndValue = KafkaRecord & { key: string; value: string };
// biome-ignore lint/suspicious/noExportsInTest: exported so tsc checks them without an unused-type error
export type RecordMatchesSelfManaged = Assignable<WithKeyAndValue, SelfManagedKafkaRecord> & Assignable<SelfManagedKafkaRecord, KafkaRecord>;
// biome-ignore lint/suspicious/noExportsInTest: as above
export type RecordMatchesMsk = Assignable<WithKeyAndValue, MSKRecord> & Assignable<MSKRecord, KafkaRecord>;
// biome-ignore lint/suspicious/noExportsInTest: as above
export type EventMatchesSelfManaged = Assignable<SelfManagedKafkaEvent, SelfManagedKafkaPayload> &
  Assignable<Omit<SelfManagedKafkaPayload, 'records'>, Omit<SelfManagedKafkaEvent, 'records'>>;
// biome-ignore lint/suspicious/noExportsInTest: as above
export type EventMatchesMsk = Assignable<MSKEvent, MskPayload> & Assignable<Omit<MskPayload, 'records'>, Omit<MSKEvent, 'records'>>;

function message(fields: Partial<KafkaMessage> & { batchContext?: { timestampType: number } } = {}): KafkaMessage {
  return {
    key: Buffer.from('user-1'),
    value: Buffer.from('{"id":"user-1"}'),
    timestamp: '1700000000123',
    attributes: 0,
    offset: '42',
    headers: {},
    ...fields,
  } as KafkaMessage;
}

describe('toKafkaRecord', () => {
  it('builds the record AWS sends, fields in AWS order', () => {
    const record = toKafkaRecord('users.raw', 3, message({ headers: { source: Buffer.from('api') } }));
    expect(record).toEqual({
      topic: 'users.raw',
      partition: 3,
      offset: 42,
      timestamp: 1700000000123,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('user-1').toString('base64'),
      value: Buffer.from('{"id":"user-1"}').toString('base64'),
      headers: [{ source: [97, 112, 105] }],
    });
    expect(Object.keys(record)).toEqual(['topic', 'partition', 'offset', 'timestamp', 'timestampType', 'key', 'value', 'headers']);
  });

  it('leaves out a null key and a null value', () => {
    const record = toKafkaRecord('t', 0, message({ key: null, value: null }));
    expect(record).not.toHaveProperty('key');
    expect(record).not.toHaveProperty('value');
  });

  it('keeps binary keys and values byte for byte', () => {
    const key = Buffer.from([0, 255, 128]);
    const value = Buffer.from([1, 2, 3, 250]);
    const record = toKafkaRecord('t', 0, message({ key, value }));
    expect(Buffer.from(record.key as string, 'base64')).toEqual(key);
    expect(Buffer.from(record.value as string, 'base64')).toEqual(value);
  });

  it('turns each header value, repeated names included, into its own single-key entry of bytes', () => {
    const record = toKafkaRecord('t', 0, message({ headers: { a: [Buffer.from('1'), Buffer.from('2')], b: 'é', c: undefined } }));
    expect(record.headers).toEqual([{ a: [49] }, { a: [50] }, { b: [195, 169] }, { c: [] }]);
  });

  it('reports LOG_APPEND_TIME when the record batch says so', () => {
    expect(toKafkaRecord('t', 0, message({ batchContext: { timestampType: 1 } })).timestampType).toBe('LOG_APPEND_TIME');
    expect(toKafkaRecord('t', 0, message({ batchContext: { timestampType: 0 } })).timestampType).toBe('CREATE_TIME');
  });

  it('handles offsets and timestamps as numbers', () => {
    const record = toKafkaRecord('t', 0, message({ offset: '9007199254740991', timestamp: '0' }));
    expect(record.offset).toBe(Number.MAX_SAFE_INTEGER);
    expect(record.timestamp).toBe(0);
  });
});

describe('buildKafkaEvent', () => {
  const records = [
    toKafkaRecord('t', 1, message({ offset: '7' })),
    toKafkaRecord('t', 0, message({ offset: '3' })),
    toKafkaRecord('t', 1, message({ offset: '8' })),
  ];

  it('groups records under "<topic>-<partition>" in the order given', () => {
    const event = buildKafkaEvent({ eventSource: 'SelfManagedKafka', bootstrapServers: 'a:1,b:2' }, records);
    expect(event).toEqual({
      eventSource: 'SelfManagedKafka',
      bootstrapServers: 'a:1,b:2',
      records: { 't-1': [records[0], records[2]], 't-0': [records[1]] },
    });
  });

  it('carries eventSourceArn for MSK', () => {
    const event = buildKafkaEvent({ eventSource: 'aws:kafka', eventSourceArn: 'arn:aws:kafka:x', bootstrapServers: 'a:1' }, records);
    expect(event).toMatchObject({ eventSource: 'aws:kafka', eventSourceArn: 'arn:aws:kafka:x', bootstrapServers: 'a:1' });
    expect(Object.keys(event)).toEqual(['eventSource', 'eventSourceArn', 'bootstrapServers', 'records']);
  });
});
