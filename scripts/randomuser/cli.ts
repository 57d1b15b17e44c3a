/**
 * Runs the local randomuser-compatible server until interrupted:
 *
 *   tsx scripts/randomuser/cli.ts --port 3080 [--latency-ms 200] [--error-rate 0.1] [--quota 20000] ...
 *
 * Every fault knob can also be changed while it runs: POST /__admin/faults (see README.md).
 */
import { parseArgs } from 'node:util';
import { FaultConfigError, validateFaultPatch, type FaultPatch } from './faults';
import { startRandomUserServer } from './server';

const USAGE = `Usage: tsx scripts/randomuser/cli.ts [options]

  --port <n>              port to listen on (default 3080; 0 picks a free one)
  --host <addr>           address to bind (default 127.0.0.1)
  --latency-ms <n>        delay every API response by n ms
  --error-rate <0..1>     share of API requests answered with --error-status
  --error-status <5xx>    status for injected failures (default 500)
  --fail-next <n>         fail the next n API requests
  --truncate-rate <0..1>  share of 200 bodies cut mid-JSON
  --truncate-next <n>     cut the next n 200 bodies
  --truncate-mode <m>     end (complete response, cut body) | abort (connection dropped)
  --truncate-at <0..1>    share of the body kept when cutting (default 0.5)
  --status <code>         answer every API request with this status
  --quota <n>             users per client per window before 429 (default: no limit)
  --quota-window-ms <n>   quota window (default 60000)
  --fault-seed <s>        seed for rate-based fault decisions
  --quiet                 no per-request log lines
  --help`;

function toNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || Number.isNaN(n)) throw new FaultConfigError(`--${flag} needs a number, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3080' },
      host: { type: 'string', default: '127.0.0.1' },
      'latency-ms': { type: 'string' },
      'error-rate': { type: 'string' },
      'error-status': { type: 'string' },
      'fail-next': { type: 'string' },
      'truncate-rate': { type: 'string' },
      'truncate-next': { type: 'string' },
      'truncate-mode': { type: 'string' },
      'truncate-at': { type: 'string' },
      status: { type: 'string' },
      quota: { type: 'string' },
      'quota-window-ms': { type: 'string' },
      'fault-seed': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const given: Record<string, unknown> = {
    latencyMs: toNumber('latency-ms', values['latency-ms']),
    errorRate: toNumber('error-rate', values['error-rate']),
    errorStatus: toNumber('error-status', values['error-status']),
    failNext: toNumber('fail-next', values['fail-next']),
    truncateRate: toNumber('truncate-rate', values['truncate-rate']),
    truncateNext: toNumber('truncate-next', values['truncate-next']),
    truncateMode: values['truncate-mode'],
    truncateAt: toNumber('truncate-at', values['truncate-at']),
    status: toNumber('status', values.status),
    quota: toNumber('quota', values.quota),
    quotaWindowMs: toNumber('quota-window-ms', values['quota-window-ms']),
    seed: values['fault-seed'],
  };
  for (const key of Object.keys(given)) if (given[key] === undefined) delete given[key];
  const knobs: FaultPatch = validateFaultPatch(given);

  const port = toNumber('port', values.port) ?? 3080;
  const server = await startRandomUserServer({
    ...knobs,
    port,
    host: values.host,
    log: values.quiet ? undefined : (line) => console.log(line),
  });
  console.log(`randomuser v1.4-compatible server on ${server.apiUrl}`);
  console.log(`faults: ${JSON.stringify(server.faults())}`);
  console.log(`admin: GET|POST|DELETE ${server.url}/__admin/faults, GET ${server.url}/__admin/stats, POST ${server.url}/__admin/reset`);

  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof FaultConfigError || (err instanceof TypeError && 'code' in err) ? err.message : err);
  console.error(USAGE);
  process.exit(2);
});
