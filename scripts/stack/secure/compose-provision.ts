/**
 * Before compose's secure provisioning (docker-compose.secure.yml's `provision`, which runs
 * scripts/stack/provision.ts): the Cassandra node's pipeline role from its secret and the default
 * superuser dropped, as the native secure stack's `initialize` does, with the files layers/config
 * names (TRIBUTARY_SECURE and TRIBUTARY_STACK_HOME) instead of the native stack's home.
 */
import type { Config } from '../../../layers/config';
import { readCredentials } from '../../../layers/secrets';
import { ensurePipelineRole } from './cassandra';

export async function ensureComposeCassandraRole(config: Config, progress: (message: string) => void): Promise<void> {
  const { cassandra } = config;
  if (cassandra.auth.mechanism !== 'password' || !cassandra.tls.caFile) throw new Error('the secure settings are missing: set TRIBUTARY_SECURE=true');
  const reference = cassandra.auth.credentials;
  await ensurePipelineRole(
    {
      contactPoints: cassandra.contactPoints,
      localDataCenter: cassandra.localDataCenter,
      caFile: cassandra.tls.caFile,
      pipeline: () => readCredentials(reference),
      afresh: `(${reference}) nor the default role is accepted: the node's data volume was made with other credentials; remove it to start afresh`,
    },
    progress,
  );
}
