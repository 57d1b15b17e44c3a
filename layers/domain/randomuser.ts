/**
 * The randomuser.me v1.4 response, as the API serves it. These types describe a record only after
 * layers/domain/validate.ts has checked it; a body straight off the wire is `unknown`.
 */

export type Gender = 'male' | 'female';

export interface RandomUserName {
  title: string;
  first: string;
  last: string;
}

export interface RandomUserStreet {
  number: number;
  name: string;
}

export interface RandomUserCoordinates {
  /** Decimal degrees as a string ("-69.8246"), as the API sends them. */
  latitude: string;
  longitude: string;
}

export interface RandomUserTimezone {
  /** "+9:30", "-3:00", "0:00". */
  offset: string;
  description: string;
}

export interface RandomUserLocation {
  street: RandomUserStreet;
  city: string;
  state: string;
  country: string;
  /** A number for some nationalities (US, DE, ...), a string for others (GB, CA, NL, ...). */
  postcode: number | string;
  coordinates: RandomUserCoordinates;
  timezone: RandomUserTimezone;
}

export interface RandomUserLogin {
  /** The natural key of a user everywhere in the pipeline (raw_users, Kafka key, created_users). */
  uuid: string;
  username: string;
  password: string;
  salt: string;
  md5: string;
  sha1: string;
  sha256: string;
}

/** `dob` and `registered` share this shape. */
export interface RandomUserDatedAge {
  /** ISO 8601 ("1992-03-08T15:13:16.688Z"). */
  date: string;
  age: number;
}

/** A national id document; `value` is null (and `name` "") for nationalities without one. */
export interface RandomUserNationalId {
  name: string;
  value: string | null;
}

export interface RandomUserPicture {
  large: string;
  medium: string;
  thumbnail: string;
}

export interface RandomUser {
  gender: Gender;
  name: RandomUserName;
  location: RandomUserLocation;
  email: string;
  login: RandomUserLogin;
  dob: RandomUserDatedAge;
  registered: RandomUserDatedAge;
  phone: string;
  cell: string;
  id: RandomUserNationalId;
  picture: RandomUserPicture;
  /** Two-letter nationality code ("US", "UA", "IR", ...). */
  nat: string;
}

export interface RandomUserInfo {
  seed: string;
  results: number;
  page: number;
  version: string;
}

export interface RandomUserResponse {
  results: RandomUser[];
  info: RandomUserInfo;
}

/** What the API sends instead of a response when it fails ("Uh oh, something has gone wrong..."). */
export interface RandomUserErrorBody {
  error: string;
}
