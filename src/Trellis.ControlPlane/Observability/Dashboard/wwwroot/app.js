'use strict';
// The dashboard: hash-routed views over the control plane's read APIs. Every value shown comes from proxies or
// configuration, so text is only ever set through textContent and attributes, never parsed as HTML.

const SVG = 'http://www.w3.org/2000/svg';
const view = document.getElementById('view');
const windowSelect = document.getElementById('window');
let refreshTimer = null;

// A window given in the address (?window=900) is kept, so a link shows what its sender saw.
const requestedWindow = new URLSearchParams(location.search).get('window');
if (requestedWindow && [...windowSelect.options].some(o => o.value === requestedWindow)) windowSelect.value = requestedWindow;

function el(tag, attrs, ...children) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.setAttribute('class', value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

const fmt = {
  rate: v => v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2),
  pct: v => v === null || v === undefined ? '-' : `${v.toFixed(v >= 99.95 || v === 0 ? 0 : 1)}%`,
  ms: v => v === null || v === undefined ? '-' : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`,
  time: iso => new Date(iso).toLocaleTimeString(),
};

// TimeSpan arrives as "[d.]hh:mm:ss[.fffffff]".
function millis(span) {
  const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(span || '');
  if (!match) return 0;
  const [, days, hours, minutes, seconds] = match;
  return (((Number(days || 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

function table(headers, rows, empty) {
  if (rows.length === 0) return el('div', { class: 'empty' }, empty);
  return el('table', {},
    el('thead', {}, el('tr', {}, headers.map(h => el('th', {}, h)))),
    el('tbody', {}, rows));
}

function windowSeconds() { return Number(windowSelect.value); }

// ---- Graph -------------------------------------------------------------------------------------------------------

function layers(graph) {
  const incoming = new Map(graph.nodes.map(n => [n.id, 0]));
  for (const e of graph.edges) incoming.set(e.target, (incoming.get(e.target) || 0) + 1);
  const depth = new Map();
  const queue = graph.nodes.filter(n => incoming.get(n.id) === 0).map(n => n.id);
  queue.forEach(id => depth.set(id, 0));
  // Longest path, bounded by the node count so a cycle cannot loop forever.
  for (let round = 0; round < graph.nodes.length; round++) {
    let changed = false;
    for (const e of graph.edges) {
      const d = (depth.get(e.source) ?? 0) + 1;
      if (d > (depth.get(e.target) ?? -1) && d < graph.nodes.length + 1) { depth.set(e.target, d); changed = true; }
    }
    if (!changed) break;
  }
  for (const n of graph.nodes) if (!depth.has(n.id)) depth.set(n.id, 0);
  return depth;
}

// Drawn rather than an emoji: headless and minimal systems often have no emoji font.
function padlock(x, y) {
  return el('svg:g', { class: 'padlock', transform: `translate(${x},${y})` },
    el('svg:title', {}, 'mutual TLS'),
    el('svg:path', { d: 'M2.5,6 V4 a3,3 0 0 1 6,0 V6', fill: 'none', stroke: '#2e7d32', 'stroke-width': 1.4 }),
    el('svg:rect', { x: 0.5, y: 6, width: 10, height: 7, rx: 1, fill: '#2e7d32' }));
}

function drawGraph(graph) {
  if (graph.nodes.length === 0) return el('div', { class: 'empty' }, 'No proxies are connected yet.');
  const depth = layers(graph);
  const columns = new Map();
  for (const n of graph.nodes) {
    const d = depth.get(n.id);
    if (!columns.has(d)) columns.set(d, []);
    columns.get(d).push(n);
  }
  const nodeW = 170, nodeH = 44, colGap = 230, rowGap = 40;
  const pos = new Map();
  let height = 0;
  for (const [d, nodes] of columns) {
    nodes.sort((a, b) => a.id.localeCompare(b.id));
    nodes.forEach((n, i) => pos.set(n.id, { x: 20 + d * (nodeW + colGap), y: 20 + i * (nodeH + rowGap) }));
    height = Math.max(height, 20 + nodes.length * (nodeH + rowGap));
  }
  const width = 40 + columns.size * (nodeW + colGap);
  const svg = el('svg:svg', { class: 'graph', viewBox: `0 0 ${width} ${height}`, height: Math.max(height, 200), 'data-testid': 'graph' });
  for (const e of graph.edges) {
    const a = pos.get(e.source), b = pos.get(e.target);
    if (!a || !b) continue;
    const x1 = a.x + nodeW, y1 = a.y + nodeH / 2, x2 = b.x, y2 = b.y + nodeH / 2;
    const mx = (x1 + x2) / 2;
    const erroring = e.errorPercent > 0;
    const first = [`${fmt.rate(e.requestsPerSecond)} rps`, erroring ? `${fmt.pct(e.errorPercent)} err` : null].filter(Boolean).join(' · ');
    const second = [e.p95Milliseconds !== null ? `p95 ${fmt.ms(e.p95Milliseconds)}` : null,
      e.sharePercent !== null ? `${fmt.pct(e.sharePercent)} split` : null].filter(Boolean).join(' · ');
    const lx = x1 + (x2 - x1) * 0.5, ly = (y1 + y2) / 2;
    svg.append(el('svg:g', {
      class: `edge${erroring ? ' erroring' : ''}`, 'data-source': e.source, 'data-target': e.target,
      'data-rps': e.requestsPerSecond, 'data-error-percent': e.errorPercent, 'data-requests': e.requests,
      'data-mtls': e.mutualTls, 'data-share-percent': e.sharePercent,
    },
      el('svg:path', { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, 'marker-end': 'url(#arrow)' }),
      e.mutualTls ? padlock(lx - 62, ly - 17) : null,
      el('svg:text', { x: lx, y: ly - 6, 'text-anchor': 'middle' }, first),
      el('svg:text', { x: lx, y: ly + 14, 'text-anchor': 'middle' }, second)));
  }
  for (const n of graph.nodes) {
    const p = pos.get(n.id);
    const erroring = n.errorPercent > 0;
    const title = n.kind === 'service' ? n.name : n.kind === 'unknown' ? 'unknown (outside the mesh)' : n.name;
    const sub = n.kind === 'service' ? `service · ${n.namespace}` : n.kind === 'unknown' ? ''
      : [n.namespace, n.app, n.version].filter(Boolean).join(' · ');
    const node = el('svg:g', { class: `node ${n.kind}${erroring ? ' erroring' : ''}`, 'data-node-id': n.id, 'data-kind': n.kind,
      'data-rps': n.requestsPerSecond, 'data-error-percent': n.errorPercent ?? '', transform: `translate(${p.x},${p.y})` },
      el('svg:rect', { width: nodeW, height: nodeH, rx: n.kind === 'service' ? 18 : 4 }),
      el('svg:text', { x: 8, y: 18 }, title),
      el('svg:text', { x: 8, y: 34, class: 'sub' }, sub));
    if (n.kind === 'service') node.addEventListener('click', () => { location.hash = `#/service/${n.namespace}/${n.name}`; });
    svg.append(node);
  }
  svg.prepend(el('svg:defs', {}, el('svg:marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' },
    el('svg:path', { d: 'M0,0 L10,5 L0,10 z', fill: '#90a4ae' }))));
  return svg;
}

async function graphView() {
  const graph = await getJson(`/api/v1/graph?window=${windowSeconds()}`);
  const total = graph.edges.filter(e => e.target.startsWith('service:')).reduce((s, e) => s + e.requestsPerSecond, 0);
  return [el('h2', {}, `Service graph · ${fmt.rate(total)} requests/s into services over the last ${Math.round(graph.windowSeconds)} s`),
    drawGraph(graph)];
}

// ---- Failures ----------------------------------------------------------------------------------------------------

async function failuresView() {
  const failures = await getJson(`/api/v1/failures?window=${windowSeconds()}`);
  const rows = failures.map(f => el('tr', { 'data-flags': f.responseFlags, 'data-code': f.responseCode },
    el('td', {}, `${f.sourceWorkload}.${f.sourceNamespace} \u2192 ${f.service}.${f.serviceNamespace}`),
    el('td', {}, f.reporter),
    el('td', { class: 'bad' }, f.responseCode),
    el('td', {}, f.responseFlags),
    el('td', {}, f.reason),
    el('td', {}, f.route),
    el('td', {}, f.cluster),
    el('td', { class: 'num' }, f.count)));
  return [el('h2', {}, 'Why it failed'),
    table(['edge', 'reported by', 'code', 'flags', 'reason', 'route', 'cluster', 'count'], rows, 'No failed requests in this window.')];
}

// ---- Services ----------------------------------------------------------------------------------------------------

function redRows(items, link) {
  return items.map(s => el('tr', { 'data-name': `${s.namespace}/${s.name}` },
    el('td', {}, link ? el('a', { href: `#/service/${s.namespace}/${s.name}` }, s.name) : s.name),
    el('td', {}, s.namespace),
    el('td', { class: 'num' }, fmt.rate(s.requestsPerSecond)),
    el('td', { class: `num ${s.successPercent !== null && s.successPercent < 100 ? 'bad' : 'ok'}` }, fmt.pct(s.successPercent)),
    el('td', { class: 'num' }, fmt.ms(s.p50Milliseconds)),
    el('td', { class: 'num' }, fmt.ms(s.p95Milliseconds)),
    el('td', { class: 'num' }, fmt.ms(s.p99Milliseconds)),
    el('td', { class: 'num' }, fmt.pct(s.mutualTlsPercent))));
}

async function servicesView() {
  const stats = await getJson(`/api/v1/stats?window=${windowSeconds()}`);
  const headers = ['name', 'namespace', 'requests/s', 'success', 'p50', 'p95', 'p99', 'mTLS'];
  return [el('h2', {}, 'Services'), table(headers, redRows(stats.services, true), 'No traffic in this window.'),
    el('h2', {}, 'Workloads'), table(headers, redRows(stats.workloads, false), 'No traffic in this window.')];
}

function chart(title, points, value, unit) {
  const w = 320, h = 100;
  const values = points.map(value).map(v => v ?? 0);
  const max = Math.max(...values, unit === '%' ? 100 : 1);
  const coords = values.map((v, i) => `${(i / Math.max(values.length - 1, 1)) * w},${h - (v / max) * h}`).join(' ');
  return el('div', { class: 'chart' }, el('h3', {}, `${title} (max ${max.toFixed(1)}${unit})`),
    el('svg:svg', { viewBox: `0 0 ${w} ${h}`, width: '100%', height: h }, el('svg:polyline', { points: coords })));
}

async function serviceView(ns, name) {
  const [history, traces] = await Promise.all([
    getJson(`/api/v1/stats/history?service=${encodeURIComponent(`${ns}/${name}`)}`),
    getJson(`/api/v1/traces?service=${encodeURIComponent(name)}&limit=10`).catch(() => [])]);
  return [el('h2', {}, `${name}.${ns}`),
    el('div', { class: 'charts' },
      chart('requests/s', history, p => p.requestsPerSecond, ''),
      chart('success', history, p => p.successPercent, '%'),
      chart('p95', history, p => p.p95Milliseconds, ' ms')),
    el('h2', {}, 'Recent traces'), traceTable(traces)];
}

// ---- Traces ------------------------------------------------------------------------------------------------------

function traceTable(traces) {
  const rows = traces.map(t => el('tr', { 'data-trace-id': t.traceId },
    el('td', {}, el('a', { href: `#/trace/${t.traceId}` }, t.traceId.slice(0, 12))),
    el('td', {}, `${t.rootService}: ${t.rootName}`),
    el('td', {}, fmt.time(t.start)),
    el('td', { class: 'num' }, fmt.ms(millis(t.duration))),
    el('td', { class: 'num' }, t.spanCount),
    el('td', { class: t.error ? 'bad' : 'ok' }, t.error ? 'error' : 'ok'),
    el('td', {}, t.services.join(', '))));
  return table(['trace', 'root', 'start', 'duration', 'spans', 'status', 'services'], rows, 'No traces recorded yet.');
}

let traceFilter = '';

async function tracesView() {
  const traces = await getJson(`/api/v1/traces?limit=100${traceFilter ? `&service=${encodeURIComponent(traceFilter)}` : ''}`);
  const search = el('input', { type: 'search', placeholder: 'service, for example reviews', value: traceFilter,
    onchange: event => { traceFilter = event.target.value.trim(); render(); } });
  return [el('h2', {}, 'Traces'), search, traceTable(traces)];
}

async function traceView(id) {
  const spans = await getJson(`/api/v1/traces/${encodeURIComponent(id)}`);
  const byId = new Map(spans.map(s => [s.spanId, s]));
  const children = new Map();
  const roots = [];
  for (const s of spans) {
    if (s.parentSpanId && byId.has(s.parentSpanId)) {
      if (!children.has(s.parentSpanId)) children.set(s.parentSpanId, []);
      children.get(s.parentSpanId).push(s);
    } else roots.push(s);
  }
  const start = Math.min(...spans.map(s => Date.parse(s.start)));
  const end = Math.max(...spans.map(s => Date.parse(s.start) + millis(s.duration)));
  const total = Math.max(end - start, 1);
  const rows = [];
  const visit = (span, depth) => {
    const offset = Date.parse(span.start) - start, length = millis(span.duration);
    rows.push(el('div', { class: `span-row${span.error ? ' error' : ''}`, 'data-span-id': span.spanId, 'data-parent-id': span.parentSpanId || '' },
      el('div', { style: `padding-left:${depth * 16}px` }, `${span.service} `, el('span', { class: 'muted' }, `${span.kind.toLowerCase()} ${span.name}`)),
      el('div', { class: 'span-bar' }, el('div', { style: `left:${(offset / total) * 100}%;width:${(length / total) * 100}%` })),
      el('div', { class: 'num' }, fmt.ms(length))));
    for (const child of (children.get(span.spanId) || []).sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) visit(child, depth + 1);
  };
  roots.sort((a, b) => Date.parse(a.start) - Date.parse(b.start)).forEach(r => visit(r, 0));
  return [el('h2', {}, `Trace ${id} · ${spans.length} spans · ${fmt.ms(total)}`), el('div', { class: 'waterfall', 'data-testid': 'waterfall' }, rows)];
}

// ---- Analysis and proxies ----------------------------------------------------------------------------------------

async function analysisView() {
  const findings = await getJson('/api/v1/analysis');
  const rows = findings.map(f => el('tr', {},
    el('td', { class: f.severity === 'Error' ? 'bad' : f.severity === 'Warning' ? 'warn' : 'muted' }, f.severity),
    el('td', {}, f.code), el('td', {}, f.object || ''), el('td', {}, f.field || ''), el('td', {}, f.message)));
  return [el('h2', {}, 'Analysis of the applied configuration'),
    table(['severity', 'code', 'object', 'field', 'message'], rows, '\u2714 No validation issues found.')];
}

async function proxiesView() {
  const proxies = await getJson('/api/v1/proxies');
  const rows = proxies.map(p => {
    const stale = p.types.filter(t => t.sentVersion !== t.ackedVersion);
    const rejected = p.types.filter(t => t.nackedVersion);
    const state = rejected.length ? 'REJECTED' : stale.length ? 'STALE' : 'SYNCED';
    return el('tr', { 'data-pod': `${p.pod}.${p.namespace}` },
      el('td', {}, `${p.pod}.${p.namespace}`), el('td', {}, p.type),
      el('td', { class: state === 'SYNCED' ? 'ok' : 'bad' }, state),
      el('td', {}, p.types.map(t => `${t.type} ${t.ackedVersion ?? '-'}`).join(', ')),
      el('td', { class: p.warnings.length ? 'warn' : '' }, p.warnings.join('; ')));
  });
  return [el('h2', {}, 'Proxy sync status'), table(['proxy', 'type', 'status', 'acked versions', 'warnings'], rows, 'No proxies are connected.')];
}

// ---- Routing -----------------------------------------------------------------------------------------------------

async function render() {
  const [, name, ...rest] = (location.hash || '#/graph').split('/');
  const views = {
    graph: graphView, failures: failuresView, services: servicesView, traces: tracesView, analysis: analysisView, proxies: proxiesView,
    service: () => serviceView(rest[0], rest[1]), trace: () => traceView(rest[0]),
  };
  const active = name === 'service' ? 'services' : name === 'trace' ? 'traces' : name;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.view === active);
  try {
    const content = await (views[name] || graphView)();
    view.replaceChildren(...[content].flat());
    document.getElementById('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.rendered = name || 'graph';
  } catch (error) {
    view.replaceChildren(el('div', { class: 'empty bad' }, `Could not load this view: ${error.message}`));
  }
  clearTimeout(refreshTimer);
  if (name !== 'trace' && name !== 'traces') refreshTimer = setTimeout(render, 5000);
}

window.addEventListener('hashchange', render);
windowSelect.addEventListener('change', render);
render();
