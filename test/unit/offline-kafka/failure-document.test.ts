import type { KafkaMessage } from 'kafkajs';
import { failureDocument } from '../../../plugins/offline-kafka/destinations';
import { toDecodedKafkaRecord } from '../../../plugins/offline-kafka/event';

const message = (offset: string, key: string | null, value: string | null, headers = {}): KafkaMessage =>
  ({
    offset,
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
    timestamp: '1749116692330',
    headers,
    attributes: 0,
    size: 0,
  }) as unknown as KafkaMessage;

const msk = {
  source: { eventSource: 'aws:kafka' as const, eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/my-cluster/abc123', bootstrapServers: 'b-1:9098' },
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:my-function',
};
const discarded = (extra = {}) => ({ functionKey: 'fn', topic: 'my-topic', partition: 0, messages: [], error: 'boom', attempts: 3, ...extra });

describe('failureDocument', () => {
  it("has the fields of AWS's documented Kafka destination record, the payload holding the one record as it arrived", () => {
    const now = new Date('2019-11-14T18:16:05.568Z');
    const document = failureDocument(msk, discarded(), message('100', 'test-key', 'test-value', { trace: Buffer.from('t') }), now);
    expect(document).toEqual({
      requestContext: {
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        functionArn: msk.functionArn,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2019-11-14T18:16:05.568Z',
      KafkaBatchInfo: {
        batchSize: 1,
        eventSourceArn: msk.source.eventSourceArn,
        bootstrapServers: 'b-1:9098',
        payloadSize: Buffer.byteLength(JSON.stringify(document.payload)),
        recordInfo: { offset: '100', timestamp: '2025-06-05T09:44:52.330Z' },
      },
      payload: {
        ...msk.source,
        records: {
          'my-topic-0': [
            {
              topic: 'my-topic',
              partition: 0,
              offset: 100,
              timestamp: 1749116692330,
              timestampType: 'CREATE_TIME',
              key: 'dGVzdC1rZXk=',
              value: 'dGVzdC12YWx1ZQ==',
              headers: [{ trace: [116] }],
            },
          ],
        },
      },
    });
  });

  it('names a schema failure as the condition, with no response: the function never ran', () => {
    const self = { source: { eventSource: 'SelfManagedKafka' as const, bootstrapServers: 'localhost:9092' }, functionArn: msk.functionArn };
    const document = failureDocument(self, discarded({ attempts: 0, condition: 'SCHEMA_NOT_FOUND' }), message('7', null, 'x'));
    expect(document.requestContext).toMatchObject({ condition: 'SCHEMA_NOT_FOUND', approximateInvokeCount: 0 });
    expect(document.responseContext).toBeNull();
    expect(document.KafkaBatchInfo).not.toHaveProperty('eventSourceArn');
    expect(document.payload.records['my-topic-0']?.[0]).not.toHaveProperty('key');
  });
});

describe('toDecodedKafkaRecord', () => {
  it('replaces the decoded attributes and adds their metadata after the headers; the other stays raw', () => {
    const value = { data: Buffer.from('{"a":1}').toString('base64'), metadata: { dataFormat: 'AVRO' as const, schemaId: '12' } };
    const record = toDecodedKafkaRecord('t', 1, message('3', 'k', 'raw'), undefined, value);
    expect(record).toEqual({
      topic: 't',
      partition: 1,
      offset: 3,
      timestamp: 1749116692330,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('k').toString('base64'),
      value: value.data,
      headers: [],
      valueSchemaMetadata: { dataFormat: 'AVRO', schemaId: '12' },
    });
    expect(Object.keys(record)).toEqual(['topic', 'partition', 'offset', 'timestamp', 'timestampType', 'key', 'value', 'headers', 'valueSchemaMetadata']);
    const keyed = toDecodedKafkaRecord('t', 1, message('4', 'k', null), { ...value, metadata: { dataFormat: 'JSON', schemaId: '5' } }, undefined);
    expect(keyed).not.toHaveProperty('value');
    expect(keyed.keySchemaMetadata).toEqual({ dataFormat: 'JSON', schemaId: '5' });
  });
});
