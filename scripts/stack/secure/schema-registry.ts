/**
 * The registry on the secure stack: HTTPS only (the JVM keystore), every path behind basic auth
 * (Quarkus' embedded users: the pipeline's one user, Apicurio's admin role), and its PostgreSQL
 * connection over verified TLS. What holds a password goes into an owner-only properties file that
 * Quarkus reads (quarkus.config.locations), not onto the command line or into the environment.
 */
import path from 'node:path';
import { topology } from '../../../layers/config';
import type { StackContext } from '../service';
import { secureMaterial, writeSecretFile } from './material';

type Properties = Record<string, string | number | boolean>;

/** `public` goes on the command line; `file` names the owner-only file with the rest. */
export async function secureRegistryProperties(ctx: StackContext): Promise<{ public: Properties; file: string }> {
  const material = await secureMaterial(ctx);
  const [client, database, keystore] = await Promise.all([
    material.credentials('registry-client'),
    material.credentials('postgres'),
    material.credentials('keystore'),
  ]);
  const { host, port } = ctx.config.postgres;
  const publicProps: Properties = {
    'quarkus.http.ssl-port': ctx.config.ports.schemaRegistry,
    'quarkus.http.insecure-requests': 'disabled',
    'quarkus.http.ssl.certificate.key-store-file': material.serverKeystore,
    'quarkus.http.ssl.certificate.key-store-file-type': 'PKCS12',
    // Its health/metrics interface (always on: fixed at Apicurio's build) binds 9000 on every
    // address by default, which the plain registry holds: here it takes a free port on our host.
    'quarkus.management.host': ctx.config.host,
    'quarkus.management.port': 0,
    // Apicurio's own chain: basic auth against Quarkus' embedded users (its build leaves the Quarkus
    // switch unset, which Quarkus warns about at start; Apicurio reads it to build the chain).
    'quarkus.http.auth.basic': true,
    'apicurio.authn.mechanism.priority': 'basic',
    'quarkus.http.auth.permission.everything.paths': '/*',
    'quarkus.http.auth.permission.everything.policy': 'authenticated',
    'quarkus.security.users.embedded.enabled': true,
    'quarkus.security.users.embedded.plain-text': true,
    [`quarkus.security.users.embedded.roles.${client.username}`]: 'sr-admin',
    'apicurio.datasource.url': `jdbc:postgresql://${host}:${port}/${topology.postgres.registryDatabase}?ApplicationName=tributary-schema-registry&sslmode=verify-full&sslrootcert=${material.caPem}`,
    'apicurio.datasource.username': database.username,
  };
  const file = path.join(ctx.optDir('schema-registry'), 'secrets.properties');
  writeSecretFile(
    file,
    [
      `quarkus.http.ssl.certificate.key-store-password=${keystore.password}`,
      `quarkus.security.users.embedded.users.${client.username}=${client.password}`,
      `apicurio.datasource.password=${database.password}`,
      '',
    ].join('\n'),
  );
  return { public: publicProps, file };
}
