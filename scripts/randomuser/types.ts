/**
 * The randomuser.me v1.4 response shape, as the real API serves it (key order included: the
 * generator builds objects in this order so serialized bodies match the real field order).
 */

/** The nationalities v1.4 serves, in the order the real generator indexes them (its data folders). */
export const NAT_CODES = [
  'AU', 'BR', 'CA', 'CH', 'DE', 'DK', 'ES', 'FI', 'FR', 'GB', 'IE',
  'IN', 'IR', 'MX', 'NL', 'NO', 'NZ', 'RS', 'TR', 'UA', 'US',
] as const;

export type NatCode = (typeof NAT_CODES)[number];

export type Gender = 'male' | 'female';

export interface UserName {
  title: string;
  first: string;
  last: string;
}

export interface UserLocation {
  street: { number: number; name: string };
  city: string;
  state: string;
  country: string;
  /** A number for most nationalities, a string where the format has letters or leading zeros (CA, GB, NL, NO). */
  postcode: number | string;
  /** Decimal degrees with 4 decimals, as strings. */
  coordinates: { latitude: string; longitude: string };
  timezone: { offset: string; description: string };
}

export interface UserLogin {
  uuid: string;
  username: string;
  password: string;
  salt: string;
  md5: string;
  sha1: string;
  sha256: string;
}

export interface DatedAge {
  /** ISO 8601 with milliseconds and Z. */
  date: string;
  age: number;
}

export interface UserId {
  name: string;
  /** null (with name "") for nationalities the real API has no id for. */
  value: string | null;
}

export interface UserPicture {
  large: string;
  medium: string;
  thumbnail: string;
}

export interface RandomUser {
  gender: Gender;
  name: UserName;
  location: UserLocation;
  email: string;
  login: UserLogin;
  dob: DatedAge;
  registered: DatedAge;
  phone: string;
  cell: string;
  id: UserId;
  picture: UserPicture;
  nat: NatCode;
}

export type UserField = keyof RandomUser;

/** Field names as `inc`/`exc` accept them, in the order a user object carries them. */
export const USER_FIELDS: readonly UserField[] = [
  'gender', 'name', 'location', 'email', 'login', 'dob', 'registered',
  'phone', 'cell', 'id', 'picture', 'nat',
];

/** A user after `inc`/`exc`: any subset of the fields, still in canonical order. */
export type PartialUser = Partial<RandomUser>;

export interface ResponseInfo {
  seed: string;
  results: number;
  page: number;
  version: '1.4';
}

export interface RandomUserResponse {
  results: PartialUser[];
  /** Absent when the request carried `noinfo`. */
  info?: ResponseInfo;
}

export const API_VERSION = '1.4' as const;
