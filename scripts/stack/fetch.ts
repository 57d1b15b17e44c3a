/**
 * `npm run stack:fetch [-- --with airflow,spark]`: everything the stack's services need from the
 * registries — JDKs, Maven artifacts, Python wheels — and nothing else, with the same code `up`
 * uses, so a machine can be prepared once and then run the stack and the tests with no network.
 */
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { COMPOSE_GO_MODULE, COMPOSE_GO_VERSION, composeGoModuleDir } from './compose-spec';
import { localRepository } from './maven';
import { fetchWheels } from './python';
import type { Service, StackContext } from './service';

/** Bytes under a folder (0 when it does not exist); links are not followed. */
export function treeBytes(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const file = path.join(dir, entry);
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (!stat) continue;
    total += stat.isDirectory() ? treeBytes(file) : stat.size;
  }
  return total;
}

/** Where downloads land: Maven's local repository, the wheelhouses, the brought JDKs. */
function caches(ctx: StackContext): string[] {
  return [localRepository(), path.join(ctx.home, 'cache', 'wheels'), path.join(ctx.home, 'opt', 'jdk')];
}

const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MB`;

export interface FetchReport {
  downloadedBytes: number;
  totalBytes: number;
  seconds: number;
}

/** Fetches what each service declares in `downloads`, one service after another (progress stays readable). */
export async function fetchAll(ctx: StackContext, selected: Service[]): Promise<FetchReport> {
  const began = Date.now();
  const before = caches(ctx).reduce((sum, dir) => sum + treeBytes(dir), 0);
  for (const service of selected) {
    const { java, maven, python, npm } = service.downloads;
    const parts: string[] = [];
    if (java) {
      const runtime = await ctx.java(service.name, java);
      parts.push(`Java ${runtime.major} (${runtime.home})`);
    }
    if (maven) {
      const classpath = await ctx.mavenClasspath(maven);
      parts.push(`${classpath.split(':').filter(Boolean).length} Maven artifacts (${maven})`);
    }
    if (python) {
      const dir = await fetchWheels(ctx, service.name, python);
      parts.push(`${readdirSync(dir).filter((f) => f.endsWith('.whl')).length} wheels (${path.relative(ctx.root, dir)})`);
    }
    if (npm) parts.push(`${npm}, installed by npm ci`);
    ctx.progress(`${service.name}: ${parts.join('; ')}`);
  }
  // Not a service's, the test suite's: the schema the compose tests validate docker-compose.yml against.
  const composeGo = composeGoModuleDir();
  ctx.progress(`tests: ${COMPOSE_GO_MODULE}@${COMPOSE_GO_VERSION} from the Go module proxy (${composeGo})`);
  const totalBytes = caches(ctx).reduce((sum, dir) => sum + treeBytes(dir), 0);
  const report = { downloadedBytes: Math.max(0, totalBytes - before), totalBytes, seconds: (Date.now() - began) / 1000 };
  ctx.progress(
    `fetched ${mb(report.downloadedBytes)} in ${report.seconds.toFixed(0)}s; ${mb(totalBytes)} in ${caches(ctx)
      .map((d) => d.replace(ctx.root + path.sep, ''))
      .join(', ')}`,
  );
  return report;
}
