/** osls's own provider naming, as `sls package` (and the plugin, at start) uses it for the mappings' logical ids. */
import type { MappingNaming } from '../../../plugins/offline-kafka/mapping-template';

const osls = require('osls/lib/plugins/aws/lib/naming') as {
  getKafkaEventLogicalId(functionKey: string, topic: string): string;
  getMSKEventLogicalId(functionKey: string, clusterToken: string, topic: string): string;
};

export const OSLS_NAMING: MappingNaming = {
  kafka: (functionKey, topic) => osls.getKafkaEventLogicalId(functionKey, topic),
  msk: (functionKey, cluster, topic) => osls.getMSKEventLogicalId(functionKey, cluster, topic),
};
