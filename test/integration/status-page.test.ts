/**
 * The status page in a real browser — Debian's headless Chromium, installed when missing — with the
 * pipeline running (the real functions under sls offline, the real stack): the page's counts match
 * independent counts of PostgreSQL, the topics' end offsets and the consumer groups' committed
 * offsets, and the functions' metrics agree with them; a poison record's reason appears in the
 * dead-letter panel; and with the stack's Cassandra stopped, its panel says so while the rest
 * updates, and recovers when it is back.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { createKafka, createProducer } from '../../layers/adapters/kafka';
import { createPool } from '../../layers/adapters/postgres';
import type { FetchReport } from '../../layers/pipeline/fetch-users';
import type { OfflineProcess } from '../../scripts/pipeline/offline';
import type { RandomUserServer } from '../../scripts/randomuser/server';
import { type Browser, launchChromium } from '../../scripts/status/chromium';
import { startStatusServer, type StatusServer } from '../../scripts/status/server';
import { createContext } from '../../scripts/stack/context';
import { cassandra as cassandraService } from '../../scripts/stack/services/cassandra';
import { start, stop } from '../../scripts/stack/supervisor';
import { config, invoke, root, startFunctions, startRandomUser } from '../support/pipeline-harness';
import { type KafkaCounts, type PostgresCounts, kafkaCounts, nextReading, postgresCounts, shownFigures, shownStages } from '../support/status-page';

const run = randomUUID().slice(0, 8);
const pool = createPool(config.postgres, { max: 2 });
const kafka = createKafka(config.kafka, { clientId: 'status-page-test' });
const admin = kafka.admin();
const functionsLog = path.resolve(root, config.stack.home, 'logs', 'functions-status-page.log');
const ctx = createContext(() => undefined);
let randomUser: RandomUserServer;
let functions: OfflineProcess;
let browser: Browser;
let status: StatusServer;
let page: Page;
/** Independent counts when the status server started: its "since start" counts from them. */
let atStart: PostgresCounts;

async function quiet(): Promise<void> {
  // Nothing pending or unread, then PostgreSQL's statistics flushed (each backend within a second of idling).
  for (let i = 0; i < 120; i++) {
    const [pg, k] = await Promise.all([postgresCounts(pool), kafkaCounts(admin)]);
    if (pg.pending === 0 && k.sinkLag === 0 && k.transformCommitted === k.rawEnd) break;
    await sleep(1000);
  }
  await sleep(2500);
}

async function startStatus(): Promise<void> {
  // Started where nothing changes, so the independent counts taken around it are its starting point.
  for (let attempt = 1; ; attempt++) {
    const before = await postgresCounts(pool);
    status = await startStatusServer({ config, ctx, functionsLog, port: 0, watchedEveryMs: 1000 });
    atStart = await postgresCounts(pool);
    if (JSON.stringify(before) === JSON.stringify(atStart)) return;
    await status.close();
    if (attempt === 3) throw new Error('PostgreSQL kept changing while the status server started: is another pipeline running?');
    await quiet();
  }
}

beforeAll(async () => {
  browser = await launchChromium((m) => process.stderr.write(`[chromium] ${m}\n`));
  await admin.connect();
  randomUser = await startRandomUser();
  functions = await startFunctions(randomUser.apiUrl, 'functions-status-page');
  await quiet();
  await startStatus();
  page = await browser.context.newPage();
  await page.goto(status.url);
  await page.waitForSelector('[data-node="postgres"][data-state="ok"]');
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await status?.close();
  await functions?.stop();
  await randomUser?.close();
  await Promise.allSettled([pool.end(), admin.disconnect()]);
});

/** What the page should show, from the independent counts. */
function expected(pg: PostgresCounts, k: KafkaCounts): Record<string, { since?: number; total?: number }> {
  return {
    persisted: { since: pg.rawUsers - atStart.rawUsers },
    rejected: { since: pg.rejectedUsers - atStart.rejectedUsers },
    published: { since: pg.published - atStart.published },
    pending: { since: pg.pending },
    raw: { total: k.rawEnd },
    transformed: { total: k.transformCommitted },
    clean: { total: k.cleanEnd },
    sunk: { total: k.sinkCommitted },
    sinkLag: { since: k.sinkLag },
    deadLettered: { total: k.dlqEnd },
  };
}

/**
 * The page against independent counts taken just before and just after a reading it drew: when
 * the two agree nothing moved meanwhile, and the page must show exactly them. Retried until then.
 */
async function expectPageMatchesIndependentCounts(): Promise<void> {
  let shown: Record<string, { since?: number; total?: number }> = {};
  let counted: Record<string, { since?: number; total?: number }> = {};
  for (let attempt = 0; attempt < 40; attempt++) {
    const before = expected(await postgresCounts(pool), await kafkaCounts(admin));
    await nextReading(page);
    const figures = await shownFigures(page);
    counted = expected(await postgresCounts(pool), await kafkaCounts(admin));
    if (JSON.stringify(before) !== JSON.stringify(counted)) continue;
    shown = Object.fromEntries(
      Object.entries(counted).map(([key, want]) => [
        key,
        { ...('since' in want ? { since: figures[key]?.since } : {}), ...('total' in want ? { total: figures[key]?.total } : {}) },
      ]),
    );
    if (JSON.stringify(shown) === JSON.stringify(counted)) break;
    await sleep(1000);
  }
  expect(shown).toEqual(counted);
}

describe('the status page, in headless Chromium', () => {
  it('shows counts that match PostgreSQL, the topics’ offsets and the sink’s committed offsets, and the functions’ metrics agree', async () => {
    const sinkAtStart = (await kafkaCounts(admin)).sinkCommitted;
    const report = await invoke<FetchReport>('fetch', { seed: `status-${run}`, results: 1500 });
    expect(report.fetched).toBe(1500);
    await quiet();
    await expectPageMatchesIndependentCounts();
    const figures = await shownFigures(page);
    expect(figures.persisted?.since).toBe(report.persisted);
    expect(figures.fetched?.since).toBe(1500);
    // The functions' EMF metrics, as the page reads them from their log: what CloudWatch would get.
    const stages = await shownStages(page);
    expect(stages.fetch).toMatchObject({ invocations: 1, in: 1500, out: report.valid });
    expect(stages.sink?.in).toBe((await kafkaCounts(admin)).sinkCommitted - sinkAtStart);
    // The event source mappings as offline-kafka's metrics file has them.
    for (const mapping of [`transform ← ${config.topics.raw}`, `sink ← ${config.topics.clean}`]) {
      await page.locator('#mappings tr', { hasText: mapping }).filter({ hasText: 'consuming' }).waitFor({ timeout: 30_000 });
    }
    await page.screenshot({ path: path.join(root, config.stack.home, 'logs', 'status-page-test.png'), fullPage: true });
  });

  it('shows a poison record’s reason, source and key in the dead-letter panel', async () => {
    const key = `poison-status-${run}`;
    const producer = createProducer(kafka);
    await producer.connect();
    // Magic byte, then a schema id the registry does not have.
    const [sent] = await producer.send({ topic: config.topics.raw, messages: [{ key, value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf1, 1, 2, 3]) }] });
    await producer.disconnect();
    const row = page.locator('#dead-letters tr', { hasText: key });
    await row.waitFor({ timeout: 120_000 });
    expect(await row.locator('td.source').textContent()).toBe(`${config.topics.raw}-${sent!.partition}@${sent!.baseOffset}`);
    expect(await row.locator('td.reason').textContent()).toMatch(/SCHEMA_NOT_FOUND|does not resolve/);
    await expectPageMatchesIndependentCounts();
  });

  it('says Cassandra does not answer while the rest of the page still updates', async () => {
    // The real node, stopped and started again as the e2e suite does (the suite runs in band).
    await stop(cassandraService, ctx);
    try {
      const cassandra = page.locator('[data-node="cassandra"]');
      await page.locator('[data-node="cassandra"][data-state="down"]').waitFor({ timeout: 60_000 });
      expect(await cassandra.locator('.state').textContent()).toMatch(/not answering — cassandra: /);
      expect(await page.locator('[data-source="cassandra"]').getAttribute('class')).toBe('down');
      // The rest goes on: users fetched now are counted, PostgreSQL and Kafka answer.
      const before = (await shownFigures(page)).fetched?.since ?? 0;
      const report = await invoke<FetchReport>('fetch', { seed: `status-down-${run}`, results: 300 });
      for (let waited = 0; ((await shownFigures(page)).fetched?.since ?? 0) < before + report.fetched; waited++) {
        if (waited > 60) throw new Error('the page did not count the users fetched while Cassandra was down');
        await nextReading(page);
      }
      expect((await shownFigures(page)).fetched?.since).toBe(before + report.fetched);
      for (const node of ['postgres', 'raw', 'clean']) expect(await page.locator(`[data-node="${node}"]`).getAttribute('data-state')).toBe('ok');
    } finally {
      await start(cassandraService, ctx);
    }
    // Back: the panel answers again and the users held while it was away reach it.
    await page.locator('[data-node="cassandra"][data-state="ok"]').waitFor({ timeout: 120_000 });
    await expectPageMatchesIndependentCounts();
  }, 400_000);
});
