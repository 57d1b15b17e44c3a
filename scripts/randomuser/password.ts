/**
 * login.password: a word from a common-passwords list, or, with the `password` parameter
 * ("charsets,length" e.g. "upper,lower,number,8-16"), random characters the way the real API
 * builds them (unknown charsets ignored, bad lengths fall back to 8..64).
 */
import type { SeededRandom } from './prng';

/** Sample of the real list (entries are at most 8 characters: longer words were cut there). */
export const COMMON_PASSWORDS: readonly string[] = [
  'addison',
  'woodie',
  'reginald',
  'a1b2c3d4',
  'tobias',
  'thumb',
  '1957',
  'enters',
  'casper',
  'antonio',
  'phish1',
  'sanford',
  'sheriff',
  'chrysler',
  'mondeo',
  'starwars',
  'james',
  'polopolo',
  '12121212',
  'monica',
  'spanish',
  'smackdow',
  'thunderb',
  'starcraf',
  'carnage',
  'chicago1',
  'softail',
  'corleone',
  'maserati',
  '1947',
  'longer',
  'circus',
  'cccc',
  'marble',
  'moose',
  'ultimate',
  'honor',
  'bamboo',
  'macman',
  'emilio',
  '1225',
  'indon',
  'video',
  'sucker',
  'michael',
  'virginie',
  'chantal',
  'reeves',
  'exodus',
  'cardinal',
  'bear1',
  'february',
  'susan1',
  'soccer',
  'visual',
  'sammy1',
  'pants',
  'moto',
  'wishbone',
  'robins',
  'forgot',
  'leigh',
  'mandrake',
  'tupac',
  'redleg',
  'clyde',
  'maker',
  'tight',
  'ventura',
  'erin',
  'novifarm',
  'oooo',
  'sidney',
  '646464',
  'beavis1',
  'cowboys',
  'goldfish',
  'ironman',
  'vsegda',
  'angel',
];

const CHARSETS: Record<string, string> = {
  special: ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  number: '0123456789',
};

/** `spec` is the raw `password` query value, or undefined when absent. */
export function generatePassword(r: SeededRandom, spec: string | undefined): string {
  if (spec === undefined || spec.length === 0) return r.pick(COMMON_PASSWORDS);
  const parts = spec.split(',');
  const sets = [...new Set(parts.filter((p) => p in CHARSETS))];
  if (sets.length === 0) return r.pick(COMMON_PASSWORDS);
  const alphabet = sets.map((s) => CHARSETS[s]).join('');

  const lengthPart = parts[parts.length - 1] ?? '';
  let min: number;
  let max: number;
  if (lengthPart.includes('-')) {
    const bounds = lengthPart.split('-').map(Number);
    min = Math.min(...bounds);
    max = Math.max(...bounds);
  } else {
    min = Number(lengthPart);
    max = min;
  }
  if (Number.isNaN(min) || min < 1 || min > 64) min = 8;
  if (Number.isNaN(max) || max < 1 || max > 64 || max < min) max = 64;
  return r.chars(alphabet, r.int(min, max));
}
