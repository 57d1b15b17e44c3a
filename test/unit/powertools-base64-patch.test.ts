/**
 * patches/@aws-lambda-powertools+commons+2.35.0.patch checks base64 without an anchored regular
 * expression (found in the pipeline bench's CPU profile: Powertools' Kafka consumer checks every
 * value): decoded first, a value is valid when it decoded to exactly its length's bytes and holds no
 * base64url character; other encodings get a scan for a character outside the alphabet. These pin
 * down that fromBase64 accepts and refuses exactly what the expression it replaces did.
 */
import { randomBytes } from 'node:crypto';
import { fromBase64 } from '@aws-lambda-powertools/commons/utils/base64';

/** What Powertools 2.35.0 accepted: a length divisible by 4, then this expression. */
const ORIGINAL = /^[A-Za-z0-9+/]*={0,2}$/;
const acceptedBefore = (input: string): boolean => (input.length * 3) % 4 === 0 && ORIGINAL.test(input);

const acceptsAs = (input: string, encoding: BufferEncoding | undefined): boolean => {
  try {
    fromBase64(input, encoding);
    return true;
  } catch {
    return false;
  }
};
/** The same answer whether the value is decoded as base64 (checked by its decoded length) or not (scanned). */
const accepts = (input: string): boolean => {
  const decoded = acceptsAs(input, 'base64');
  if (acceptsAs(input, undefined) !== decoded) throw new Error(`${JSON.stringify(input)}: the base64 and the other path disagree`);
  return decoded;
};

/** Deterministic strings from a small alphabet: every place of '=' and of a stray character gets tried. */
function* candidates(): Generator<string> {
  const alphabet = ['A', 'z', '0', '+', '/', '=', '-', '_', ' ', '\n', 'é', '*'];
  for (let length = 0; length <= 8; length++) {
    if (length > 5) {
      // Longer ones: the valid shapes with one character changed at each place.
      for (const padding of ['', '=', '==', '===']) {
        const base = 'Ab+/09zY'.slice(0, length - padding.length) + padding;
        for (let i = 0; i < base.length; i++) for (const c of alphabet) yield base.slice(0, i) + c + base.slice(i + 1);
      }
      continue;
    }
    const indices = new Array<number>(length).fill(0);
    for (;;) {
      yield indices.map((i) => alphabet[i]).join('');
      let position = length - 1;
      while (position >= 0 && indices[position] === alphabet.length - 1) indices[position--] = 0;
      if (position < 0) break;
      indices[position] = (indices[position] as number) + 1;
    }
  }
}

describe('Powertools fromBase64 as patched', () => {
  it('accepts and refuses what the original expression did, for every short string and every place of a stray character', () => {
    let checked = 0;
    for (const input of candidates()) {
      if (accepts(input) !== acceptedBefore(input)) throw new Error(`${JSON.stringify(input)}: ${accepts(input)} now, ${acceptedBefore(input)} before`);
      checked++;
    }
    expect(checked).toBeGreaterThan(270_000);
  });

  it('decodes real values of every padding as before', () => {
    for (const size of [0, 1, 2, 3, 100, 1000, 1001, 1002]) {
      const bytes = randomBytes(size);
      const encoded = bytes.toString('base64');
      expect(Buffer.from(fromBase64(encoded, 'base64'))).toEqual(bytes);
      expect(acceptedBefore(encoded)).toBe(true);
    }
    expect(() => fromBase64(`${randomBytes(30).toString('base64')}!`, 'base64')).toThrow('Incorrect padding');
    expect(() => fromBase64(`${randomBytes(30).toString('base64').slice(0, 39)}!`, 'base64')).toThrow('Invalid base64 string.');
  });
});
