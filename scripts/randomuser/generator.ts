/**
 * Pure user generation: (seed, page, filters) -> RandomUser[]. No I/O, no clock except the `now`
 * it is given (ages are relative to it, as the real API's are to its own clock).
 *
 * One random stream per (seed, page), consumed user after user: the same seed and page always
 * give the same users (uuid included), and a larger `results` only appends users. Every field is
 * always drawn, so `inc`/`exc` (applied later in response.ts) never change the values shown.
 */
import { hash } from 'node:crypto';
import type { Gender, RandomUser } from '../../layers/domain/randomuser';
import { COMMON_FEMALE_TITLES, COMMON_MALE_TITLE, NATIONALITIES } from './nationalities';
import { generatePassword } from './password';
import { ALPHANUMERIC, SeededRandom } from './prng';
import { emailFor } from './transliterate';
import { NAT_CODES, type NatCode } from './types';

export interface GenerateRequest {
  results: number;
  /** The seed as requested (or as drawn for an unseeded request). */
  seed: string;
  page: number;
  /** Nationalities to draw from; null for all of them. */
  nats: readonly NatCode[] | null;
  /** null draws both genders. */
  gender: Gender | null;
  /** Raw `password` parameter, if any. */
  password?: string;
  /** The clock ages are computed against. */
  now: Date;
  /** Base of picture URLs; the real API's by default. */
  pictureBaseUrl?: string;
}

/** The real generator's fixed reference time (2022-05-23): date ranges end here, whatever today is. */
export const GENERATOR_EPOCH_MS = 1653344189000;
const DOB_MIN_MS = -800000000000;
const DOB_MAX_MS = GENERATOR_EPOCH_MS - 86400000 * 365 * 21;
const REGISTERED_MIN_MS = 1016688461000;

export const DEFAULT_PICTURE_BASE_URL = 'https://randomuser.me/api/';

const TIMEZONES: readonly { offset: string; description: string }[] = [
  { offset: '-12:00', description: 'Eniwetok, Kwajalein' },
  { offset: '-11:00', description: 'Midway Island, Samoa' },
  { offset: '-10:00', description: 'Hawaii' },
  { offset: '-9:00', description: 'Alaska' },
  { offset: '-8:00', description: 'Pacific Time (US & Canada)' },
  { offset: '-7:00', description: 'Mountain Time (US & Canada)' },
  { offset: '-6:00', description: 'Central Time (US & Canada), Mexico City' },
  { offset: '-5:00', description: 'Eastern Time (US & Canada), Bogota, Lima' },
  { offset: '-4:00', description: 'Atlantic Time (Canada), Caracas, La Paz' },
  { offset: '-3:30', description: 'Newfoundland' },
  { offset: '-3:00', description: 'Brazil, Buenos Aires, Georgetown' },
  { offset: '-2:00', description: 'Mid-Atlantic' },
  { offset: '-1:00', description: 'Azores, Cape Verde Islands' },
  { offset: '0:00', description: 'Western Europe Time, London, Lisbon, Casablanca' },
  { offset: '+1:00', description: 'Brussels, Copenhagen, Madrid, Paris' },
  { offset: '+2:00', description: 'Kaliningrad, South Africa' },
  { offset: '+3:00', description: 'Baghdad, Riyadh, Moscow, St. Petersburg' },
  { offset: '+3:30', description: 'Tehran' },
  { offset: '+4:00', description: 'Abu Dhabi, Muscat, Baku, Tbilisi' },
  { offset: '+4:30', description: 'Kabul' },
  { offset: '+5:00', description: 'Ekaterinburg, Islamabad, Karachi, Tashkent' },
  { offset: '+5:30', description: 'Bombay, Calcutta, Madras, New Delhi' },
  { offset: '+5:45', description: 'Kathmandu' },
  { offset: '+6:00', description: 'Almaty, Dhaka, Colombo' },
  { offset: '+7:00', description: 'Bangkok, Hanoi, Jakarta' },
  { offset: '+8:00', description: 'Beijing, Perth, Singapore, Hong Kong' },
  { offset: '+9:00', description: 'Tokyo, Seoul, Osaka, Sapporo, Yakutsk' },
  { offset: '+9:30', description: 'Adelaide, Darwin' },
  { offset: '+10:00', description: 'Eastern Australia, Guam, Vladivostok' },
  { offset: '+11:00', description: 'Magadan, Solomon Islands, New Caledonia' },
  { offset: '+12:00', description: 'Auckland, Wellington, Fiji, Kamchatka' },
];

const USERNAME_ADJECTIVES = [
  'angry',
  'beautiful',
  'big',
  'black',
  'blue',
  'brown',
  'crazy',
  'golden',
  'green',
  'happy',
  'heavy',
  'lazy',
  'orange',
  'organic',
  'purple',
  'red',
  'sad',
  'silver',
  'small',
  'ticklish',
  'tiny',
  'white',
  'yellow',
];
const USERNAME_ANIMALS = [
  'bear',
  'bird',
  'butterfly',
  'cat',
  'dog',
  'duck',
  'elephant',
  'fish',
  'frog',
  'goose',
  'gorilla',
  'koala',
  'ladybug',
  'leopard',
  'lion',
  'meercat',
  'mouse',
  'ostrich',
  'panda',
  'peacock',
  'rabbit',
  'snake',
  'swan',
  'tiger',
  'wolf',
  'zebra',
];

/**
 * The string the random stream is keyed on, derived like the real API: an 18-character seed
 * loses its 2-character nationality suffix, and pages other than 1 are appended as text, so
 * (seed "abc", page 2) and (seed "abc2", page 1) give the same users, there as here.
 */
export function streamKey(seed: string, page: number): string {
  const base = seed.length === 18 ? seed.slice(0, 16) : seed;
  return page !== 1 ? base + String(page) : base;
}

export function generateUsers(request: GenerateRequest): RandomUser[] {
  const r = new SeededRandom(streamKey(request.seed, request.page));
  const users: RandomUser[] = new Array(request.results);
  for (let i = 0; i < request.results; i++) users[i] = generateUser(r, request);
  return users;
}

function generateUser(r: SeededRandom, request: GenerateRequest): RandomUser {
  const pool = request.nats && request.nats.length > 0 ? request.nats : NAT_CODES;
  const natCode = r.pick(pool);
  const nat = NATIONALITIES[natCode];

  const gender: Gender = request.gender ?? (r.int(0, 1) === 0 ? 'male' : 'female');
  const first = r.pick(gender === 'male' ? nat.maleFirst : nat.femaleFirst);
  const last = r.pick(nat.last);
  const title = nat.title ? nat.title(gender, r) : gender === 'male' ? COMMON_MALE_TITLE : r.pick(COMMON_FEMALE_TITLES);

  const streetNumber = r.int(1, 9999);
  const streetName = r.pick(nat.streets);
  const city = r.pick(nat.cities);
  const state = r.pick(nat.states);
  const postcode = nat.postcode(r);
  const latitude = (r.float() * 180 - 90).toFixed(4);
  const longitude = (r.float() * 360 - 180).toFixed(4);
  const timezone = r.pick(TIMEZONES);

  const username = `${r.pick(USERNAME_ADJECTIVES)}${r.pick(USERNAME_ANIMALS)}${r.int(100, 999)}`;
  const password = generatePassword(r, request.password);
  const salt = r.chars(ALPHANUMERIC, 8);
  const uuid = r.uuid();

  const dob = new Date(r.int(DOB_MIN_MS, DOB_MAX_MS));
  const registered = new Date(r.int(REGISTERED_MIN_MS, GENERATOR_EPOCH_MS));
  const portrait = gender === 'male' ? r.int(0, 99) : r.int(0, 96);

  const phone = nat.phone(r);
  const cell = nat.cell(r);
  const id = nat.id(r, { gender, last, dob });

  const salted = password + salt;
  const base = request.pictureBaseUrl ?? DEFAULT_PICTURE_BASE_URL;
  const folder = gender === 'male' ? 'men' : 'women';

  return {
    gender,
    name: { title, first, last },
    location: {
      street: { number: streetNumber, name: streetName },
      city,
      state,
      country: nat.country,
      postcode,
      coordinates: { latitude, longitude },
      timezone: { offset: timezone.offset, description: timezone.description },
    },
    email: emailFor(first, last),
    login: {
      uuid,
      username,
      password,
      salt,
      md5: hash('md5', salted, 'hex'),
      sha1: hash('sha1', salted, 'hex'),
      sha256: hash('sha256', salted, 'hex'),
    },
    dob: { date: dob.toISOString(), age: fullYearsBetween(dob, request.now) },
    registered: { date: registered.toISOString(), age: fullYearsBetween(registered, request.now) },
    phone,
    cell,
    id,
    picture: {
      large: `${base}portraits/${folder}/${portrait}.jpg`,
      medium: `${base}portraits/med/${folder}/${portrait}.jpg`,
      thumbnail: `${base}portraits/thumb/${folder}/${portrait}.jpg`,
    },
    nat: natCode,
  };
}

/** Completed years from `from` to `to` (UTC), like dayjs().diff(date, 'years'). */
export function fullYearsBetween(from: Date, to: Date): number {
  let years = to.getUTCFullYear() - from.getUTCFullYear();
  const anniversary = Date.UTC(
    from.getUTCFullYear() + years,
    from.getUTCMonth(),
    from.getUTCDate(),
    from.getUTCHours(),
    from.getUTCMinutes(),
    from.getUTCSeconds(),
    from.getUTCMilliseconds(),
  );
  if (anniversary > to.getTime()) years--;
  return years;
}
