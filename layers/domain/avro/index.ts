/** Avro for the pipeline's topics: users.raw (RawUser) and users.clean (CleanUser). */
export { avroTypeOptions, recordType, TimestampMillisType, UuidType } from './logical-types';
export type { AvroRecordSchema, AvroSchema } from './logical-types';
export { mappingJsonSchema } from './mapping-json';
export { rawUserJson, rawUserSchema, rawUserType, toRawAvro, fromRawAvro } from './raw-user';
export type { RawUserMeta, RawUserRecord } from './raw-user';
export { cleanUserJson, cleanUserSchema, cleanUserType } from './clean-user';
