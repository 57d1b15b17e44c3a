/**
 * patches/@aws-lambda-powertools+kafka+2.35.0.patch: the JSON and primitive deserializers decode a
 * value's base64 into one scratch buffer reused for every record (found in the pipeline bench's
 * CPU profile: a Buffer per value made Node allocate a new 8 KiB pool every few records). Run on
 * both builds against what Powertools did before (fromBase64, then TextDecoder): the same string,
 * or the same error, for every short base64 string, every place of a stray character, random bytes
 * (invalid UTF-8 and byte order marks among them), and values that outgrow the scratch buffer;
 * and no Buffer made per value.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
const DESERIALIZER = (build: string): string => path.join(ROOT, 'node_modules/@aws-lambda-powertools/kafka/lib', build, 'deserializer/primitive.js');

// Compares the patched deserialize with fromBase64 + TextDecoder; prints what it checked and the first disagreements.
const SCRIPT = `
const { fromBase64 } = require('@aws-lambda-powertools/commons/utils/base64');
const { randomBytes } = require('node:crypto');
const decoder = new TextDecoder('utf-8');
const before = (data) => decoder.decode(fromBase64(data, 'base64'));
const outcome = (f, data) => { try { return 'ok:' + f(data); } catch (e) { return e.constructor.name + ':' + e.message; } };
module.exports = (deserialize) => {
  const inputs = [];
  const alphabet = ['A', 'z', '0', '+', '/', '=', '-', '_', ' ', '\\n', 'é', '*'];
  const all = (prefix, n) => { if (n === 0) { inputs.push(prefix); return; } for (const c of alphabet) all(prefix + c, n - 1); };
  for (let n = 0; n <= 4; n++) all('', n);
  for (const padding of ['', '=', '==', '===']) {
    const base = 'Ab+/09zYx1Qw'.slice(0, 12 - padding.length) + padding;
    for (let i = 0; i < base.length; i++) for (const c of alphabet) inputs.push(base.slice(0, i) + c + base.slice(i + 1));
  }
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  for (let i = 0; i < 3000; i++) {
    const bytes = randomBytes(i % 97);
    inputs.push((i % 5 === 0 ? Buffer.concat([bom, bytes]) : bytes).toString('base64'));
    inputs.push(Buffer.from(JSON.stringify({ i, city: 'Zürich', note: bytes.toString('latin1') })).toString('base64'));
  }
  // Past the 64 KiB scratch buffer, past its 1 MiB limit, and small ones after each.
  for (const size of [70_000, 2_000_000, 10, 1_048_573, 1_048_574, 5]) inputs.push(Buffer.from('é'.repeat(size / 2) + 'x'.repeat(size % 2)).toString('base64'));
  const results = inputs.map((data) => outcome(deserialize, data));
  const differ = [];
  inputs.forEach((data, i) => { const expected = outcome(before, data); if (results[i] !== expected) differ.push({ data: data.slice(0, 40), got: results[i].slice(0, 60), expected: expected.slice(0, 60) }); });
  // The patch is in effect: 1,000 small values decoded without a Buffer of their own.
  const from = Buffer.from;
  let buffers = 0;
  Buffer.from = (...a) => { buffers++; return from.apply(Buffer, a); };
  const value = from(JSON.stringify({ city: 'Zürich' })).toString('base64');
  for (let i = 0; i < 1000; i++) deserialize(value);
  Buffer.from = from;
  return { checked: inputs.length, refused: results.filter((r) => !r.startsWith('ok:')).length, differ: differ.slice(0, 5), buffers };
};
`;

const builds: [string, string[], string][] = [
  ['the ES module build (the bundles)', ['--input-type=module', '-e'], `import { deserialize } from '${DESERIALIZER('esm')}';`],
  ['the CommonJS build', ['-e'], `const { deserialize } = require('${DESERIALIZER('cjs')}');`],
];

describe("Powertools' Kafka deserializer, patched", () => {
  it.each(builds)('%s: the same strings and the same errors as fromBase64 and TextDecoder', async (_name, args, load) => {
    const compare = `${load}
import('node:module').then(({ createRequire }) => {
  const require = createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))});
  const m = { exports: {} };
  new Function('module', 'require', ${JSON.stringify(SCRIPT)})(m, require);
  process.stdout.write(JSON.stringify(m.exports(deserialize)));
});`;
    const { stdout } = await promisify(execFile)(process.execPath, [...args, compare], { cwd: ROOT, timeout: 60_000, maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout) as { checked: number; refused: number; differ: unknown[]; buffers: number };
    expect(result.differ).toEqual([]);
    expect(result.checked).toBeGreaterThan(26_000);
    // Both kinds were compared: values read and values refused.
    expect(result.refused).toBeGreaterThan(1_000);
    expect(result.checked - result.refused).toBeGreaterThan(6_000);
    expect(result.buffers).toBe(0);
  });
});
