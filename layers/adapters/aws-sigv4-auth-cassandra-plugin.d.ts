/** The package ships no types: its SigV4 signature of Keyspaces' challenge (the nonce) with given credentials. */
declare module 'aws-sigv4-auth-cassandra-plugin/lib/sigv4-auth-signature' {
  export function computeSigV4SignatureCassandraRequest(request: {
    region: string;
    nonce: string;
    date: Date;
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  }): string;
}
