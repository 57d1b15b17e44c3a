import { previewOf, readDeadLetter } from '../../../scripts/status/dead-letter-view';

const STAGES = ['fetch', 'persist', 'publish', 'transform', 'sink'];

/** AWS's on-failure record for one users.raw record, as the stages and the mapping write it. */
function onFailureRecord(condition: string, value: Buffer, error?: { errorType: string; errorMessage: string }): Buffer {
  return Buffer.from(
    JSON.stringify({
      requestContext: {
        requestId: 'r-1',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:tributary-dev-transform',
        condition,
        approximateInvokeCount: 1,
      },
      responseContext: error ? { statusCode: 200, executedVersion: '$LATEST', functionError: 'Handled' } : null,
      ...(error ? { responsePayload: error } : {}),
      version: '1.0',
      timestamp: '2026-01-01T00:00:01.000Z',
      payload: {
        eventSource: 'SelfManagedKafka',
        records: {
          'users.raw-4': [{ topic: 'users.raw', partition: 4, offset: 7960, key: Buffer.from('user-1').toString('base64'), value: value.toString('base64') }],
        },
      },
    }),
  );
}

describe('a users.dlq record as the status page shows it', () => {
  it('reads AWS’s on-failure record: the stage from the function, the error as the reason, the record’s source and key', () => {
    const value = Buffer.from(JSON.stringify({ id: 'not a user' }));
    const { view, recordBytes } = readDeadLetter(
      {
        partition: 0,
        offset: '12',
        timestamp: '0',
        key: null,
        value: onFailureRecord('RecordRejected', value, { errorType: 'SchemaMismatchError', errorMessage: 'value does not fit RawUser' }),
      },
      STAGES,
    );
    expect(view).toEqual({
      partition: 0,
      offset: '12',
      failedAt: '2026-01-01T00:00:01.000Z',
      stage: 'transform',
      condition: 'RecordRejected',
      reason: 'SchemaMismatchError: value does not fit RawUser',
      source: { topic: 'users.raw', partition: 4, offset: '7960' },
      key: 'user-1',
      preview: { kind: 'json', text: '{"id":"not a user"}' },
    });
    expect(recordBytes).toEqual(value);
  });

  it('gives the condition as the reason when the mapping gave up without invoking the function', () => {
    const bytes = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]);
    const { view, recordBytes } = readDeadLetter(
      { partition: 0, offset: '13', timestamp: '0', key: null, value: onFailureRecord('SCHEMA_NOT_FOUND', bytes) },
      STAGES,
    );
    expect(view.reason).toBe('SCHEMA_NOT_FOUND');
    expect(view.preview).toEqual({ kind: 'avro', schemaId: 0x7fff_fff0, text: bytes.toString('hex') });
    expect(recordBytes).toEqual(bytes);
  });

  it('reads the earlier envelope, whose headers say why and whose value is the record', () => {
    const { view } = readDeadLetter(
      {
        partition: 0,
        offset: '2',
        timestamp: String(Date.parse('2025-12-05T21:58:38.696Z')),
        key: Buffer.from('poison-a'),
        value: Buffer.from('garbage'),
        headers: {
          reason: Buffer.from('WireFormatError: no magic byte'),
          stage: Buffer.from('transform'),
          source_topic: Buffer.from('users.raw'),
          source_partition: Buffer.from('5'),
          source_offset: Buffer.from('2695'),
        },
      },
      STAGES,
    );
    expect(view).toMatchObject({
      stage: 'transform',
      reason: 'WireFormatError: no magic byte',
      source: { topic: 'users.raw', partition: 5, offset: '2695' },
      key: 'poison-a',
      failedAt: '2025-12-05T21:58:38.696Z',
      preview: { kind: 'text', text: 'garbage' },
    });
  });

  it('previews bytes that are neither JSON nor text as hex, and says when there are none', () => {
    expect(previewOf(Buffer.from([0xff, 0xfe, 0x01]))).toEqual({ kind: 'bytes', text: 'fffe01 (3 bytes)' });
    expect(previewOf(null)).toEqual({ kind: 'none', text: '(no value)' });
    expect(previewOf(Buffer.from(`{"a":"${'x'.repeat(500)}"}`)).text).toHaveLength(401);
  });
});
