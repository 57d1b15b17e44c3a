/**
 * The status page's server: the page and its assets, and GET /api/status (the snapshot, with the
 * history since `?since=<ms>`) for the page and for `npm run status`. One sampler serves every
 * viewer, so a second browser tab adds no reads of the stack.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Config } from '../../layers/config';
import type { StackContext } from '../stack/service';
import { StatusSampler } from './sampler';

export interface StatusServerOptions {
  config: Config;
  ctx: StackContext;
  /** The functions' log (their EMF lines); `npm start` writes .stack/logs/functions.log. */
  functionsLog: string;
  /** offline-kafka's metrics file; by default where serverless.yml has it written (custom.offlineKafka.metricsFile). */
  mappingsFile?: string;
  /** 0 for any free port. */
  port: number;
  host?: string;
  /** Sampling intervals, for a test that wants them shorter. */
  watchedEveryMs?: number;
  idleEveryMs?: number;
}

export interface StatusServer {
  url: string;
  sampler: StatusSampler;
  close(): Promise<void>;
}

/** Where serverless.yml has offline-kafka write its metrics (custom.offlineKafka.metricsFile, under the service directory). */
export function defaultMappingsFile(ctx: StackContext): string {
  return path.join(ctx.root, '.stack', 'run', 'offline-kafka', 'metrics.json');
}

const PAGE_DIR = path.join(__dirname, 'page');
const UPLOT_DIR = path.join(path.dirname(require.resolve('uplot/package.json')), 'dist');

/** Every file the server hands out, by path: nothing else on disk is reachable through it. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: path.join(PAGE_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/status.js': { file: path.join(PAGE_DIR, 'status.js'), type: 'text/javascript; charset=utf-8' },
  '/flow.js': { file: path.join(PAGE_DIR, 'flow.js'), type: 'text/javascript; charset=utf-8' },
  '/status.css': { file: path.join(PAGE_DIR, 'status.css'), type: 'text/css; charset=utf-8' },
  '/vendor/uPlot.iife.min.js': { file: path.join(UPLOT_DIR, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/uPlot.min.css': { file: path.join(UPLOT_DIR, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

function handle(sampler: StatusSampler, request: http.IncomingMessage, response: http.ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://status');
  if (request.method !== 'GET') {
    response.writeHead(405, { allow: 'GET' }).end();
    return;
  }
  if (url.pathname === '/api/status') {
    sampler.watched();
    const since = Number(url.searchParams.get('since') ?? 0);
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(sampler.snapshot(Number.isFinite(since) ? since : 0)));
    return;
  }
  if (url.pathname === '/favicon.ico') {
    response.writeHead(204).end();
    return;
  }
  const asset = ASSETS[url.pathname];
  if (!asset) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  response.writeHead(200, { 'content-type': asset.type });
  response.end(readFileSync(asset.file));
}

export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const sampler = new StatusSampler({
    config: options.config,
    ctx: options.ctx,
    functionsLog: options.functionsLog,
    mappingsFile: options.mappingsFile ?? defaultMappingsFile(options.ctx),
    kafkaLog: options.ctx.logFile('status'),
    watchedEveryMs: options.watchedEveryMs,
    idleEveryMs: options.idleEveryMs,
  });
  const server = http.createServer((request, response) => {
    try {
      handle(sampler, request, response);
    } catch (err) {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(err));
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  // The first reading before the first viewer, so the page opens on figures.
  await sampler.sample(true);
  sampler.start();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    sampler,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections of a page still open would hold close() back.
      server.closeAllConnections();
      await closed;
      await sampler.stop();
    },
  };
}
