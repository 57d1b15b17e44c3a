/**
 * How a Kafka stage's handler reads its event (layers/pipeline/kafka-event.ts): Powertools'
 * kafkaConsumer over AWS's event with JSON values, each record paired with the record as it was
 * delivered, values read lazily so one bad value is that record's fault alone.
 */
import { KafkaConsumerError } from '@aws-lambda-powertools/kafka/errors';
import { KafkaMskEventSchema, KafkaSelfManagedEventSchema } from '@aws-lambda-powertools/parser/schemas';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { isRecordFault } from '../../../layers/domain/faults';
import { kafkaEventReader, SchemaMismatchError, UndecodedRecordError } from '../../../layers/pipeline/kafka-event';
import { eventRecord, jsonFormatEvent } from '../../support/kafka-events';
import { rawSpec, users } from '../../support/stage-fixtures';

const probe = z.object({ id: z.string(), n: z.number().int() }).describe('Probe');
const read = kafkaEventReader(probe);
const context = {} as Context;

function thrown(read: () => unknown): unknown {
  try {
    read();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('reading a Kafka event', () => {
  it('builds the events its tests use in the shape Powertools parses as a Kafka event', () => {
    const event = jsonFormatEvent(
      'users.raw',
      users('shape', 2).map((u) => rawSpec(u)),
    );
    const parsed = KafkaSelfManagedEventSchema.parse(event);
    expect(Object.values(parsed.records).flat()[0]).toMatchObject({ topic: 'users.raw', offset: 0, headers: [{ batch_id: 'b1' }, { outbox_id: '1' }] });
    expect(JSON.parse(Object.values(parsed.records).flat()[0]!.value)).toMatchObject({ batch_id: 'b1', source: 'randomuser' });
  });

  it("reads AWS's MSK example with a decoded value and its valueSchemaMetadata", async () => {
    // AWS's documented MSK event, its value the decoded record as JSON, as the schema registry integration delivers it.
    const event = {
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2',
      bootstrapServers: 'b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092,b-1.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092',
      records: {
        'mytopic-0': [
          {
            topic: 'mytopic',
            partition: 0,
            offset: 15,
            timestamp: 1545084650987,
            timestampType: 'CREATE_TIME',
            key: Buffer.from('user-1').toString('base64'),
            value: Buffer.from('{"id":"user-1","n":7}').toString('base64'),
            headers: [{ headerKey: [104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101] }],
            valueSchemaMetadata: { dataFormat: 'AVRO', schemaId: '1234' },
          },
        ],
      },
    };
    KafkaMskEventSchema.parse(event);
    const [record] = await read(event, context);
    expect(record).toMatchObject({
      topic: 'mytopic',
      partition: 0,
      offset: 15,
      timestamp: 1545084650987,
      key: 'user-1',
      headers: { headerKey: 'headerValue' },
    });
    expect(record?.value()).toEqual({ id: 'user-1', n: 7 });
    expect(record?.delivered).toBe(event.records['mytopic-0'][0]);
    expect(record?.eventSource).toEqual({ eventSource: 'aws:kafka', eventSourceArn: event.eventSourceArn, bootstrapServers: event.bootstrapServers });
  });

  it('pairs each record with the one delivered across partitions, and a record without a key has a null key', async () => {
    const event = jsonFormatEvent('t', [{ key: 'a', value: { id: 'a', n: 1 }, schemaId: 1 }]);
    event.records['t-3'] = [eventRecord('t', 3, { value: { id: 'b', n: 2 }, schemaId: 1 }, 40)];
    const records = await read(event, context);
    expect(records.map((r) => [r.partition, r.offset, r.key, r.value().id, r.delivered.partition])).toEqual([
      [0, 0, 'a', 'a', 0],
      [3, 40, null, 'b', 3],
    ]);
  });

  it('reads a value only when asked, so a value that does not fit is the fault of its record alone', async () => {
    const [good, bad, gone, undecoded] = await read(
      jsonFormatEvent('t', [
        { key: 'a', value: { id: 'a', n: 1 }, schemaId: 1 },
        { key: 'b', value: { id: 'b', n: 1.5, extra: true }, schemaId: 1 },
        { key: 'c', schemaId: 1 },
        { key: 'd', value: { id: 'd', n: 4 } },
      ]),
      context,
    );
    expect(good?.value()).toEqual({ id: 'a', n: 1 });
    const fault = thrown(() => bad?.value());
    expect(fault).toBeInstanceOf(SchemaMismatchError);
    expect(isRecordFault(fault)).toBe(true);
    expect((fault as Error).message).toBe('value does not fit Probe: n: Invalid input: expected int, received number');
    expect(() => gone?.value()).toThrow('record has no value (tombstone)');
    // A mapping that did not decode is no record's fault: the batch must fail, not dead-letter everything.
    const undecodedError = thrown(() => undecoded?.value());
    expect(undecodedError).toBeInstanceOf(UndecodedRecordError);
    expect(isRecordFault(undecodedError)).toBe(false);
  });

  it('refuses what is not a Kafka event', async () => {
    await expect(read({ Records: [] }, context)).rejects.toThrow(KafkaConsumerError);
  });
});
