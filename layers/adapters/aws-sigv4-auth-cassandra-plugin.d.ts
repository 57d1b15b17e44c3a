/** The package ships no types: an AuthProvider signing Keyspaces' challenge with the default AWS credentials. */
declare module 'aws-sigv4-auth-cassandra-plugin' {
  import type { auth } from 'cassandra-driver';
  export class SigV4AuthProvider implements auth.AuthProvider {
    constructor(options: { region: string; accessKeyId?: string; secretAccessKey?: string; sessionToken?: string });
    newAuthenticator(endpoint: string, name: string): auth.Authenticator;
  }
}
