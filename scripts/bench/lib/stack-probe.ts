/** The shared stack as the pipeline benchmark finds it: every service answering (else brought up), and its processes for the CPU table. */
import { createCassandra } from '../../../layers/adapters/cassandra';
import { createKafka } from '../../../layers/adapters/kafka';
import { createPool } from '../../../layers/adapters/postgres';
import type { Config } from '../../../layers/config';
import { createContext } from '../../stack/context';
import { coreServices } from '../../stack/services';
import { up } from '../../stack/stack';
import { livePid } from '../../stack/supervisor';
import type { CpuSource } from './cpu';
import { listeningPid } from './proc';
import { progress } from './progress';

/** The services not answering at their configured endpoint (whoever started them). */
async function stackAnswers(config: Config): Promise<string[]> {
  const failing: string[] = [];
  const probe = async (name: string, check: () => Promise<unknown>): Promise<void> => {
    try {
      await check();
    } catch {
      failing.push(name);
    }
  };
  await Promise.all([
    probe('postgres', async () => {
      const pool = createPool(config.postgres, { max: 1 });
      try {
        await pool.query('SELECT 1 FROM raw_users LIMIT 1');
      } finally {
        await pool.end();
      }
    }),
    probe('kafka', async () => {
      const admin = createKafka(config.kafka, { clientId: 'tributary-bench-probe', retries: 0 }).admin();
      await admin.connect();
      try {
        await admin.listTopics();
      } finally {
        await admin.disconnect();
      }
    }),
    probe('schema-registry', async () => {
      const response = await fetch(`${config.schemaRegistry.url}/subjects`, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    }),
    probe('cassandra', async () => {
      const client = createCassandra(config.cassandra);
      try {
        await client.connect();
      } finally {
        await client.shutdown();
      }
    }),
  ]);
  return failing;
}

/**
 * Every service answering, else the stack brought up (npm run stack:up): `up` starts what is down
 * and waits for a service whose process is alive but not answering yet (one restarting).
 */
export async function ensureStack(config: Config): Promise<void> {
  const failing = await stackAnswers(config);
  if (failing.length === 0) return;
  progress(`${failing.join(', ')} not answering: bringing the stack up (npm run stack:up)…`);
  await up(createContext(progress, config));
}

/**
 * Each stack service as a CPU source: the process this stack recorded, else the one listening on
 * the service's port (a service restarted without its record would drop out of the CPU table).
 */
export function stackCpuSources(config: Config): CpuSource[] {
  const stackContext = createContext(progress, config);
  return coreServices.flatMap((service): CpuSource[] => {
    const host = /(\d+\.\d+\.\d+\.\d+):\d+/.exec(service.endpoint(stackContext))?.[1] ?? '127.0.0.1';
    const pid = livePid(stackContext, service.name) ?? listeningPid(host, service.port(stackContext));
    return pid === undefined ? [] : [{ name: service.name, pid }];
  });
}
