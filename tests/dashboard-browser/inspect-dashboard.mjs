// Opens the Trellis dashboard in headless Chromium, reads what each view shows and saves a screenshot of it.
// Usage: node inspect-dashboard.mjs DASHBOARD_URL SCREENSHOT_DIR [NAMESPACE/WORKLOAD]. With a workload, also clicks its
// node in the graph and reads the workload page that opens. Prints one JSON object with what it read.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [url, outDir, workload] = process.argv.slice(2);
if (!url || !outDir) {
  console.error('usage: node inspect-dashboard.mjs DASHBOARD_URL SCREENSHOT_DIR [NAMESPACE/WORKLOAD]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // Root in a container has no user namespace sandbox to give Chromium.
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const result = { consoleErrors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on('console', message => { if (message.type() === 'error') result.consoleErrors.push(message.text()); });
  page.on('pageerror', error => result.consoleErrors.push(error.message));

  async function open(hash, ready) {
    await page.goto(`${url}${hash}`);
    await page.waitForFunction(view => document.body.dataset.rendered === view, hash.split('/')[1], { timeout: 20000 });
    if (ready) await page.waitForSelector(ready, { timeout: 20000 });
  }

  await open('#/graph', '[data-testid=graph] .edge');
  result.graph = await page.evaluate(() => {
    // Boxes and nodes in page pixels, so that a node can be checked to lie inside its namespace's box.
    const bounds = element => {
      const r = element.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    return {
      namespaces: [...document.querySelectorAll('[data-testid=graph] .namespace')].map(g => ({
        namespace: g.dataset.namespace, label: g.textContent, bounds: bounds(g.querySelector('rect')),
      })),
      nodes: [...document.querySelectorAll('[data-testid=graph] .node')].map(n => ({
        id: n.dataset.nodeId, kind: n.dataset.kind, namespace: n.dataset.namespace, rps: Number(n.dataset.rps), text: n.textContent,
        bounds: bounds(n.querySelector('rect')),
      })),
      edges: [...document.querySelectorAll('[data-testid=graph] .edge')].map(e => ({
        source: e.dataset.source, target: e.dataset.target, requests: Number(e.dataset.requests), rps: Number(e.dataset.rps),
        errorPercent: Number(e.dataset.errorPercent), mutualTls: e.dataset.mtls === 'true',
        sharePercent: e.dataset.sharePercent === undefined ? null : Number(e.dataset.sharePercent), label: e.textContent,
      })),
    };
  });
  await page.screenshot({ path: join(outDir, 'graph.png'), fullPage: true });

  if (workload) {
    await page.click(`[data-testid=graph] .node[data-node-id="workload:${workload}"]`);
    await page.waitForFunction(() => document.body.dataset.rendered === 'workload', null, { timeout: 20000 });
    await page.waitForSelector('[data-testid=chart-requests] polyline', { timeout: 20000 });
    result.workloadPage = await page.evaluate(() => {
      const rows = testId => [...document.querySelectorAll(`[data-testid=${testId}] tbody tr`)];
      return {
        hash: location.hash,
        heading: document.querySelector('[data-testid=entity]').textContent,
        summary: { ...document.querySelector('[data-testid=red-summary]').dataset },
        charts: [...document.querySelectorAll('[data-testid^=chart-]')].map(c => ({
          id: c.dataset.testid, points: Number(c.dataset.points),
          // A round whose neighbours have no value is drawn as a dot: a run of one point.
          lines: [...c.querySelectorAll('polyline, circle.series')].map(l => ({
            series: l.dataset.series, points: l.tagName === 'circle' ? 1 : l.getAttribute('points').trim().split(/\s+/).length })),
        })),
        inbound: rows('inbound-edges').map(r => ({ source: r.dataset.source, target: r.dataset.target, requests: Number(r.dataset.requests) })),
        outbound: rows('outbound-edges').map(r => ({ source: r.dataset.source, target: r.dataset.target, requests: Number(r.dataset.requests) })),
        proxies: rows('proxy-status').map(r => ({ pod: r.dataset.pod, state: r.dataset.state })),
        failures: rows('failures-sent').length + rows('failures-received').length,
        traces: rows('traces').length,
      };
    });
    await page.screenshot({ path: join(outDir, 'workload.png'), fullPage: true });

    // The service in front of it, through the link in its inbound edges.
    await page.click('[data-testid=inbound-edges] tbody tr a[href^="#/service/"]');
    await page.waitForFunction(() => document.body.dataset.rendered === 'service', null, { timeout: 20000 });
    await page.waitForSelector('[data-testid=chart-requests] polyline', { timeout: 20000 });
    result.servicePage = await page.evaluate(() => ({
      hash: location.hash,
      summary: { ...document.querySelector('[data-testid=red-summary]').dataset },
      outbound: [...document.querySelectorAll('[data-testid=outbound-edges] tbody tr')].map(r => r.dataset.target),
    }));
    await page.screenshot({ path: join(outDir, 'service.png'), fullPage: true });
  }

  await open('#/failures');
  result.failures = await page.evaluate(() => [...document.querySelectorAll('tbody tr')].map(r => ({
    code: r.dataset.code, flags: r.dataset.flags, cells: [...r.cells].map(c => c.textContent),
  })));
  await page.screenshot({ path: join(outDir, 'failures.png'), fullPage: true });

  await open('#/services');
  result.services = await page.evaluate(() => [...document.querySelectorAll('tbody tr[data-name]')].map(r => ({
    name: r.dataset.name, cells: [...r.cells].map(c => c.textContent),
  })));
  await page.screenshot({ path: join(outDir, 'services.png'), fullPage: true });

  await open('#/traces');
  const firstTrace = await page.$('tbody tr[data-trace-id] a');
  if (firstTrace) {
    await firstTrace.click();
    await page.waitForSelector('[data-testid=waterfall] .span-row', { timeout: 20000 });
    result.trace = await page.evaluate(() => [...document.querySelectorAll('[data-testid=waterfall] .span-row')].map(r => ({
      spanId: r.dataset.spanId, parentId: r.dataset.parentId, text: r.textContent,
    })));
    await page.screenshot({ path: join(outDir, 'trace.png'), fullPage: true });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
