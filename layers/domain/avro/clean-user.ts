/** users.clean values: a CleanUser encodes as is, its field names being the created_users columns. */
import type { Type } from 'avsc';
import type { z } from 'zod';
import type { CleanUser } from '../transform';
import cleanUserSchemaJson from './clean-user.avsc.json';
import { recordType, type AvroRecordSchema } from './logical-types';
import { mappingJsonSchema } from './mapping-json';

export const cleanUserSchema = cleanUserSchemaJson as AvroRecordSchema;
export const cleanUserType: Type = recordType(cleanUserSchema);
/** A users.clean value as the event source mapping delivers it (JSON), read into a CleanUser. */
export const cleanUserJson = mappingJsonSchema(cleanUserSchema) as z.ZodType<CleanUser>;
