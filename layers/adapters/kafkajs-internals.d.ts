/** kafkajs' own SCRAM-SHA-512 exchange (not exported), which kafka-auth.ts runs with credentials read per connection. */
declare module 'kafkajs/src/broker/saslAuthenticator/scram512' {
  import type { AuthenticationProviderArgs } from 'kafkajs';
  const scram512: (sasl: {
    mechanism: 'scram-sha-512';
    username: string;
    password: string;
  }) => (args: AuthenticationProviderArgs) => { authenticate(): Promise<void> };
  export default scram512;
}
