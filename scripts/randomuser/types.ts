/**
 * What the local server adds to the randomuser.me v1.4 types of layers/domain/randomuser.ts: the
 * nationalities it serves and the `inc`/`exc`/`noinfo` shapes of a response. The generator builds
 * users in the domain interfaces' key order, so serialized bodies match the real field order.
 */
import type { RandomUser, RandomUserInfo } from '../../layers/domain/randomuser';

/** The nationalities v1.4 serves, in the order the real generator indexes them (its data folders). */
export const NAT_CODES = [
  'AU',
  'BR',
  'CA',
  'CH',
  'DE',
  'DK',
  'ES',
  'FI',
  'FR',
  'GB',
  'IE',
  'IN',
  'IR',
  'MX',
  'NL',
  'NO',
  'NZ',
  'RS',
  'TR',
  'UA',
  'US',
] as const;

export type NatCode = (typeof NAT_CODES)[number];

export type UserField = keyof RandomUser;

/** Field names as `inc`/`exc` accept them, in the order a user object carries them. */
export const USER_FIELDS: readonly UserField[] = ['gender', 'name', 'location', 'email', 'login', 'dob', 'registered', 'phone', 'cell', 'id', 'picture', 'nat'];

/** A user after `inc`/`exc`: any subset of the fields, still in canonical order. */
export type PartialUser = Partial<RandomUser>;

/** The body the server sends: users after `inc`/`exc`, and no `info` when the request carried `noinfo`. */
export interface ServedResponse {
  results: PartialUser[];
  info?: RandomUserInfo;
}

export const API_VERSION = '1.4' as const;
