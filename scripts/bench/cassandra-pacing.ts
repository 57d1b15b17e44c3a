/**
 * What a Cassandra write costs Cassandra itself (its process' CPU from /proc) depending on how the
 * writes arrive: saturated, as the pipeline benchmark's raw limit writes them (every row with 256 in
 * flight, no gap), or paced at the pipeline's rate in bursts, as the sink's invocations bring them,
 * or as a smooth stream. Same rows, same prepared upsert, a scratch copy of created_users (dropped
 * after); every pattern once per round, rounds one after the other.
 *
 *   npm run bench:cassandra-pacing [-- --rows 60000 --rate 2700 --rounds 2]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, concurrent } from 'cassandra-driver';
import { createCassandra } from '../../layers/adapters/cassandra';
import { upsertParams, upsertStatement } from '../../layers/adapters/created-users-store';
import { loadConfig } from '../../layers/config';
import { toCleanUser } from '../../layers/domain/transform';
import { treeSeconds } from './lib/cpu';
import { benchUsers } from './lib/data';
import { scratchTableCql } from './lib/raw-limits';
import { ensureStack, stackCpuSources } from './lib/stack-probe';
import { fmtInt, table } from './lib/stats';

interface Pattern {
  name: string;
  /** Writes every row; `rate` rows per second where the pattern is paced. */
  write(rows: unknown[][]): Promise<void>;
}

function patterns(client: Client, insert: string, rate: number): Pattern[] {
  const inFlight = (rows: unknown[][], level: number) =>
    concurrent.executeConcurrent(client, insert, rows, { concurrencyLevel: level, raiseOnFirstError: true }).then(() => undefined);
  /** A burst of `size` rows every size/rate seconds (the last ones may overlap), each `level` deep. */
  const bursts = async (rows: unknown[][], size: number, level: number): Promise<void> => {
    const started = performance.now();
    const running: Promise<void>[] = [];
    for (let i = 0; i < rows.length; i += size) {
      const wait = started + (i / rate) * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
      running.push(inFlight(rows.slice(i, i + size), level));
    }
    await Promise.all(running);
  };
  const smooth = Math.max(1, Math.round(rate / 100));
  return [
    { name: 'saturated, 256 in flight (the raw limit)', write: (rows) => inFlight(rows, 256) },
    { name: `bursts of 5,000 at ${fmtInt(rate)}/s, 256 in flight`, write: (rows) => bursts(rows, 5000, 256) },
    { name: `bursts of 1,000 at ${fmtInt(rate)}/s, 256 in flight (the sink)`, write: (rows) => bursts(rows, 1000, 256) },
    { name: `bursts of 1,000 at ${fmtInt(rate)}/s, 64 in flight`, write: (rows) => bursts(rows, 1000, 64) },
    { name: `a smooth ${fmtInt(rate)}/s (${smooth} every 10 ms)`, write: (rows) => bursts(rows, smooth, smooth) },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '60000' }, rate: { type: 'string', default: '2700' }, rounds: { type: 'string', default: '2' } },
  });
  const [rowCount, rate, rounds] = [Number(values.rows), Number(values.rate), Math.max(1, Number(values.rounds))];
  const config = loadConfig();
  await ensureStack(config);
  const pid = stackCpuSources(config).find((source) => source.name === 'cassandra');
  if (!pid || !('pid' in pid)) throw new Error('no Cassandra process of this stack found');
  const cassandraSeconds = () => treeSeconds(pid.pid) ?? Number.NaN;

  const client = createCassandra(config.cassandra);
  await client.connect();
  const scratch = `bench_pacing_${randomUUID().slice(0, 8)}`;
  const rows = upsertParams(
    benchUsers('pacing', rowCount).map((user, i) => ({ user: toCleanUser(user), sourceOffset: `pacing@${i}` })),
    new Date(),
  );
  const insert = upsertStatement(scratch);
  await client.execute(await scratchTableCql(client, scratch));
  try {
    const all = patterns(client, insert, rate);
    // A node's write path is interpreted until its JIT has compiled it (raw-limits.ts, warm-up).
    for (let i = 0; i < 2; i++) await all[0]?.write(rows);
    const results = new Map<string, { perWrite: number[]; perSecond: number[] }>();
    for (let round = 1; round <= rounds; round++) {
      for (const pattern of all) {
        const [cpuBefore, started] = [cassandraSeconds(), performance.now()];
        await pattern.write(rows);
        const [cpu, seconds] = [cassandraSeconds() - cpuBefore, (performance.now() - started) / 1000];
        const result = results.get(pattern.name) ?? { perWrite: [], perSecond: [] };
        result.perWrite.push((cpu * 1000) / rows.length);
        result.perSecond.push(rows.length / seconds);
        results.set(pattern.name, result);
        console.log(`round ${round}: ${pattern.name}: ${fmtInt(rows.length / seconds)} writes/s, ${((cpu * 1000) / rows.length).toFixed(3)} CPU ms per write`);
      }
    }
    const saturated = Math.min(...(results.get(all[0]?.name ?? '')?.perWrite ?? [Number.NaN]));
    console.log(`\nCassandra's own CPU per write (its process, /proc), ${fmtInt(rowCount)} rows per pattern, ${rounds} round(s); ÷ the best saturated round`);
    console.log(
      table([
        ['pattern', 'writes/s', 'CPU ms per write', '÷ saturated'],
        ...[...results].map(([name, { perWrite, perSecond }]) => [
          name,
          perSecond.map((v) => fmtInt(v)).join(', '),
          perWrite.map((v) => v.toFixed(3)).join(', '),
          perWrite.map((v) => (v / saturated).toFixed(2)).join(', '),
        ]),
      ]),
    );
  } finally {
    await client.execute(`DROP TABLE IF EXISTS ${scratch}`).catch(() => undefined);
    await client.shutdown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
