/**
 * npm run stack:fetch | stack:up | stack:down | stack:status [-- --json]
 * Options: --only a,b  (fetch, up: just these services and what they depend on)
 *          --with a,b  (fetch, up: the core services plus these optional ones, e.g. airflow,spark)
 *          --secure    (every command: the secure stack beside the plain one — 127.0.0.2, .stack-secure,
 *                       TLS and credentials on every service; docs/security.md)
 */
import { createContext } from './context';
import { StackError, type Service } from './service';
import { fetchAll } from './fetch';
import { coreServices, services, serviceNamed } from './services';
import { down, status, up } from './stack';

function progress(message: string): void {
  process.stderr.write(`[stack] ${message}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [command = 'status', ...rest] = argv;
  const json = rest.includes('--json');
  // Read by layers/config: the secure stack's host, home and settings.
  if (rest.includes('--secure')) process.env.TRIBUTARY_SECURE = 'true';
  const onlyIndex = rest.indexOf('--only');
  const withIndex = rest.indexOf('--with');
  const listed = (index: number): Service[] => (rest[index + 1] ?? '').split(',').filter(Boolean).map(serviceNamed);
  const only = onlyIndex >= 0 ? listed(onlyIndex) : [...coreServices, ...(withIndex >= 0 ? listed(withIndex) : [])];
  const ctx = createContext(progress);
  const optional = only.filter((s) => s.optional);
  if (ctx.config.secure && optional.length > 0)
    throw new StackError('stack', `${optional.map((s) => s.name).join(', ')} do not run on the secure stack (docs/security.md)`);
  switch (command) {
    case 'fetch': {
      // What the selected services depend on is fetched too, as `up` would start it.
      const wanted = new Set<string>();
      const add = (s: Service): void => {
        if (wanted.has(s.name)) return;
        wanted.add(s.name);
        for (const name of s.dependsOn) add(serviceNamed(name));
      };
      for (const s of only) add(s);
      await fetchAll(
        ctx,
        services.filter((s) => wanted.has(s.name)),
      );
      return 0;
    }
    case 'up': {
      const began = Date.now();
      const report = await up(ctx, only);
      const seconds = ((Date.now() - began) / 1000).toFixed(1);
      if (report.started.length === 0) progress(`already up: nothing to do (${seconds}s)`);
      else
        progress(
          `up in ${seconds}s — started ${report.started.join(', ')}${report.alreadyRunning.length ? `; already running ${report.alreadyRunning.join(', ')}` : ''}`,
        );
      progress(`logs: ${ctx.home}/logs/<service>.log`);
      return 0;
    }
    case 'down': {
      const stopped = await down(ctx);
      progress(stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing was running');
      return 0;
    }
    case 'status': {
      const rows = await status(ctx);
      if (json) {
        process.stdout.write(`${JSON.stringify({ home: ctx.home, services: rows }, null, 2)}\n`);
      } else {
        for (const r of rows) {
          process.stdout.write(`${r.name.padEnd(16)} ${r.state.padEnd(10)} ${String(r.pid ?? '-').padEnd(8)} ${`${r.rssMb} MB`.padStart(8)}  ${r.endpoint}\n`);
        }
        process.stdout.write(`${'total'.padEnd(36)}${`${rows.reduce((sum, r) => sum + r.rssMb, 0)} MB`.padStart(8)}\n`);
      }
      return 0;
    }
    default:
      process.stderr.write(`unknown command "${command}" (use fetch, up, down or status)\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[stack] ${err instanceof StackError || err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
