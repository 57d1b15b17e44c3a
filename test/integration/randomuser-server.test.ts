/**
 * The local randomuser-compatible server over real HTTP on an ephemeral loopback port:
 * paths, parameters, 429 after the quota, injected latency / 5xx / truncated bodies, the admin
 * endpoints, and a 5000-user response. Needs no other service.
 */
import { quotaExceededMessage } from '../../scripts/randomuser/quota';
import { SERVER_ERROR_MESSAGE, startRandomUserServer } from '../../scripts/randomuser/server';
import type { ServedResponse } from '../../scripts/randomuser/types';
import { useRandomUserServer } from '../support/randomuser-server';

const server = useRandomUserServer();

async function get(path: string, init?: RequestInit): Promise<{ status: number; text: string; headers: Headers; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${server().url}${path}`, init);
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, ms: Date.now() - started };
}

async function getJson(path: string, init?: RequestInit): Promise<{ status: number; body: ServedResponse }> {
  const { status, text } = await get(path, init);
  return { status, body: JSON.parse(text) as ServedResponse };
}

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server().url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('API paths and parameters', () => {
  it('serves the same users on /api/, /api, /api/1.4/ and /api/1.4', async () => {
    const bodies = await Promise.all(['/api/', '/api', '/api/1.4/', '/api/1.4'].map((p) => get(`${p}?results=3&seed=paths`)));
    for (const b of bodies) {
      expect(b.status).toBe(200);
      expect(b.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(b.text).toBe(bodies[0]?.text);
    }
    const parsed = JSON.parse(bodies[0]?.text ?? '') as ServedResponse;
    expect(parsed.results).toHaveLength(3);
    expect(parsed.info).toEqual({ seed: 'paths', results: 3, page: 1, version: '1.4' });
  });

  it('answers 404 Not Found for other versions, other paths and other methods', async () => {
    for (const path of ['/api/1.3/', '/api/9.9', '/nope', '/api/1.4/extra', '/api/portraits/men/1.jpg']) {
      const res = await get(path);
      expect([path, res.status, res.text]).toEqual([path, 404, 'Not Found']);
    }
    expect((await get('/api/', { method: 'POST' })).status).toBe(404);
    expect(server().stats().notFound).toBe(3);
  });

  it('is deterministic per seed and page, and different across pages', async () => {
    const a = await get('/api/?results=20&seed=det&page=2');
    const b = await get('/api/?results=20&seed=det&page=2');
    const c = await getJson('/api/?results=20&seed=det&page=3');
    expect(b.text).toBe(a.text);
    const uuidsA = (JSON.parse(a.text) as ServedResponse).results.map((u) => u.login?.uuid);
    const uuidsC = c.body.results.map((u) => u.login?.uuid);
    expect(uuidsC.filter((id) => uuidsA.includes(id))).toEqual([]);
    expect(c.body.info?.page).toBe(3);
  });

  it('draws and reports a new seed for unseeded requests', async () => {
    const a = await getJson('/api/?results=2');
    const b = await getJson('/api/?results=2');
    expect(a.body.info?.seed).toMatch(/^[a-f0-9]{16}$/);
    expect(b.body.info?.seed).toMatch(/^[a-f0-9]{16}$/);
    expect(b.body.info?.seed).not.toBe(a.body.info?.seed);
    const replay = await getJson(`/api/?results=2&seed=${a.body.info?.seed}`);
    expect(replay.body.results).toEqual(a.body.results);
  });

  it('falls back to 1 result above 5000, like the real API', async () => {
    const { body } = await getJson('/api/?results=5001&seed=x');
    expect(body.results).toHaveLength(1);
    expect(body.info?.results).toBe(1);
  });

  it('serves 5000 distinct users in one response', async () => {
    const res = await get('/api/?results=5000&seed=bulk');
    const body = JSON.parse(res.text) as ServedResponse;
    expect(res.status).toBe(200);
    expect(body.results).toHaveLength(5000);
    expect(new Set(body.results.map((u) => u.login?.uuid)).size).toBe(5000);
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(res.text));
    expect(server().stats().usersServed).toBe(5000);
  });

  it('filters nat and gender, and applies inc, exc and noinfo', async () => {
    const filtered = await getJson('/api/?results=100&nat=ir,ua&gender=female');
    expect(new Set(filtered.body.results.map((u) => u.nat))).toEqual(new Set(['IR', 'UA']));
    expect(new Set(filtered.body.results.map((u) => u.gender))).toEqual(new Set(['female']));

    const inc = await getJson('/api/?results=3&seed=f&inc=email,nat&noinfo');
    expect(inc.body).not.toHaveProperty('info');
    for (const u of inc.body.results) expect(Object.keys(u)).toEqual(['email', 'nat']);

    const exc = await getJson('/api/?results=3&seed=f&exc=login,location');
    for (const u of exc.body.results) {
      expect(u).not.toHaveProperty('login');
      expect(u).not.toHaveProperty('location');
      expect(u).toHaveProperty('email');
    }
  });

  it('keeps postcode types per nationality over the wire', async () => {
    const { body } = await getJson('/api/?results=200&seed=pc&nat=ca,gb,us,de');
    for (const u of body.results) {
      const expected = u.nat === 'CA' || u.nat === 'GB' ? 'string' : 'number';
      expect([u.nat, typeof u.location?.postcode]).toEqual([u.nat, expected]);
    }
  });

  it('serves pretty JSON and JSONP, and refuses csv/yaml/xml with 400', async () => {
    const pretty = await get('/api/?seed=p&format=pretty');
    expect(pretty.text).toContain('\n  "results": [');
    expect(JSON.parse(pretty.text)).toEqual(JSON.parse((await get('/api/?seed=p')).text));
    const jsonp = await get('/api/?seed=p&callback=handle');
    expect(jsonp.text.startsWith('handle({"results":[')).toBe(true);
    expect(jsonp.text.endsWith(');')).toBe(true);
    for (const format of ['csv', 'yaml', 'xml']) {
      const res = await get(`/api/?format=${format}`);
      expect([format, res.status]).toEqual([format, 400]);
      expect(res.text).toContain(format);
    }
  });
});

describe('quota', () => {
  it('answers 429 with the real message once the client has reached its user quota', async () => {
    server().setFaults({ quota: 10 });
    expect((await get('/api/?results=6')).status).toBe(200);
    // 6 < 10, so this one is still served and takes the client to 12.
    expect((await get('/api/?results=6')).status).toBe(200);
    const refused = await get('/api/?results=1');
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toEqual({ error: quotaExceededMessage(12) });
    expect(refused.text).toContain("Whoa, ease up there cowboy. You've requested 12 users in the last minute.");
    // Another client (behind the same proxy header the real API reads) has its own quota.
    expect((await get('/api/?results=1', { headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(200);
    expect(server().stats().injected.rateLimited).toBe(1);
  });

  it('opens again when the window has passed', async () => {
    server().setFaults({ quota: 2, quotaWindowMs: 1500 });
    expect((await get('/api/?results=2')).status).toBe(200);
    expect((await get('/api/?results=1')).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await get('/api/?results=1')).status).toBe(200);
  });
});

describe('fault injection', () => {
  it('delays responses by latencyMs', async () => {
    server().setFaults({ latencyMs: 400 });
    const slow = await get('/api/?seed=slow');
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(390);
    expect(server().stats().injected.delayed).toBe(1);
  });

  it('fails exactly the next n requests with failNext', async () => {
    server().setFaults({ failNext: 2 });
    const first = await get('/api/?seed=f');
    const second = await get('/api/?seed=f');
    const third = await get('/api/?seed=f');
    expect([first.status, second.status, third.status]).toEqual([500, 500, 200]);
    expect(JSON.parse(first.text)).toEqual({ error: SERVER_ERROR_MESSAGE });
    expect(server().faults().failNext).toBe(0);
  });

  it('fails with the configured 5xx at errorRate, reproducibly', async () => {
    server().setFaults({ errorRate: 1, errorStatus: 503 });
    expect((await get('/api/')).status).toBe(503);

    server().reset();
    server().setFaults({ errorRate: 0.5, seed: 'repeatable' });
    const first: number[] = [];
    for (let i = 0; i < 20; i++) first.push((await get('/api/?seed=r')).status);
    server().reset();
    server().setFaults({ errorRate: 0.5, seed: 'repeatable' });
    const second: number[] = [];
    for (let i = 0; i < 20; i++) second.push((await get('/api/?seed=r')).status);
    expect(second).toEqual(first);
    expect(first).toContain(200);
    expect(first).toContain(500);
  });

  it('cuts the body mid-JSON in a complete 200 response (truncateMode end)', async () => {
    const full = await get('/api/?results=50&seed=cut');
    server().setFaults({ truncateNext: 1 });
    const cut = await get('/api/?results=50&seed=cut');
    expect(cut.status).toBe(200);
    expect(cut.text.length).toBeGreaterThan(0);
    expect(cut.text.length).toBeLessThan(full.text.length);
    expect(full.text.startsWith(cut.text)).toBe(true);
    expect(() => JSON.parse(cut.text)).toThrow();
    expect((await get('/api/?results=50&seed=cut')).text).toBe(full.text);
    expect(server().stats().injected.truncated).toBe(1);
  });

  it('drops the connection mid-body in abort mode', async () => {
    server().setFaults({ truncateRate: 1, truncateMode: 'abort', truncateAt: 0.3 });
    const res = await fetch(`${server().url}/api/?results=200&seed=abort`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('forces a status with statusOverride until the faults are reset', async () => {
    server().setFaults({ statusOverride: { status: 503 } });
    const down = await get('/api/?seed=o');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.text)).toEqual({ error: SERVER_ERROR_MESSAGE });

    server().setFaults({ statusOverride: { status: 502, body: 'bad gateway', contentType: 'text/plain' } });
    const custom = await get('/api/?seed=o');
    expect([custom.status, custom.text, custom.headers.get('content-type')]).toEqual([502, 'bad gateway', 'text/plain']);

    server().resetFaults();
    expect((await get('/api/?seed=o')).status).toBe(200);
  });

  it('takes knobs at start', async () => {
    const other = await startRandomUserServer({ failNext: 1, errorStatus: 502 });
    try {
      const first = await fetch(`${other.apiUrl}?seed=s`);
      const second = await fetch(`${other.apiUrl}?seed=s`);
      expect([first.status, second.status]).toEqual([502, 200]);
      other.resetFaults();
      expect(other.faults().failNext).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('answers a repeated query from memory with cacheResponses (for benchmarks), generating it only once', async () => {
    // A clock a year further on at every request: a generated response would carry other ages.
    let year = 2026;
    const clock = (): Date => new Date(Date.UTC(year++, 0, 1));
    const cached = await startRandomUserServer({ cacheResponses: true, now: clock });
    const fresh = await startRandomUserServer({ now: clock });
    try {
      const twice = async (apiUrl: string): Promise<string[]> => {
        const first = await fetch(`${apiUrl}?results=2&seed=cache&page=3`).then((r) => r.text());
        return [first, await fetch(`${apiUrl}?results=2&seed=cache&page=3`).then((r) => r.text())];
      };
      const [a, b] = await twice(cached.apiUrl);
      expect(b).toBe(a);
      const [c, d] = await twice(fresh.apiUrl);
      expect(d).not.toBe(c);
      expect(await fetch(`${cached.apiUrl}?results=2&seed=cache&page=4`).then((r) => r.text())).not.toBe(a);
    } finally {
      await Promise.all([cached.close(), fresh.close()]);
    }
  });

  it('refuses invalid knobs at start', async () => {
    await expect(startRandomUserServer({ errorRate: 2 })).rejects.toThrow(/errorRate/);
  });
});

describe('admin endpoints', () => {
  it('patches, reads and resets faults over HTTP', async () => {
    const patched = await admin('POST', '/__admin/faults', { failNext: 1, latencyMs: 5, status: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ failNext: 1, latencyMs: 5, statusOverride: null, errorRate: 0 });
    expect((await admin('GET', '/__admin/faults')).body).toMatchObject({ failNext: 1, latencyMs: 5 });
    expect((await get('/api/')).status).toBe(500);

    await admin('POST', '/__admin/faults', { status: 503 });
    expect((await get('/api/')).status).toBe(503);
    const reset = await admin('DELETE', '/__admin/faults');
    expect(reset.body).toMatchObject({ failNext: 0, latencyMs: 0, statusOverride: null });
    expect((await get('/api/')).status).toBe(200);
  });

  it('rejects unknown or out-of-range knobs with 400 and keeps the old ones', async () => {
    const unknown = await admin('POST', '/__admin/faults', { explode: true });
    expect(unknown.status).toBe(400);
    expect(String(unknown.body.error)).toContain('explode');
    const range = await admin('POST', '/__admin/faults', { truncateRate: 1.5 });
    expect(range.status).toBe(400);
    const notJson = await fetch(`${server().url}/__admin/faults`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(server().faults().truncateRate).toBe(0);
    expect((await fetch(`${server().url}/__admin/stats`, { method: 'PUT' })).status).toBe(405);
  });

  it('counts requests, users and statuses, and clears them on reset', async () => {
    await get('/api/?results=7');
    server().setFaults({ failNext: 1 });
    await get('/api/?results=3');
    await get('/missing');
    const stats = (await admin('GET', '/__admin/stats')).body;
    expect(stats).toMatchObject({ requests: 2, usersServed: 7, byStatus: { 200: 1, 500: 1 }, notFound: 1 });
    expect(stats.injected).toMatchObject({ failed: 1, truncated: 0, rateLimited: 0 });

    const reset = await admin('POST', '/__admin/reset');
    expect(reset.body.stats).toMatchObject({ requests: 0, usersServed: 0, byStatus: {} });
    expect(server().stats().requests).toBe(0);
  });
});
