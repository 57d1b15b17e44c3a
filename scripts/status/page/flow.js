// The status page's drawing helpers and the flow: nodes in the pipeline's order with the stage
// that carries records between them on each arrow, users.dlq below. Text only through
// textContent: dead letters carry arbitrary bytes.

/** An element with attributes and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** A count as people read it; "?" when its source did not answer. */
export function count(n) {
  return n === null || n === undefined ? '?' : integer.format(n);
}

export function perSecond(n) {
  return n === null || n === undefined ? '' : `${decimal.format(n)}/s`;
}

/** Whether every source a node reads answered at the last sample. */
function nodeState(node, sources) {
  const failed = node.sources.filter((name) => !sources[name]?.ok);
  return failed.length === 0
    ? { ok: true, text: 'answering' }
    : { ok: false, text: failed.map((name) => `${name}: ${sources[name]?.error ?? 'no answer'}`).join('; ') };
}

function figure(f) {
  const since = f.sinceStart !== undefined;
  return el(
    'div',
    { class: 'figure', 'data-figure': f.key },
    el('span', { class: 'label' }, f.label),
    el(
      'span',
      {},
      since ? el('span', { class: 'since', title: 'since the page’s server started' }, count(f.sinceStart)) : null,
      since && f.rate !== undefined ? el('span', { class: 'rate' }, ` ${perSecond(f.rate)}`) : null,
      f.value !== undefined ? el('span', { class: since ? 'total' : 'since' }, since ? ` (of ${count(f.value)})` : count(f.value)) : null,
      f.note ? el('span', { class: 'note' }, ` ${f.note}`) : null,
    ),
  );
}

function nodeBox(node, sources) {
  const state = nodeState(node, sources);
  return el(
    'section',
    { class: `node${state.ok ? '' : ' down'}`, 'data-node': node.id, 'data-state': state.ok ? 'ok' : 'down' },
    el('h3', {}, node.label),
    el('p', { class: `state ${state.ok ? 'ok' : 'down'}` }, state.ok ? '● answering' : `● not answering — ${state.text}`),
    node.figures.map(figure),
  );
}

export function renderFlow(container, snapshot) {
  const row = snapshot.flow.filter((node) => node.id !== 'dlq');
  const dlq = snapshot.flow.find((node) => node.id === 'dlq');
  const parts = [];
  row.forEach((node, index) => {
    parts.push(nodeBox(node, snapshot.sources));
    if (index < row.length - 1) parts.push(el('div', { class: 'arrow', 'data-stage': node.stage }, node.stage ?? ''));
  });
  if (dlq) {
    parts.push(el('div', { class: 'dlq-arrow' }, 'publish · transform · sink dead-letter ⟶'));
    parts.push(nodeBox(dlq, snapshot.sources));
  }
  container.replaceChildren(...parts);
}
