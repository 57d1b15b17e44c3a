/**
 * The local randomuser server's HTTP side: who a request counts against, reading an admin body,
 * and writing whole, JSON or deliberately truncated responses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultConfigError, type TruncationPlan } from './faults';

const ADMIN_BODY_LIMIT = 64 * 1024;

export const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-cache',
  'Access-Control-Allow-Origin': '*',
};

/** Who the quota counts against: the real API trusts the same proxy headers. */
export function clientOf(req: IncomingMessage): string {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return header('cf-connecting-ip') ?? header('x-real-ip') ?? header('x-forwarded-for') ?? req.socket.remoteAddress ?? 'unknown';
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > ADMIN_BODY_LIMIT) {
        reject(new FaultConfigError('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Writes a complete response and returns its status (handlers return what they sent). */
export function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = JSON_HEADERS): number {
  // Encode once: a 5000-user body is ~5.4 MB.
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Length': String(bytes.length) });
  res.end(bytes);
  return status;
}

export function sendJson(res: ServerResponse, status: number, value: unknown): number {
  return send(res, status, JSON.stringify(value));
}

export function sendNotFound(res: ServerResponse): number {
  return send(res, 404, 'Not Found', { 'Content-Type': 'text/plain; charset=utf-8' });
}

export function sendTruncated(res: ServerResponse, body: string, plan: TruncationPlan): void {
  const bytes = Buffer.from(body, 'utf8');
  const cut = Math.min(bytes.length - 1, Math.max(1, Math.floor(bytes.length * plan.keep)));
  const part = bytes.subarray(0, cut);
  if (plan.mode === 'end') {
    // No Content-Length: a well-formed chunked response whose JSON simply stops.
    res.writeHead(200, JSON_HEADERS);
    res.end(part);
    return;
  }
  // Announce the full length, send part of it, drop the connection.
  res.writeHead(200, { ...JSON_HEADERS, 'Content-Length': String(bytes.length) });
  res.write(part, () => res.destroy());
}
