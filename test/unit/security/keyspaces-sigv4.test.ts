/**
 * Keyspaces' SigV4 exchange answers as aws-sigv4-auth-cassandra-plugin's own SigV4Authenticator does
 * for the same challenge, time and credentials (here the SDK's default chain reads them from the
 * environment, as a role's would be read on Lambda).
 */
import type { auth } from 'cassandra-driver';
import { cassandraAuthProvider } from '../../../layers/adapters/cassandra-auth';

const CREDENTIALS = { accessKeyId: 'UserID-1', secretAccessKey: 'UserSecretKey-1', sessionToken: 'SessionToken-1' };
const CHALLENGE = Buffer.from('nonce=91703fdc2ef562e19fbdab0f58e42fe5,');
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
  });
});
afterAll(() => {
  process.env = saved;
});

const respond = (authenticator: auth.Authenticator, challenge: Buffer): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) =>
    authenticator.evaluateChallenge(challenge, (err: Error | null, response?: Buffer) => (err ? reject(err) : resolve(response))),
  );

/** The plugin's authenticator (it loads the AWS SDK v2; the pipeline no longer does) with a chain that resolves to the same credentials. */
function pluginAuthenticator(date: Date): auth.Authenticator {
  const { SigV4Authenticator } = require('aws-sigv4-auth-cassandra-plugin') as {
    SigV4Authenticator: new (options: { region: string; chain: { resolvePromise(): Promise<typeof CREDENTIALS> }; date: Date }) => auth.Authenticator;
  };
  return new SigV4Authenticator({ region: 'eu-west-1', chain: { resolvePromise: async () => CREDENTIALS }, date });
}

describe("Keyspaces' SigV4 authentication", () => {
  const authenticator = (cassandraAuthProvider({ mechanism: 'sigv4', region: 'eu-west-1' }) as auth.AuthProvider).newAuthenticator(
    '127.0.0.1:9142',
    'Keyspaces',
  );

  it('asks for SigV4 first', async () => {
    const initial = await new Promise<Buffer | undefined>((resolve) =>
      authenticator.initialResponse((_err: Error | null, response?: Buffer) => resolve(response)),
    );
    expect(initial?.toString('utf8')).toBe('SigV4\0\0');
  });

  it("signs the challenge's nonce with the default chain's credentials exactly as the plugin does", async () => {
    const response = (await respond(authenticator, CHALLENGE))?.toString('utf8') ?? '';
    expect(response).toMatch(/^signature=[0-9a-f]{64},access_key=UserID-1,amzdate=\S+,session_token=SessionToken-1$/);
    const date = new Date(/amzdate=([^,]+)/.exec(response)?.[1] ?? '');
    expect((await respond(pluginAuthenticator(date), CHALLENGE))?.toString('utf8')).toBe(response);
  });

  it('refuses a challenge without a nonce, as the plugin does', async () => {
    await expect(respond(authenticator, Buffer.from('no nonce here'))).rejects.toThrow(/SIGV4_MISSING_NONCE/);
  });
});
