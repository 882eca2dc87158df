// The HTML report of a real run, opened in a real browser (Debian's headless chromium, driven by
// playwright-core): it references nothing on the network, renders without console or page errors,
// draws every chart of every cell with data on it, and reads in a dark theme on a 400 px screen
// without the page scrolling sideways. Screenshots go to test-artifacts/report-browser/ at the
// repository root (gitignored), so CI can keep them and a person can look at them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createCliSandbox, type CliSandbox } from '../helpers/cli.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/report-browser');

const missing = !fs.existsSync(CHROMIUM);
if (missing && process.env.CI) throw new Error(`${CHROMIUM} is missing: the report-browser test needs Debian's chromium (apt-get install chromium)`);
const skip = missing ? `${CHROMIUM} not found: install Debian's chromium to run the report-browser test` : false;

/**
 * Places in HTML, CSS and script where a URL makes the browser fetch something: an attribute that
 * loads (src, href, srcset, poster, action, data…), CSS url() and @import, and script imports. A
 * namespace URI (xmlns, createElementNS) names something and is never fetched, so it is not one.
 */
const RESOURCE_REFERENCES: RegExp[] = [
  /\b(?:src|href|srcset|poster|action|formaction|data|background|manifest|ping|cite|longdesc)\s*=\s*["']?\s*(?:https?:)?\/\//gi,
  /url\(\s*["']?\s*(?:https?:)?\/\//gi,
  /@import\s+(?:url\(\s*)?["']?\s*(?:https?:)?\/\//gi,
  /(?<!@)\bimport\s*\(?\s*["'`]\s*(?:https?:)?\/\//gi,
  /\bfrom\s*["'`]\s*(?:https?:)?\/\//gi,
  /\b(?:fetch|importScripts|open|sendBeacon)\s*\(\s*["'`]\s*(?:https?:)?\/\//gi,
  /\bnew\s+(?:WebSocket|EventSource|Worker|SharedWorker)\s*\(\s*["'`]\s*(?:wss?:|https?:)?\/\//gi,
  /<meta[^>]+http-equiv\s*=\s*["']?refresh[^>]*url\s*=/gi,
];

function resourceReferences(html: string): string[] {
  return RESOURCE_REFERENCES.flatMap((re) => [...html.matchAll(re)].map((m) => html.slice(Math.max(0, m.index - 40), m.index + 80)));
}

interface ChartFacts {
  kind: string;
  canvases: Array<{ width: number; height: number; right: number; inkPixels: number; seriesPixels: number[] }>;
  text: string;
}

/**
 * Every chart of every cell section, as the page drew it: its canvas' size and where it ends, how
 * many pixels carry any ink, and, per data series, how many pixels have that series' colour (read
 * from the legend marker uPlot drew for it) — axes and grid alone leave that at zero.
 */
function chartFacts(page: Page): Promise<ChartFacts[][]> {
  return page.evaluate(CHART_FACTS_SCRIPT) as Promise<ChartFacts[][]>;
}

// Plain JavaScript run in the page (a string, so the test's TypeScript transform adds nothing to it).
const CHART_FACTS_SCRIPT = `(() => {
  const rgb = (css) => (css.match(/\\d+(\\.\\d+)?/g) || []).slice(0, 3).map(Number);
  return [...document.querySelectorAll('section.cell')].map((section) =>
    [...section.querySelectorAll('[data-chart]')].map((chart) => {
      const markers = [...chart.querySelectorAll('.u-legend .u-series .u-marker')].slice(1);
      const colours = markers.map((m) => rgb(getComputedStyle(m).borderColor));
      const canvases = [...chart.querySelectorAll('canvas')].map((canvas) => {
        const box = canvas.getBoundingClientRect();
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let inkPixels = 0;
        const seriesPixels = colours.map(() => 0);
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i + 3] === 0) continue;
          inkPixels++;
          if (pixels[i + 3] < 200) continue;
          colours.forEach((c, s) => {
            if (Math.abs(pixels[i] - c[0]) + Math.abs(pixels[i + 1] - c[1]) + Math.abs(pixels[i + 2] - c[2]) < 30) seriesPixels[s]++;
          });
        }
        return { width: box.width, height: box.height, right: box.right, inkPixels, seriesPixels };
      });
      return { kind: chart.dataset.chart || '', canvases, text: chart.textContent || '' };
    }),
  );
})()`;

interface Opened {
  page: Page;
  problems: string[];
  requests: string[];
  close(): Promise<void>;
}

/** Opens the report in a fresh context, collecting console errors, page errors and every request. */
async function open(browser: Browser, file: string, options: { colorScheme: 'light' | 'dark'; width: number }): Promise<Opened> {
  const context = await browser.newContext({ colorScheme: options.colorScheme, viewport: { width: options.width, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  // The page's script draws as it loads; every cell's timeline holds its chart (or its note) once done.
  await page
    .waitForFunction(() => document.querySelectorAll('section.cell').length > 0 && [...document.querySelectorAll('[data-chart="timeline"]')].every((el) => el.children.length > 0), undefined, { timeout: 15_000 })
    .catch((err: Error) => {
      throw new Error(`the charts were not drawn (${err.message}); the page said: ${problems.join('; ') || 'nothing'}`);
    });
  return { page, problems, requests, close: () => context.close() };
}

function assertChartsDrawn(cells: ChartFacts[][], viewportWidth: number, where: string): void {
  assert.equal(cells.length, 4, `${where}: one section per cell`);
  cells.forEach((charts, i) => {
    assert.deepEqual(charts.map((c) => c.kind), ['timeline', 'latency', 'batches', 'concurrency'], `${where}: cell ${i + 1}'s charts`);
    for (const chart of charts) {
      const label = `${where}: cell ${i + 1} ${chart.kind}`;
      if (chart.kind === 'concurrency' && chart.canvases.length === 0) {
        // A run that records no invocation end times says so in words instead of a chart.
        assert.match(chart.text, /Not measured/, label);
        continue;
      }
      assert.equal(chart.canvases.length, 1, `${label}: one canvas`);
      const [canvas] = chart.canvases;
      assert.ok(canvas!.width >= 200 && canvas!.height >= 100, `${label}: canvas ${canvas!.width}×${canvas!.height}`);
      assert.ok(canvas!.right <= viewportWidth, `${label}: canvas ends at ${canvas!.right} px, past the ${viewportWidth} px viewport`);
      assert.ok(canvas!.inkPixels > 500, `${label}: ${canvas!.inkPixels} drawn pixels`);
      assert.ok(canvas!.seriesPixels.length > 0, `${label}: a legend names its series`);
      canvas!.seriesPixels.forEach((n, s) => assert.ok(n > 20, `${label}: series ${s + 1} has ${n} pixels of its colour (blank chart?)`));
    }
  });
}

describe('the HTML report of a real run, in a real browser', { skip }, () => {
  let box: CliSandbox;
  let browser: Browser;
  let report: string;

  before(async () => {
    box = await createCliSandbox();
    report = path.join(box.home, 'r.html');
    const r = await box.run(['run', '--items', '500,2000', '--batch', '1,10', '--report', report, '--out', path.join(box.home, 'r.json')], { timeoutMs: 400_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });

  after(async () => {
    await browser?.close();
    await box?.cleanup();
  });

  it('references no resource over http:// or https://', () => {
    const html = fs.readFileSync(report, 'utf8');
    assert.deepEqual(resourceReferences(html), []);
    // The patterns do catch what they are for (guards the guard).
    assert.equal(resourceReferences('<script src="https://cdn.example/u.js"></script><link href=//x.test/a.css><style>@import "http://x.test/b.css"; a{background:url( \'https://x.test/c.png\')}</style>').length, 4);
    assert.deepEqual(resourceReferences('<svg xmlns="http://www.w3.org/2000/svg"></svg><script>document.createElementNS("http://www.w3.org/2000/svg", "g")</script>'), []);
  });

  it('renders in a light theme with no console or page errors, no request beyond the file, and a chart with data per cell', async (t) => {
    const view = await open(browser, report, { colorScheme: 'light', width: 1280 });
    try {
      assert.deepEqual(view.problems, []);
      assert.deepEqual(view.requests.filter((u) => !u.startsWith('file://')), [], 'the page fetched nothing from the network');
      assertChartsDrawn(await chartFacts(view.page), 1280, 'light 1280 px');
      // The matrix view across cells draws too (four cells: drain and p99 by cell).
      assert.equal(await view.page.locator('[data-chart="matrix"] canvas').count(), 1);
      const shot = path.join(ARTIFACTS, 'light-1280.png');
      await view.page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot: ${shot}`);
    } finally {
      await view.close();
    }
  });

  it('renders in a dark theme on a 400 px screen without horizontal overflow', async (t) => {
    const view = await open(browser, report, { colorScheme: 'dark', width: 400 });
    try {
      assert.deepEqual(view.problems, []);
      const page = await view.page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        background: getComputedStyle(document.body).backgroundColor,
        wide: [...document.querySelectorAll('body *')]
          .filter((el) => !el.closest('.scroll') && el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
      }));
      assert.equal(page.scrollWidth, page.clientWidth, `the page scrolls sideways: ${page.wide.join(', ')}`);
      assert.deepEqual(page.wide, [], 'nothing outside a scroll box sticks out');
      const [r, g, b] = (page.background.match(/\d+/g) ?? []).map(Number);
      assert.ok(r! + g! + b! < 150, `a dark background, got ${page.background}`);
      assertChartsDrawn(await chartFacts(view.page), 400, 'dark 400 px');
      const shot = path.join(ARTIFACTS, 'dark-400.png');
      await view.page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot: ${shot}`);
    } finally {
      await view.close();
    }
  });
});
