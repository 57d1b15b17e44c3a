/**
 * For the status page's browser test: what the page shows, read from its DOM as a person reads it,
 * and the same figures counted independently — count(*) in PostgreSQL, the topics' end offsets and
 * the consumer groups' committed offsets through Kafka's admin API.
 */
import type { Admin } from 'kafkajs';
import type { Page } from 'playwright-core';
import type { Pool } from 'pg';
import { topology } from '../../layers/config';
import { config } from './pipeline-harness';

/** A figure of the flow as shown: its count since start, and the total or level beside it. */
export interface ShownFigure {
  since: number | undefined;
  total: number | undefined;
}

/** "12,345" → 12345; "?" or nothing → undefined. */
function number(text: string | null | undefined): number | undefined {
  const digits = text?.replace(/[^\d]/g, '');
  return digits ? Number(digits) : undefined;
}

export async function shownFigures(page: Page): Promise<Record<string, ShownFigure>> {
  const texts = await page.$$eval('[data-figure]', (nodes) =>
    nodes.map(
      (n) => [n.getAttribute('data-figure') ?? '', n.querySelector('.since')?.textContent ?? null, n.querySelector('.total')?.textContent ?? null] as const,
    ),
  );
  return Object.fromEntries(texts.map(([key, since, total]) => [key, { since: number(since), total: number(total) }]));
}

/** The stages table (the functions' metrics), as shown: stage → column → number. */
export async function shownStages(page: Page): Promise<Record<string, Record<string, number | undefined>>> {
  const rows = await page.$$eval('#stages tr', (trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent ?? '')));
  const [head = [], ...body] = rows;
  return Object.fromEntries(body.map((cells) => [cells[0], Object.fromEntries(head.slice(1).map((name, i) => [name, number(cells[i + 1])]))]));
}

/** Waits for the page to draw a reading taken after this call. */
export async function nextReading(page: Page): Promise<void> {
  const asked = Date.now();
  // An expression, not a function: the project's TypeScript has no DOM types.
  await page.waitForFunction(`Number(document.body.dataset.updated ?? 0) > ${asked}`, undefined, { timeout: 30_000 });
}

export interface PostgresCounts {
  rawUsers: number;
  rejectedUsers: number;
  published: number;
  pending: number;
}

export async function postgresCounts(pool: Pool): Promise<PostgresCounts> {
  const { rows } = await pool.query<Record<keyof PostgresCounts, string>>(
    `SELECT (SELECT count(*) FROM raw_users) AS "rawUsers", (SELECT count(*) FROM rejected_users) AS "rejectedUsers",
            (SELECT count(*) FROM outbox WHERE published_at IS NOT NULL) AS published, (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS pending`,
  );
  const row = rows[0]!;
  return { rawUsers: Number(row.rawUsers), rejectedUsers: Number(row.rejectedUsers), published: Number(row.published), pending: Number(row.pending) };
}

export interface KafkaCounts {
  rawEnd: number;
  cleanEnd: number;
  dlqEnd: number;
  transformCommitted: number;
  sinkCommitted: number;
  sinkLag: number;
}

async function ends(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
}

async function committed(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((offsets?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
}

const sum = (m: Map<number, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

export async function kafkaCounts(admin: Admin): Promise<KafkaCounts> {
  const { raw, clean, dlq } = config.topics;
  const [rawEnd, cleanEnd, dlqEnd, transform, sink] = await Promise.all([
    ends(admin, raw),
    ends(admin, clean),
    ends(admin, dlq),
    committed(admin, topology.kafka.consumerGroups.transform, raw),
    committed(admin, topology.kafka.consumerGroups.sink, clean),
  ]);
  return {
    rawEnd: sum(rawEnd),
    cleanEnd: sum(cleanEnd),
    dlqEnd: sum(dlqEnd),
    transformCommitted: sum(transform),
    sinkCommitted: sum(sink),
    sinkLag: [...cleanEnd].reduce((total, [partition, end]) => total + end - (sink.get(partition) ?? 0), 0),
  };
}
