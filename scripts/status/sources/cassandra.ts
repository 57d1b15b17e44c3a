/**
 * Cassandra's panel: whether the node answers (a read of system.local, timed) and its own estimate
 * of created_users' partitions (system.size_estimates, refreshed by the node every few minutes).
 * Never a count(*) of created_users: a full scan, which fails outright past 100,000 tombstones.
 * What reached Cassandra is counted from the sink's committed offsets (sources/kafka.ts).
 */
import type { Client } from 'cassandra-driver';

export interface CassandraReading {
  releaseVersion: string;
  answeredInMs: number;
  /** The node's estimate of created_users' rows; undefined until it has made one. */
  estimatedRows: number | undefined;
}

export async function readCassandra(client: Client, keyspace: string): Promise<CassandraReading> {
  const began = performance.now();
  const local = await client.execute('SELECT release_version FROM system.local');
  const answeredInMs = performance.now() - began;
  const estimates = await client.execute('SELECT partitions_count FROM system.size_estimates WHERE keyspace_name = ? AND table_name = ?', [
    keyspace,
    'created_users',
  ]);
  const partitions = estimates.rows.map((row) => Number(row.get('partitions_count')));
  return {
    releaseVersion: String(local.first()?.get('release_version') ?? '?'),
    answeredInMs,
    estimatedRows: partitions.length === 0 ? undefined : partitions.reduce((sum, n) => sum + n, 0),
  };
}
