/**
 * What `sls offline start` needs in its environment to run the functions against the stack the
 * config describes. serverless.yml's default params fall back to the plain stack's addresses, so
 * the secure stack's (127.0.0.2, HTTPS registry) are passed explicitly, with TRIBUTARY_SECURE for
 * layers/config in the functions (TLS and the credential files). Only addresses and references:
 * no secret is ever in this environment.
 */
import type { Config } from '../../layers/config';
import { topology } from '../../layers/config';

export function functionsEnvironment(config: Config): Record<string, string> {
  if (!config.secure) return {};
  return {
    TRIBUTARY_SECURE: 'true',
    TRIBUTARY_HOST: config.host,
    TRIBUTARY_STACK_HOME: config.stack.home,
    KAFKA_BROKERS: config.kafka.brokers.join(','),
    SCHEMA_REGISTRY_URL: config.schemaRegistry.url,
    POSTGRES_HOST: config.postgres.host,
    CASSANDRA_CONTACT_POINTS: config.cassandra.contactPoints.join(','),
    // serverless-offline listens on the stack's host (startOffline's host), so both can run at once.
    LAMBDA_ENDPOINT: `http://${config.host}:${topology.ports.offlineLambda}`,
  };
}
