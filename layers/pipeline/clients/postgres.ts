/** The process's PostgreSQL pool (scripts such as replay share the functions' clients). */
import type { Pool } from 'pg';
import { createPool } from '../../adapters/postgres';
import { pipelineConfig, registerClient } from './registry';

let pool: Pool | undefined;

export function postgresPool(): Pool {
  if (!pool) {
    const created = createPool(pipelineConfig().postgres);
    pool = created;
    registerClient(() => {
      pool = undefined;
      return created.end();
    });
  }
  return pool;
}
