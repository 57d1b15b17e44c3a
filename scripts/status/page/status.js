// The status page: polls /api/status every 2 s, draws the flow, the charts (uPlot) and the tables.
// Each part is drawn on its own, so one that fails to draw leaves the others updating.
import { count, el, renderFlow } from './flow.js';

const POLL_MS = 2000;
const KEEP_MS = 15 * 60_000;
const RATE_SERIES = [
  ['fetched', 'fetched', '#7a5af8'],
  ['persisted', 'raw_users', '#2e90fa'],
  ['published', 'published', '#0ba5ec'],
  ['raw', 'users.raw', '#15b79e'],
  ['transformed', 'transformed', '#66c61c'],
  ['clean', 'users.clean', '#eaaa08'],
  ['sunk', 'sunk', '#ef6820'],
  ['deadLettered', 'dead letters', '#d92d20'],
];
const LEVEL_SERIES = [
  ['transformLag', 'transform lag', '#15b79e'],
  ['sinkLag', 'sink lag', '#ef6820'],
  ['pending', 'outbox pending', '#2e90fa'],
];

const history = { t: [], rates: {}, levels: {} };
const charts = {};
let lastAt = 0;

function table(id, headings, rows) {
  const head = el(
    'tr',
    {},
    headings.map(([text, numeric]) => el('th', { class: numeric ? 'num' : undefined }, text)),
  );
  const body = rows.map((cells) =>
    el(
      'tr',
      {},
      cells.map((cell, i) => el('td', { class: cell?.className ?? (headings[i]?.[1] ? 'num' : undefined) }, cell?.text ?? cell)),
    ),
  );
  const element = document.getElementById(id);
  element.replaceChildren(head, ...body);
  element.classList.remove('down');
}

function unavailable(id, source) {
  table(id, [[`${source.error ?? 'no answer'}`]], []);
  document.getElementById(id).classList.add('down');
}

function time(ms) {
  return new Date(ms).toLocaleTimeString('en-GB');
}

function drawSources(snapshot) {
  const items = Object.entries(snapshot.sources).map(([name, s]) =>
    el('li', { class: s.ok ? 'ok' : 'down', 'data-source': name, title: s.error ?? 'answering' }, `${s.ok ? '●' : '○'} ${name}`),
  );
  document.getElementById('sources').replaceChildren(...items);
  const every = (snapshot.sampleEveryMs / 1000).toFixed(0);
  document.getElementById('clock').textContent = `read ${time(snapshot.at)} · every ${every} s · since ${time(snapshot.startedAt)}`;
}

function mergeHistory(view) {
  history.t.push(...view.t);
  for (const [name, values] of Object.entries(view.rates)) (history.rates[name] ??= []).push(...values);
  for (const [name, values] of Object.entries(view.levels)) (history.levels[name] ??= []).push(...values);
  const cut = history.t.findIndex((t) => t >= Date.now() - KEEP_MS);
  if (cut > 0) {
    history.t.splice(0, cut);
    for (const values of [...Object.values(history.rates), ...Object.values(history.levels)]) values.splice(0, cut);
  }
}

function chart(id, series, values) {
  const container = document.getElementById(id);
  const data = [history.t.map((t) => t / 1000), ...series.map(([name]) => values[name] ?? history.t.map(() => null))];
  if (!charts[id]) {
    charts[id] = new uPlot(
      {
        width: Math.max(320, container.clientWidth),
        height: 240,
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [{}, ...series.map(([, label, stroke]) => ({ label, stroke, width: 2, spanGaps: false }))],
        axes: [{}, { size: 60 }],
      },
      data,
      container,
    );
    new ResizeObserver(() => charts[id].setSize({ width: Math.max(320, container.clientWidth), height: 240 })).observe(container);
  } else {
    charts[id].setData(data);
  }
}

function drawStages(snapshot) {
  const ms = (n) => (n === null ? '' : Math.round(n));
  table(
    'stages',
    [['stage'], ['invocations', 1], ['in', 1], ['out', 1], ['dead-lettered', 1], ['failures', 1], ['batch ms avg', 1], ['last', 1], ['max', 1]],
    snapshot.stages.map((s) => [
      s.stage,
      count(s.invocations),
      count(s.recordsIn),
      count(s.recordsOut),
      count(s.deadLettered),
      count(s.failures),
      ms(s.avgDurationMs),
      ms(s.lastDurationMs),
      ms(s.maxDurationMs),
    ]),
  );
}

function drawPartitions(snapshot) {
  if (!snapshot.sources.kafka.ok) return unavailable('partitions', snapshot.sources.kafka);
  table(
    'partitions',
    [['group'], ['topic'], ['partition', 1], ['committed', 1], ['end', 1], ['lag', 1]],
    snapshot.partitions.map((p) => [p.group, p.topic, p.partition, p.committed === undefined ? '—' : count(p.committed), count(p.high), count(p.lag)]),
  );
}

function drawMappings(snapshot) {
  if (!snapshot.mappings) return unavailable('mappings', snapshot.sources.mappings);
  const errors = (m) => Object.values(m.errors).reduce((sum, n) => sum + n, 0);
  table(
    'mappings',
    [['mapping'], ['state'], ['pollers', 1], ['polled', 1], ['invoked', 1], ['failed', 1], ['to destination', 1], ['committed', 1], ['errors', 1], ['lag', 1]],
    snapshot.mappings.mappings.map((m) => [
      `${m.functionKey} ← ${m.topic}`,
      { text: snapshot.mappings.state === 'running' ? m.state : `${m.state} (sls offline stopped)`, className: m.state === 'consuming' ? 'ok' : 'down' },
      m.pollers,
      count(m.events.PolledEventCount),
      count(m.events.InvokedEventCount),
      count(m.events.FailedInvokeEventCount),
      count(m.events.OnFailureDestinationDeliveredEventCount),
      count(m.events.CommittedEventCount),
      count(errors(m)),
      count(m.sumOffsetLag),
    ]),
  );
}

function drawDeadLetters(snapshot) {
  const dl = snapshot.deadLetters;
  if (!dl) {
    unavailable('dead-letter-reasons', snapshot.sources.deadLetters);
    return unavailable('dead-letters', snapshot.sources.deadLetters);
  }
  table(
    'dead-letter-reasons',
    [['stage'], ['reason'], ['read', 1]],
    dl.byReason.map((r) => [r.stage, r.reason, count(r.count)]),
  );
  table(
    'dead-letters',
    [['failed at'], ['stage'], ['reason'], ['source'], ['key'], ['preview']],
    dl.latest.map((d) => [
      { text: d.failedAt.replace('T', ' ').replace('Z', ''), className: 'when' },
      d.stage,
      { text: d.reason, className: 'reason' },
      { text: d.source ? `${d.source.topic}-${d.source.partition}@${d.source.offset}` : '?', className: 'source' },
      d.key ?? '',
      { text: `${d.preview.kind}: ${d.preview.text}`, className: 'preview' },
    ]),
  );
}

function drawRegistry(snapshot) {
  if (!snapshot.registry) return unavailable('registry', snapshot.sources.registry);
  const { pipeline, others } = snapshot.registry;
  table(
    'registry',
    [['subject'], ['versions'], ['latest id', 1]],
    [
      ...pipeline.map((s) => [s.subject, s.versions.join(', '), s.latestId ?? '?']),
      ...(others.length ? [[{ text: `and ${others.length} other subjects (tests, benchmarks)`, className: 'note' }, '', '']] : []),
    ],
  );
}

function drawServices(snapshot) {
  if (!snapshot.services) return unavailable('services', snapshot.sources.services);
  table(
    'services',
    [['service'], ['state'], ['endpoint'], ['memory', 1]],
    snapshot.services.map((s) => [s.name, { text: s.state, className: s.state === 'running' ? 'ok' : 'down' }, s.endpoint, s.rssMb ? `${s.rssMb} MB` : '']),
  );
}

const PARTS = [
  drawSources,
  (s) => renderFlow(document.getElementById('flow'), s),
  () => chart('rates-chart', RATE_SERIES, history.rates),
  () => chart('lag-chart', LEVEL_SERIES, history.levels),
  drawStages,
  drawMappings,
  drawPartitions,
  drawDeadLetters,
  drawRegistry,
  drawServices,
];

async function poll() {
  try {
    const response = await fetch(`/api/status?since=${lastAt}`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const snapshot = await response.json();
    mergeHistory(snapshot.history);
    lastAt = history.t.at(-1) ?? lastAt;
    for (const draw of PARTS) {
      try {
        draw(snapshot);
      } catch (err) {
        console.error('status page: a part failed to draw', err);
      }
    }
    document.body.dataset.updated = String(snapshot.at);
  } catch (err) {
    document.getElementById('clock').textContent = `the status server does not answer (${err.message}); retrying`;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
