/**
 * The pg client the pool makes: before each connection it takes the user and password from their
 * secret (so a rotated secret, RDS's alternating users included, reaches the next connection), and
 * a refused connection becomes an error that says why (layers/adapters/access.ts).
 */
import { Client } from 'pg';
import { readCredentials } from '../secrets';
import { describeAccessFailure, ServiceAccessError } from './access';

type Callback = ((err: Error) => void) | ((err: null, client: Client) => void);

/** pg keeps what the startup message and the password exchange send here. */
interface ConnectionParameters {
  user: string;
  password: string | null;
}

export function postgresClientClass(credentials: string | undefined): typeof Client {
  // After a refusal the secret may have been rotated: the next connection reads it afresh.
  let forceFetch = false;
  return class SecretClient extends Client {
    override connect(): Promise<Client>;
    override connect(callback: Callback): void;
    override connect(callback?: Callback): Promise<Client> | undefined {
      const described = this.withCredentials()
        .then(() => super.connect())
        .catch((err: unknown) => {
          const refusal = describeAccessFailure('postgres', err);
          forceFetch = refusal instanceof ServiceAccessError && refusal.reason === 'authentication failed';
          return Promise.reject(refusal);
        });
      if (!callback) return described;
      described.then(
        (client) => (callback as (err: null, client: Client) => void)(null, client),
        (err: Error) => (callback as (err: Error) => void)(err),
      );
      return undefined;
    }

    private async withCredentials(): Promise<void> {
      if (!credentials) return;
      const { username, password } = await readCredentials(credentials, { forceFetch });
      const parameters = (this as unknown as { connectionParameters: ConnectionParameters }).connectionParameters;
      parameters.user = username;
      parameters.password = password;
      Object.assign(this, { user: username, password });
    }
  };
}
