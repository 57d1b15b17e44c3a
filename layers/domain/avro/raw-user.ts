/**
 * users.raw values. The payload is the full randomuser record as nested Avro records rather than a
 * JSON string: consumers (transform, Spark, anyone reading the topic) get a typed, evolvable shape
 * from the registry instead of re-parsing and re-validating text. The raw record stays raw: field
 * for field as the API sent it (postcode string or long, id.value nullable, dates as ISO strings).
 */
import type { Type } from 'avsc';
import type { z } from 'zod';
import type { RandomUser } from '../randomuser';
import { recordType, type AvroRecordSchema } from './logical-types';
import { mappingJsonSchema } from './mapping-json';
import rawUserSchemaJson from './raw-user.avsc.json';

export const rawUserSchema = rawUserSchemaJson as AvroRecordSchema;
export const rawUserType: Type = recordType(rawUserSchema);

/** Where and when a raw user was fetched; travels beside the payload. */
export interface RawUserMeta {
  batch_id: string;
  fetched_at: Date;
  source: string;
}

/** A users.raw value as rawUserType encodes and decodes it. */
export interface RawUserRecord extends RawUserMeta {
  id: string;
  payload: RandomUser;
}

/** A users.raw value as the event source mapping delivers it (JSON), read into a RawUserRecord. */
export const rawUserJson = mappingJsonSchema(rawUserSchema) as z.ZodType<RawUserRecord>;

export function toRawAvro(user: RandomUser, meta: RawUserMeta): RawUserRecord {
  return { id: user.login.uuid, fetched_at: meta.fetched_at, batch_id: meta.batch_id, source: meta.source, payload: user };
}

/** Splits a decoded users.raw value; the user is still to be checked by toCleanUser. */
export function fromRawAvro(record: RawUserRecord): { id: string; user: RandomUser; meta: RawUserMeta } {
  return {
    id: record.id,
    user: record.payload,
    meta: { batch_id: record.batch_id, fetched_at: record.fetched_at, source: record.source },
  };
}
