/**
 * The stack as a whole: bring every service up (only what is down), report status, stop all.
 * Independent services start side by side; each waits only for what it depends on.
 */
import { StackError, type Service, type StackContext } from './service';
import { coreServices, services } from './services';
import { groupRssMb } from './proc';
import { awaitRunning, livePid, probeOnce, start, state, stop, type ServiceState } from './supervisor';
import { provision } from './provision';

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  pid: number | null;
  /** Resident memory of the service's processes, in MB (0 when down). */
  rssMb: number;
  endpoint: string;
  log: string;
}

export interface UpReport {
  started: string[];
  alreadyRunning: string[];
  provisioned: boolean;
}

async function ensureRunning(service: Service, ctx: StackContext): Promise<'started' | 'running'> {
  if (livePid(ctx, service.name) !== undefined) {
    if ((await probeOnce(service, ctx)) === undefined) return 'running';
    ctx.progress(`${service.name}: process is up but not answering yet, waiting`);
    try {
      await awaitRunning(service, ctx);
      return 'running';
    } catch {
      ctx.progress(`${service.name}: not answering, restarting it`);
      await stop(service, ctx);
    }
  }
  const began = Date.now();
  ctx.progress(`${service.name}: starting`);
  await start(service, ctx);
  await service.initialize?.(ctx);
  ctx.progress(`${service.name}: ready at ${service.endpoint(ctx)} (${((Date.now() - began) / 1000).toFixed(1)}s)`);
  return 'started';
}

/** `report` is filled as services start, so a caller still knows what was started when `up` fails. */
export async function up(
  ctx: StackContext,
  only: Service[] = coreServices,
  report: UpReport = { started: [], alreadyRunning: [], provisioned: false },
): Promise<UpReport> {
  const pending = new Map<string, Promise<void>>();
  const launch = (service: Service): Promise<void> => {
    let promise = pending.get(service.name);
    if (!promise) {
      const deps = service.dependsOn.map((name) => {
        const dep = services.find((s) => s.name === name);
        if (!dep) throw new StackError(service.name, `depends on unknown service ${name}`);
        return launch(dep);
      });
      promise = Promise.all(deps).then(async () => {
        const outcome = await ensureRunning(service, ctx);
        (outcome === 'started' ? report.started : report.alreadyRunning).push(service.name);
      });
      pending.set(service.name, promise);
    }
    return promise;
  };
  const results = await Promise.allSettled(only.map(launch));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
  if (failures.length > 0) {
    const unique = [...new Set(failures.map((f) => f.message))];
    throw new StackError('stack', `could not bring the stack up:\n- ${unique.join('\n- ')}`);
  }
  report.provisioned = await provision(ctx, { force: report.started.length > 0 });
  return report;
}

export async function status(ctx: StackContext): Promise<ServiceStatus[]> {
  // Optional services appear once they have been started.
  const shown = services.filter((s) => !s.optional || livePid(ctx, s.name) !== undefined);
  return Promise.all(
    shown.map(async (service) => {
      const pid = livePid(ctx, service.name) ?? null;
      return {
        name: service.name,
        state: await state(service, ctx),
        pid,
        rssMb: pid === null ? 0 : groupRssMb(pid),
        endpoint: service.endpoint(ctx),
        log: ctx.logFile(service.name),
      };
    }),
  );
}

export async function down(ctx: StackContext): Promise<string[]> {
  const stopped: string[] = [];
  // Reverse order: dependants first, so nothing logs errors about a vanished dependency.
  for (const service of [...services].reverse()) {
    if (await stop(service, ctx)) {
      stopped.push(service.name);
      ctx.progress(`${service.name}: stopped`);
    }
  }
  return stopped;
}
