/**
 * What the status page and `npm run status` show, built from the sources' latest readings: the
 * flow as the pipeline is drawn (API → PostgreSQL → users.raw → users.clean → Cassandra, users.dlq
 * beside), each hop's count since start and rate now, per-partition offsets and lag, the dead
 * letters, the registry, the services and the functions' own metrics. Pure. A source that did not
 * answer leaves its figures unknown (null in JSON) and says why; every other part is still built.
 */
import type { FunctionKey } from '../../layers/config';
import type { DeadLetterReading } from './sources/dead-letters';
import type { StageTotals } from './emf';
import type { HistoryView } from './flow';
import type { CassandraReading } from './sources/cassandra';
import type { GroupReading, KafkaReading } from './sources/kafka';
import type { MappingsReading } from './sources/mappings';
import type { PostgresReading } from './sources/postgres';
import type { RegistryReading } from './sources/registry';
import type { ServiceReading } from './sources/services';

export const SOURCE_NAMES = ['postgres', 'kafka', 'deadLetters', 'cassandra', 'registry', 'services', 'metrics', 'mappings'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export interface SourceState<T> {
  value?: T;
  /** When it last answered or failed, ms since the epoch; undefined before its first reading. */
  at?: number;
  error?: string;
}

export interface Readings {
  postgres: SourceState<PostgresReading>;
  kafka: SourceState<KafkaReading>;
  deadLetters: SourceState<DeadLetterReading>;
  cassandra: SourceState<CassandraReading>;
  registry: SourceState<RegistryReading>;
  services: SourceState<ServiceReading[]>;
  metrics: SourceState<Map<string, StageTotals>>;
  mappings: SourceState<MappingsReading>;
}

/** The rate series and levels of the history, in the flow's order. */
export const RATE_SERIES = ['fetched', 'persisted', 'published', 'raw', 'transformed', 'clean', 'deadLettered', 'sunk'] as const;
export const LEVEL_SERIES = ['pending', 'transformLag', 'sinkLag'] as const;

export interface Figure {
  /** Stable name of the figure (the page's and the tests' handle on it). */
  key: string;
  label: string;
  /** Count since the status server started. */
  sinceStart?: number | null;
  /** Per second, over the last seconds. */
  rate?: number | null;
  /** A level or a total as read now (pending rows, lag, records a topic has had). */
  value?: number | null;
  /** Shown after the value, e.g. "or more" when a count was capped. */
  note?: string;
}

export interface FlowNode {
  id: 'api' | 'postgres' | 'raw' | 'clean' | 'cassandra' | 'dlq';
  label: string;
  /** The stage that carries records out of this node, drawn on the arrow to the next. */
  stage?: string;
  /** The sources the node's figures come from; it shows as not answering when one failed. */
  sources: SourceName[];
  figures: Figure[];
}

export interface StageRow extends StageTotals {
  stage: string;
  avgDurationMs: number | null;
}

export interface StatusSnapshot {
  at: number;
  startedAt: number;
  sampleEveryMs: number;
  sources: Record<SourceName, { ok: boolean; at: number | null; error: string | null }>;
  flow: FlowNode[];
  partitions: (Omit<GroupReading, 'partitions' | 'consumed' | 'lag'> & GroupReading['partitions'][number])[];
  deadLetters: DeadLetterReading | null;
  registry: RegistryReading | null;
  services: ServiceReading[] | null;
  cassandra: CassandraReading | null;
  /** The event source mappings as offline-kafka reports them. */
  mappings: MappingsReading | null;
  stages: StageRow[];
  history: HistoryView;
}

export interface FlowFigures {
  counts: Record<string, number | undefined>;
  rates: Record<string, number | undefined>;
  levels: Record<string, number | undefined>;
  totals: { raw?: number; clean?: number; dlq?: number; transformed?: number; sunk?: number };
}

const known = (n: number | undefined): number | null => (n === undefined ? null : n);

/** A stage's name, checked against the manifest's functions. */
const stage = (key: FunctionKey): string => key;

function flow(readings: Readings, f: FlowFigures): FlowNode[] {
  const since = (series: string, label: string): Figure => ({ key: series, label, sinceStart: known(f.counts[series]), rate: known(f.rates[series]) });
  const pg = readings.postgres.value;
  const pendingNote = pg?.pendingCapped ? 'or more' : undefined;
  const cassandra = readings.cassandra.value;
  const transform = stage('transform');
  const sink = stage('sink');
  return [
    {
      id: 'api',
      label: 'randomuser API',
      stage: `${stage('fetch')} → ${stage('persist')}`,
      sources: ['metrics'],
      figures: [since('fetched', 'users fetched')],
    },
    {
      id: 'postgres',
      label: 'PostgreSQL',
      stage: stage('publish'),
      sources: ['postgres'],
      figures: [
        since('persisted', 'raw_users added'),
        since('rejected', 'rejected_users added'),
        since('queued', 'outbox rows queued'),
        { key: 'pending', label: 'outbox pending', value: known(f.levels.pending), note: pendingNote },
        since('published', 'outbox rows published'),
      ],
    },
    {
      id: 'raw',
      label: 'users.raw',
      stage: transform,
      sources: ['kafka'],
      figures: [
        { ...since('raw', 'records written'), value: known(f.totals.raw) },
        { ...since('transformed', `read by ${transform}`), value: known(f.totals.transformed) },
        { key: 'transformLag', label: `${transform} lag`, value: known(f.levels.transformLag) },
      ],
    },
    {
      id: 'clean',
      label: 'users.clean',
      stage: sink,
      sources: ['kafka'],
      figures: [
        { ...since('clean', 'records written'), value: known(f.totals.clean) },
        { key: 'sinkLag', label: `${sink} lag`, value: known(f.levels.sinkLag) },
      ],
    },
    {
      id: 'cassandra',
      label: 'Cassandra created_users',
      sources: ['cassandra', 'kafka'],
      figures: [
        { ...since('sunk', `committed by ${sink}`), value: known(f.totals.sunk) },
        { key: 'estimatedRows', label: 'rows (the node’s estimate)', value: known(cassandra?.estimatedRows) },
        { key: 'answeredInMs', label: 'answers in ms', value: cassandra ? Math.round(cassandra.answeredInMs) : null },
      ],
    },
    { id: 'dlq', label: 'users.dlq', sources: ['kafka'], figures: [{ ...since('deadLettered', 'dead letters'), value: known(f.totals.dlq) }] },
  ];
}

function stageRows(totals: Map<string, StageTotals> | undefined, stageOrder: readonly string[]): StageRow[] {
  return stageOrder.map((name) => {
    const t = totals?.get(name);
    const row = t ?? { invocations: 0, failures: 0, recordsIn: 0, recordsOut: 0, deadLettered: 0, lastDurationMs: 0, maxDurationMs: 0, totalDurationMs: 0 };
    return { stage: name, ...row, avgDurationMs: row.invocations > 0 ? row.totalDurationMs / row.invocations : null };
  });
}

export function buildSnapshot(
  readings: Readings,
  figures: FlowFigures,
  meta: { at: number; startedAt: number; sampleEveryMs: number; stageOrder: readonly string[]; history: HistoryView },
): StatusSnapshot {
  const sources = Object.fromEntries(
    SOURCE_NAMES.map((name) => {
      const s = readings[name];
      return [name, { ok: s.at !== undefined && s.error === undefined, at: s.at ?? null, error: s.error ?? (s.at === undefined ? 'not read yet' : null) }];
    }),
  ) as StatusSnapshot['sources'];
  return {
    at: meta.at,
    startedAt: meta.startedAt,
    sampleEveryMs: meta.sampleEveryMs,
    sources,
    flow: flow(readings, figures),
    partitions: (readings.kafka.value?.groups ?? []).flatMap(({ group, topic, partitions }) => partitions.map((p) => ({ group, topic, ...p }))),
    deadLetters: readings.deadLetters.value ?? null,
    registry: readings.registry.value ?? null,
    services: readings.services.value ?? null,
    cassandra: readings.cassandra.value ?? null,
    mappings: readings.mappings.value ?? null,
    stages: stageRows(readings.metrics.value, meta.stageOrder),
    history: meta.history,
  };
}
