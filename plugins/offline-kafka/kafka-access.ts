/**
 * kafkajs' `ssl` and `sasl` options for a mapping's access settings, read from their files when the
 * client is built (each reconnect reads them again, so a rotated password is picked up). As on AWS,
 * authentication implies TLS; a root CA replaces Node's own CAs.
 */
import type { SASLOptions } from 'kafkajs';
import type { KafkaAccess } from './mapping-access';
import { readCertificateFile, readCredentialsFile } from './secret-files';

export interface KafkaConnectionOptions {
  ssl?: { ca: string[] } | true;
  sasl?: SASLOptions;
}

export async function kafkaConnectionOptions(access: KafkaAccess): Promise<KafkaConnectionOptions> {
  const options: KafkaConnectionOptions = {};
  if (access.caFile) options.ssl = { ca: [await readCertificateFile(access.caFile)] };
  if (access.sasl) {
    const { username, password } = await readCredentialsFile(access.sasl.credentialsFile);
    options.ssl ??= true;
    options.sasl = { mechanism: access.sasl.mechanism, username, password } as SASLOptions;
  }
  return options;
}
