/**
 * Kafka's SASL for the pipeline's clients: SCRAM-SHA-512 with credentials read from their secret at
 * each connection (so a rotated secret is used without a restart), or MSK IAM, where the function's
 * role signs a token that kafkajs sends as OAUTHBEARER. None: a broker that authenticates nobody.
 */
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import type { Mechanism, SASLOptions } from 'kafkajs';
import scram512 from 'kafkajs/src/broker/saslAuthenticator/scram512';
import type { KafkaAuth } from '../config';
import { readCredentials } from '../secrets';

export function kafkaSasl(auth: KafkaAuth | undefined): SASLOptions | Mechanism | undefined {
  if (!auth || auth.mechanism === 'none') return undefined;
  if (auth.mechanism === 'msk-iam') {
    const region = auth.region;
    return {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region })).token }),
    };
  }
  const reference = auth.credentials;
  // After a refusal the secret may have been rotated: the next attempt reads it afresh.
  let forceFetch = false;
  return {
    mechanism: 'scram-sha-512',
    authenticationProvider: (args) => ({
      async authenticate() {
        const { username, password } = await readCredentials(reference, { forceFetch });
        try {
          await scram512({ mechanism: 'scram-sha-512', username, password })(args).authenticate();
          forceFetch = false;
        } catch (err) {
          forceFetch = true;
          throw err;
        }
      },
    }),
  };
}
