// Opens the Trellis dashboard in headless Chromium, reads what each view shows and saves a screenshot of it.
// Usage: node inspect-dashboard.mjs DASHBOARD_URL SCREENSHOT_DIR. Prints one JSON object with what it read.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [url, outDir] = process.argv.slice(2);
if (!url || !outDir) {
  console.error('usage: node inspect-dashboard.mjs DASHBOARD_URL SCREENSHOT_DIR');
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
  result.graph = await page.evaluate(() => ({
    nodes: [...document.querySelectorAll('[data-testid=graph] .node')].map(n => ({
      id: n.dataset.nodeId, kind: n.dataset.kind, rps: Number(n.dataset.rps), text: n.textContent,
    })),
    edges: [...document.querySelectorAll('[data-testid=graph] .edge')].map(e => ({
      source: e.dataset.source, target: e.dataset.target, requests: Number(e.dataset.requests), rps: Number(e.dataset.rps),
      errorPercent: Number(e.dataset.errorPercent), mutualTls: e.dataset.mtls === 'true',
      sharePercent: e.dataset.sharePercent === undefined ? null : Number(e.dataset.sharePercent), label: e.textContent,
    })),
  }));
  await page.screenshot({ path: join(outDir, 'graph.png'), fullPage: true });

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
