/**
 * patches/@aws-lambda-powertools+kafka+2.35.0.patch: kafkaConsumer resolves its deserializers once
 * per event instead of awaiting them for every record (three promise turns and an async
 * function's state per record, before the handler saw its batch; found in the pipeline bench's
 * allocation profile). Run on both builds, as the stages' bundles take the ES module and Node's
 * require the CommonJS one: the records read the same, and the handler gets a batch of 1,000
 * records within a few promise turns. Its records share accessors made once per event (an object
 * literal with getters gave each record a context, three closures and three accessor pairs, and a
 * hidden class of its own): every record of a batch has one shape, with the properties in the
 * order the literal gave them.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');

// Counts promise turns while kafkaConsumer builds a 1,000-record batch; prints the turns and a record.
const SCRIPT = (load: string): string => `
${load}
const records = Array.from({ length: 1000 }, (_, i) => ({
  topic: 't', partition: 0, offset: i, timestamp: 0, timestampType: 'CREATE_TIME',
  key: Buffer.from('k' + i).toString('base64'),
  value: Buffer.from(JSON.stringify({ id: i, name: 'n' + i })).toString('base64'),
  headers: [{ h: [104, 105] }],
}));
const event = { eventSource: 'SelfManagedKafka', bootstrapServers: 'b:9092', records: { 't-0': records } };
let turns = 0;
let counting = true;
(async () => { while (counting) { await null; turns++; } })();
const handler = kafkaConsumer(async ({ records }) => {
  counting = false;
  const last = records[999];
  return {
    turns, count: records.length, key: last.key, value: last.value, headers: last.headers, offset: last.offset,
    keys: Object.keys(last), sameShape: %HaveSameMap(records[0], last) && %HasFastProperties(last),
  };
}, { value: { type: 'json' } });
handler(event, {}).then((r) => process.stdout.write(JSON.stringify(r)));
`;

const builds: [string, string[], string][] = [
  [
    'the ES module build (the bundles)',
    ['--allow-natives-syntax', '--input-type=module', '-e'],
    "import { kafkaConsumer } from '@aws-lambda-powertools/kafka';",
  ],
  ['the CommonJS build', ['--allow-natives-syntax', '-e'], "const { kafkaConsumer } = require('@aws-lambda-powertools/kafka');"],
];

describe("Powertools' kafkaConsumer, patched", () => {
  it.each(builds)('%s: the same records, of one shape, within a few promise turns for 1,000 of them', async (_name, args, load) => {
    const { stdout } = await promisify(execFile)(process.execPath, [...args, SCRIPT(load)], { cwd: ROOT, timeout: 30_000 });
    const result = JSON.parse(stdout) as {
      turns: number;
      count: number;
      key: string;
      value: unknown;
      headers: unknown;
      offset: number;
      keys: string[];
      sameShape: boolean;
    };
    expect(result).toMatchObject({ count: 1000, offset: 999, value: { id: 999, name: 'n999' }, headers: [{ h: 'hi' }] });
    // The key is JSON-deserialized only with a key config; without, Powertools hands back its text.
    expect(result.key).toBe('k999');
    expect(result.turns).toBeLessThan(20);
    expect(result.keys).toEqual([
      'topic',
      'partition',
      'offset',
      'timestamp',
      'timestampType',
      'originalKey',
      'originalValue',
      'originalHeaders',
      'valueSchemaMetadata',
      'keySchemaMetadata',
      'key',
      'value',
      'headers',
    ]);
    expect(result.sameShape).toBe(true);
  });
});
