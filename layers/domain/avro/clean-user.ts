/** users.clean values: a CleanUser encodes as is, its field names being the created_users columns. */
import type { Type } from 'avsc';
import { recordType, type AvroRecordSchema } from './logical-types';
import cleanUserSchemaJson from './clean-user.avsc.json';

export const cleanUserSchema = cleanUserSchemaJson as AvroRecordSchema;
export const cleanUserType: Type = recordType(cleanUserSchema);
