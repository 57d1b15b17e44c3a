/** `npm run status`'s text: the snapshot the page shows, as lines for a terminal. Pure. */
import type { Figure, StatusSnapshot } from './snapshot';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '?' : integer.format(n);
}

function figure(f: Figure): string {
  const parts: string[] = [];
  if (f.sinceStart !== undefined) parts.push(count(f.sinceStart));
  if (f.rate !== undefined && f.rate !== null) parts.push(`${decimal.format(f.rate)}/s`);
  if (f.value !== undefined) parts.push(f.sinceStart !== undefined ? `(of ${count(f.value)})` : count(f.value));
  if (f.note) parts.push(f.note);
  return `${f.label} ${parts.join(' ')}`;
}

function time(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function formatSnapshot(s: StatusSnapshot): string {
  const lines: string[] = [];
  lines.push(`read ${time(s.at)} UTC, counting since ${time(s.startedAt)} UTC`);
  const down = Object.entries(s.sources).filter(([, source]) => !source.ok);
  lines.push(down.length === 0 ? 'every source answers' : `not answering: ${down.map(([name, source]) => `${name} (${source.error})`).join('; ')}`);
  lines.push('', 'flow');
  for (const node of s.flow) {
    const failed = node.sources.filter((name) => !s.sources[name].ok);
    lines.push(`  ${node.label}${failed.length ? ` — not answering (${failed.join(', ')})` : ''}`);
    for (const f of node.figures) lines.push(`      ${figure(f)}`);
    if (node.stage) lines.push(`    ↓ ${node.stage}`);
  }
  lines.push('', 'stages (the functions’ metrics): invocations · in · out · dead-lettered · failures · avg batch ms');
  for (const st of s.stages) {
    const avg = st.avgDurationMs === null ? '-' : String(Math.round(st.avgDurationMs));
    lines.push(`  ${st.stage.padEnd(10)} ${[st.invocations, st.recordsIn, st.recordsOut, st.deadLettered, st.failures].map(count).join(' · ')} · ${avg}`);
  }
  lines.push('', 'partitions: group topic partition committed end lag');
  for (const p of s.partitions)
    lines.push(`  ${p.group} ${p.topic} ${p.partition} ${p.committed === undefined ? '-' : count(p.committed)} ${count(p.high)} ${count(p.lag)}`);
  lines.push('', 'event source mappings (offline-kafka): state · pollers · polled · invoked · failed · to destination · committed · errors · lag');
  for (const m of s.mappings?.mappings ?? []) {
    const e = m.events;
    const errors = Object.values(m.errors).reduce((sum, n) => sum + n, 0);
    const counts = [
      e.PolledEventCount,
      e.InvokedEventCount,
      e.FailedInvokeEventCount,
      e.OnFailureDestinationDeliveredEventCount,
      e.CommittedEventCount,
      errors,
      m.sumOffsetLag,
    ];
    lines.push(`  ${m.functionKey} ← ${m.topic} ${m.state} · ${m.pollers} · ${counts.map(count).join(' · ')}`);
  }
  if (!s.mappings) lines.push(`  ? (${s.sources.mappings.error})`);
  lines.push('', 'dead letters (latest)');
  for (const d of s.deadLetters?.latest.slice(0, 5) ?? []) {
    const source = d.source ? `${d.source.topic}-${d.source.partition}@${d.source.offset}` : '?';
    lines.push(`  ${d.failedAt} ${d.stage} ${source}: ${d.reason}`);
  }
  if (!s.deadLetters) lines.push(`  ? (${s.sources.deadLetters.error})`);
  lines.push('', 'schema registry');
  for (const r of s.registry?.pipeline ?? []) lines.push(`  ${r.subject} v${r.versions.join(',')} (latest id ${r.latestId ?? '?'})`);
  if (s.registry?.others.length) lines.push(`  and ${s.registry.others.length} other subjects (tests, benchmarks)`);
  if (!s.registry) lines.push(`  ? (${s.sources.registry.error})`);
  lines.push('', 'services');
  for (const v of s.services ?? []) lines.push(`  ${v.name.padEnd(16)} ${v.state.padEnd(10)} ${v.endpoint}`);
  if (!s.services) lines.push(`  ? (${s.sources.services.error})`);
  return `${lines.join('\n')}\n`;
}
