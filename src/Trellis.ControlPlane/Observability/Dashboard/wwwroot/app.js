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

// Kiali-style grouping: each namespace is a band of its own, its nodes laid out by depth inside a labelled box, so the
// boxes never overlap; bands are stacked in the order traffic first reaches them. Callers outside the mesh have no box.
function layout(graph, size) {
  const depth = layers(graph);
  const byNamespace = new Map();
  for (const n of graph.nodes) {
    const ns = n.kind === 'unknown' ? '' : n.namespace;
    if (!byNamespace.has(ns)) byNamespace.set(ns, []);
    byNamespace.get(ns).push(n);
  }
  const bands = [...byNamespace].map(([namespace, nodes]) => ({ namespace, nodes, first: Math.min(...nodes.map(n => depth.get(n.id))) }))
    .sort((a, b) => a.first - b.first || a.namespace.localeCompare(b.namespace));
  const { nodeW, nodeH, colGap, rowGap, pad, labelH, bandGap } = size;
  const pos = new Map();
  const boxes = [];
  let top = 20, maxDepth = 0;
  for (const band of bands) {
    const columns = new Map();
    for (const n of band.nodes) {
      const d = depth.get(n.id);
      maxDepth = Math.max(maxDepth, d);
      if (!columns.has(d)) columns.set(d, []);
      columns.get(d).push(n);
    }
    const inner = top + (band.namespace ? labelH + pad : 0);
    let rows = 0;
    for (const [d, nodes] of columns) {
      nodes.sort((a, b) => a.id.localeCompare(b.id));
      nodes.forEach((n, i) => pos.set(n.id, { x: 20 + pad + d * (nodeW + colGap), y: inner + i * (nodeH + rowGap) }));
      rows = Math.max(rows, nodes.length);
    }
    const bottom = inner + rows * (nodeH + rowGap) - rowGap + (band.namespace ? pad : 0);
    if (band.namespace) {
      const xs = band.nodes.map(n => pos.get(n.id).x);
      const x = Math.min(...xs) - pad;
      boxes.push({ namespace: band.namespace, x, y: top, width: Math.max(...xs) + nodeW + pad - x, height: bottom - top });
    }
    top = bottom + bandGap;
  }
  return { pos, boxes, width: 40 + 2 * pad + (maxDepth + 1) * (nodeW + colGap) - colGap, height: top - bandGap + 20 };
}

function hrefOf(id) {
  const [kind, rest] = id.split(':');
  return kind === 'service' || kind === 'workload' ? `#/${kind}/${rest.split('/').map(encodeURIComponent).join('/')}` : null;
}

function drawGraph(graph) {
  if (graph.nodes.length === 0) return el('div', { class: 'empty' }, 'No proxies are connected yet.');
  const size = { nodeW: 170, nodeH: 44, colGap: 230, rowGap: 40, pad: 16, labelH: 18, bandGap: 30 };
  const { nodeW, nodeH } = size;
  const { pos, boxes, width, height } = layout(graph, size);
  // The drawing scales to the page's width and keeps its proportions; a small mesh is not blown up past a readable size.
  const svg = el('svg:svg', { class: 'graph', viewBox: `0 0 ${Math.max(width, 1200)} ${height}`, 'data-testid': 'graph' });
  for (const box of boxes) {
    svg.append(el('svg:g', { class: 'namespace', 'data-namespace': box.namespace },
      el('svg:rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 8 }),
      el('svg:text', { x: box.x + 10, y: box.y + 16 }, `namespace ${box.namespace}`)));
  }
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
    const title = n.kind === 'unknown' ? 'unknown (outside the mesh)' : n.name;
    const sub = n.kind === 'service' ? 'service' : n.kind === 'unknown' ? '' : [n.app, n.version].filter(Boolean).join(' · ');
    const href = hrefOf(n.id);
    const node = el('svg:g', { class: `node ${n.kind}${erroring ? ' erroring' : ''}${href ? ' clickable' : ''}`, 'data-node-id': n.id,
      'data-kind': n.kind, 'data-namespace': n.namespace, 'data-rps': n.requestsPerSecond, 'data-error-percent': n.errorPercent ?? '',
      transform: `translate(${p.x},${p.y})` },
      el('svg:title', {}, href ? `open ${n.kind} ${n.namespace}/${n.name}` : title),
      el('svg:rect', { width: nodeW, height: nodeH, rx: n.kind === 'service' ? 18 : 4 }),
      el('svg:text', { x: 8, y: 18 }, title),
      el('svg:text', { x: 8, y: 34, class: 'sub' }, sub));
    if (href) node.addEventListener('click', () => { location.hash = href; });
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

// ---- Services and workloads ------------------------------------------------------------------------------------

function redRows(items, kind) {
  return items.map(s => el('tr', { 'data-name': `${s.namespace}/${s.name}` },
    el('td', {}, el('a', { href: hrefOf(`${kind}:${s.namespace}/${s.name}`) }, s.name)),
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
  return [el('h2', {}, 'Services'), table(headers, redRows(stats.services, 'service'), 'No traffic in this window.'),
    el('h2', {}, 'Workloads'), table(headers, redRows(stats.workloads, 'workload'), 'No traffic in this window.')];
}

// The smallest 1, 2 or 5 times a power of ten at or above the value: a readable top for a chart's scale.
function niceMax(value, floor) {
  const top = Math.max(value, floor);
  const power = 10 ** Math.floor(Math.log10(top));
  return [1, 2, 5, 10].map(m => m * power).find(m => m >= top);
}

// A line chart over the page's rounds; a round without a value (no requests, so no latency) breaks the line rather than
// drawing zero. Each series is one or more polylines carrying its name, and the chart carries its point count.
function timeChart(title, testId, points, series, unit, floor) {
  const w = 480, h = 140, left = 58, bottom = 18, plotW = w - left - 8, plotH = h - bottom - 8;
  const times = points.map(p => Date.parse(p.at));
  const t0 = Math.min(...times), span = Math.max(Math.max(...times) - t0, 1);
  const values = series.flatMap(s => points.map(s.value)).filter(v => v !== null && v !== undefined);
  const max = niceMax(Math.max(0, ...values), floor);
  const x = t => left + ((t - t0) / span) * plotW, y = v => 8 + plotH - (v / max) * plotH;
  const svg = el('svg:svg', { viewBox: `0 0 ${w} ${h}`, width: '100%', height: h, class: 'timechart' },
    el('svg:line', { x1: left, y1: 8 + plotH, x2: left + plotW, y2: 8 + plotH, class: 'axis' }),
    el('svg:line', { x1: left, y1: 8, x2: left + plotW, y2: 8, class: 'grid' }),
    el('svg:text', { x: left - 4, y: 12, 'text-anchor': 'end', class: 'tick' }, `${max}${unit}`),
    el('svg:text', { x: left - 4, y: 8 + plotH, 'text-anchor': 'end', class: 'tick' }, `0${unit}`),
    points.length ? el('svg:text', { x: left, y: h - 3, class: 'tick' }, fmt.time(points[0].at)) : null,
    points.length ? el('svg:text', { x: left + plotW, y: h - 3, 'text-anchor': 'end', class: 'tick' }, fmt.time(points[points.length - 1].at)) : null);
  series.forEach((s, index) => {
    let run = [];
    // A value between two gaps has no line to be part of: it is drawn as a dot.
    const flush = () => {
      if (run.length === 1) {
        const [cx, cy] = run[0].split(',');
        svg.append(el('svg:circle', { class: `series s${index}`, 'data-series': s.name, cx, cy, r: 2.5 }));
      } else if (run.length) svg.append(el('svg:polyline', { class: `series s${index}`, 'data-series': s.name, points: run.join(' ') }));
      run = [];
    };
    points.forEach((p, i) => {
      const v = s.value(p);
      if (v === null || v === undefined) flush();
      else run.push(`${x(times[i]).toFixed(1)},${y(v).toFixed(1)}`);
    });
    flush();
  });
  const legend = series.length > 1
    ? el('div', { class: 'legend' }, series.map((s, i) => el('span', { class: `key s${i}` }, s.name))) : null;
  return el('div', { class: 'chart', 'data-testid': testId, 'data-points': points.length }, el('h3', {}, title), svg, legend);
}

function redCharts(history) {
  return el('div', { class: 'charts' },
    timeChart('requests/s', 'chart-requests', history, [{ name: 'requests/s', value: p => p.requestsPerSecond }], '', 1),
    timeChart('errors (5xx and unanswered)', 'chart-errors', history,
      [{ name: 'error %', value: p => p.successPercent === null ? null : 100 - p.successPercent }], '%', 5),
    timeChart('latency', 'chart-latency', history, [
      { name: 'p50', value: p => p.p50Milliseconds }, { name: 'p95', value: p => p.p95Milliseconds }, { name: 'p99', value: p => p.p99Milliseconds }],
    ' ms', 1));
}

// What the stats API says over the window, with the raw figures kept on the element so they can be checked against it.
function redSummary(row, history) {
  const inHistory = history.reduce((sum, p) => sum + p.requests, 0);
  if (!row) return el('div', { class: 'empty', 'data-testid': 'red-summary', 'data-requests': 0, 'data-history-requests': inHistory },
    'No requests in this window.');
  const figure = (label, value, cls) => el('div', { class: 'figure' }, el('div', { class: `value ${cls || ''}` }, value), el('div', { class: 'muted' }, label));
  return el('div', { class: 'figures', 'data-testid': 'red-summary', 'data-requests': row.requests, 'data-history-requests': inHistory,
    'data-rps': row.requestsPerSecond, 'data-success-percent': row.successPercent, 'data-p50': row.p50Milliseconds,
    'data-p95': row.p95Milliseconds, 'data-p99': row.p99Milliseconds },
    figure('requests', row.requests),
    figure('requests/s', fmt.rate(row.requestsPerSecond)),
    figure('success', fmt.pct(row.successPercent), row.successPercent !== null && row.successPercent < 100 ? 'bad' : 'ok'),
    figure('p50', fmt.ms(row.p50Milliseconds)), figure('p95', fmt.ms(row.p95Milliseconds)), figure('p99', fmt.ms(row.p99Milliseconds)),
    figure('mTLS', fmt.pct(row.mutualTlsPercent)));
}

function endpoint(id) {
  const href = hrefOf(id);
  const label = id === 'unknown' ? 'unknown (outside the mesh)' : id.replace(':', ' ');
  return href ? el('a', { href }, label) : label;
}

function edgeTable(testId, edges, far, empty) {
  const rows = edges.map(e => el('tr', { 'data-source': e.source, 'data-target': e.target, 'data-requests': e.requests },
    el('td', {}, endpoint(far(e))),
    el('td', { class: 'num' }, e.requests),
    el('td', { class: 'num' }, fmt.rate(e.requestsPerSecond)),
    el('td', { class: `num ${e.errorPercent > 0 ? 'bad' : 'ok'}` }, fmt.pct(e.errorPercent)),
    el('td', { class: 'num' }, fmt.ms(e.p95Milliseconds)),
    el('td', {}, e.mutualTls ? 'mTLS' : '-'),
    el('td', { class: 'num' }, fmt.pct(e.sharePercent))));
  return el('div', { 'data-testid': testId },
    table(['peer', 'requests', 'requests/s', 'errors', 'p95', 'security', 'split'], rows, empty));
}

function failureTable(testId, failures, empty) {
  const rows = failures.map(f => el('tr', { 'data-flags': f.responseFlags, 'data-code': f.responseCode },
    el('td', {}, `${f.sourceWorkload}.${f.sourceNamespace} \u2192 ${f.service}.${f.serviceNamespace}`),
    el('td', { class: 'bad' }, f.responseCode), el('td', {}, f.responseFlags), el('td', {}, f.reason),
    el('td', {}, f.route), el('td', {}, f.cluster), el('td', { class: 'num' }, f.count)));
  return el('div', { 'data-testid': testId },
    table(['edge', 'code', 'flags', 'reason', 'route', 'cluster', 'count'], rows, empty));
}

function syncState(proxy) {
  if (proxy.types.some(t => t.nackedVersion)) return 'REJECTED';
  return proxy.types.some(t => t.sentVersion !== t.ackedVersion) ? 'STALE' : 'SYNCED';
}

function proxyTable(proxies, empty) {
  const rows = proxies.map(p => {
    const state = syncState(p);
    return el('tr', { 'data-pod': `${p.pod}.${p.namespace}`, 'data-state': state },
      el('td', {}, `${p.pod}.${p.namespace}`), el('td', {}, p.type),
      el('td', { class: state === 'SYNCED' ? 'ok' : 'bad' }, state),
      el('td', {}, p.types.map(t => `${t.type} ${t.ackedVersion ?? '-'}`).join(', ')),
      el('td', { class: p.warnings.length ? 'warn' : '' }, p.warnings.join('; ')));
  });
  return el('div', { 'data-testid': 'proxy-status' },
    table(['proxy', 'type', 'status', 'acked versions', 'warnings'], rows, empty));
}

const nameOf = id => id.slice(id.indexOf(':') + 1);

// One page per service or workload: RED over time, the figures for the window, its edges in and out, its failures, the
// sync status of the proxies behind it and its recent traces. A workload's services are those whose traffic it
// answered; a service's workloads are those that answered its traffic.
async function entityView(kind, ns, name) {
  if (!ns || !name) throw new Error(`a ${kind} page is #/${kind}/NAMESPACE/NAME`);
  const id = `${kind}:${ns}/${name}`, qualified = encodeURIComponent(`${ns}/${name}`), w = windowSeconds();
  const [stats, history, graph, proxies] = await Promise.all([
    getJson(`/api/v1/stats?window=${w}`),
    getJson(`/api/v1/stats/history?${kind}=${qualified}&window=${w}`),
    getJson(`/api/v1/graph?window=${w}`),
    getJson('/api/v1/proxies')]);
  const node = graph.nodes.find(n => n.id === id);
  const inbound = graph.edges.filter(e => e.target === id), outbound = graph.edges.filter(e => e.source === id);
  const row = (kind === 'service' ? stats.services : stats.workloads).find(r => r.namespace === ns && r.name === name);
  const workloads = kind === 'workload' ? [name] : outbound.filter(e => e.target.startsWith('workload:')).map(e => nameOf(e.target).split('/')[1]);
  const traceService = `${kind === 'workload' && node && node.app ? node.app : name}.${ns}`;
  const failureQueries = kind === 'workload'
    ? [`source=${qualified}`, ...inbound.filter(e => e.source.startsWith('service:')).map(e => `service=${encodeURIComponent(nameOf(e.source))}`)]
    : [`service=${qualified}`];
  const [failureLists, traces] = await Promise.all([
    Promise.all(failureQueries.map(q => getJson(`/api/v1/failures?window=${w}&${q}`))),
    getJson(`/api/v1/traces?service=${encodeURIComponent(traceService)}&limit=10`).catch(() => [])]);
  const sub = kind === 'workload' ? [node && node.app, node && node.version].filter(Boolean).join(' · ') : 'service';
  const failures = kind === 'workload'
    ? [el('h3', {}, 'Requests it sent'), failureTable('failures-sent', failureLists[0], 'None of its requests failed in this window.'),
      el('h3', {}, 'Requests to its services (whichever workload answered)'),
      failureTable('failures-received', failureLists.slice(1).flat(), 'No request to its services failed in this window.')]
    : [failureTable('failures-received', failureLists[0], 'No request to this service failed in this window.')];
  return [
    el('h2', { 'data-testid': 'entity', 'data-kind': kind, 'data-id': id }, `${kind} ${name}.${ns}`, sub ? el('span', { class: 'muted' }, ` ${sub}`) : null),
    redSummary(row, history),
    redCharts(history),
    el('h2', {}, 'Inbound'), edgeTable('inbound-edges', inbound, e => e.source, 'Nothing reached it in this window.'),
    el('h2', {}, 'Outbound'), edgeTable('outbound-edges', outbound, e => e.target, 'It sent nothing in this window.'),
    el('h2', {}, 'Why it failed'), ...failures,
    el('h2', {}, 'Proxy sync status'), proxyTable(proxies.filter(p => p.namespace === ns && workloads.includes(p.workload)),
      'No proxy of it is connected.'),
    el('h2', {}, 'Recent traces'), el('div', { 'data-testid': 'traces' }, traceTable(traces))];
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
  return [el('h2', {}, 'Proxy sync status'), proxyTable(await getJson('/api/v1/proxies'), 'No proxies are connected.')];
}

// ---- Routing -----------------------------------------------------------------------------------------------------

async function render() {
  const [, name, ...rest] = (location.hash || '#/graph').split('/');
  const views = {
    graph: graphView, failures: failuresView, services: servicesView, traces: tracesView, analysis: analysisView, proxies: proxiesView,
    service: () => entityView('service', ...rest.map(decodeURIComponent)),
    workload: () => entityView('workload', ...rest.map(decodeURIComponent)),
    trace: () => traceView(rest[0]),
  };
  const active = name === 'service' || name === 'workload' ? 'services' : name === 'trace' ? 'traces' : name;
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
