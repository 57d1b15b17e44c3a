/**
 * users.raw -> users.clean: the seeds' format_data done right. The id is login.uuid (the seeds drew
 * a random uuid4, so every replay made a new user), dob is kept, the postcode is always a string and
 * both dates are timestamps. Field names are the columns of Cassandra tributary.created_users.
 */
import type { Gender, RandomUser, RandomUserLocation } from './randomuser';

export interface CleanUser {
  /** login.uuid, lower-case: the natural key, so every write downstream is an upsert. */
  id: string;
  first_name: string;
  last_name: string;
  gender: Gender;
  /** "number street, city, state, country". */
  address: string;
  /** Always a string: the API sends numbers for some nationalities and strings for others. */
  post_code: string;
  email: string;
  username: string;
  dob: Date;
  registered_date: Date;
  phone: string;
  /** The medium-size picture URL. */
  picture: string;
  nat: string;
}

export function formatAddress(location: RandomUserLocation): string {
  const { street, city, state, country } = location;
  return `${street.number} ${street.name}, ${city}, ${state}, ${country}`;
}

/**
 * Flattens one raw user. Pure and deterministic. The user was validated (and normalised: the uuid
 * lower-cased) once, where it entered the pipeline (fetch); Avro decoding guarantees its types since.
 */
export function toCleanUser(user: RandomUser): CleanUser {
  return {
    id: user.login.uuid,
    first_name: user.name.first,
    last_name: user.name.last,
    gender: user.gender,
    address: formatAddress(user.location),
    post_code: String(user.location.postcode),
    email: user.email,
    username: user.login.username,
    dob: new Date(user.dob.date),
    registered_date: new Date(user.registered.date),
    phone: user.phone,
    picture: user.picture.medium,
    nat: user.nat,
  };
}
