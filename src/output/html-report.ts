// One self-contained HTML file from result documents: the verdict and notes in words at the top, a
// matrix of cells, then per cell the delivery timeline, latency distribution, batch shapes and
// concurrency. The chart library (uPlot) and the data are inlined, so the file needs no network
// when it is opened and can be attached to a ticket or a CI run as it is.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Cell, ResultDocument } from '../core/result.ts';
import { cellKey } from '../core/compare.ts';
import type { CellSeries } from '../core/series.ts';
import { REPORT_SCRIPT, REPORT_STYLE } from './html-report-assets.ts';

const require = createRequire(import.meta.url);

/** uPlot's code and style, read from its npm package; the URL in its banner loses its scheme. */
function chartLibrary(): { js: string; css: string } {
  const read = (file: string) => fs.readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8').replace(/https?:\/\//g, '');
  return { js: read('uPlot.iife.min.js'), css: read('uPlot.min.css') };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON that is safe inside a <script> element: no `</script>`, no HTML comment openers. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const VERDICT_WORDS: Record<string, string> = {
  complete: 'every written record reached the consumer and was processed',
  duplicates: 'every record arrived; some more than once (at-least-once redeliveries)',
  incomplete: 'records were lost: the evidence window closed without them',
  'in-flight': 'not verified yet: records were still on their way when counting stopped',
  unverifiable: 'not verified: the evidence (logs or stream records) is gone or partial',
};

function overallVerdict(docs: ResultDocument[]): string {
  const order = ['incomplete', 'unverifiable', 'in-flight', 'duplicates', 'complete'];
  const all = docs.flatMap((d) => d.cells.map((c) => String(c.verdict)));
  return order.find((v) => all.includes(v)) ?? 'complete';
}

function hopLines(c: Cell): string[] {
  const hops = (c as Cell & { missingByHop?: Record<string, number> }).missingByHop;
  if (!hops) return [];
  return Object.entries(hops).filter(([, n]) => n > 0).map(([hop, n]) => `${n} missing at ${hop}`);
}

function summary(docs: ResultDocument[]): string {
  const verdict = overallVerdict(docs);
  const cells = docs.flatMap((d) => d.cells);
  const written = cells.reduce((n, c) => n + c.written, 0);
  const notes = cells.flatMap((c) => [...hopLines(c), ...c.notes].map((n) => `<li><span class="k">${escapeHtml(cellKey(c))}</span> ${escapeHtml(n)}</li>`));
  return `<header class="verdict v-${escapeHtml(verdict)}">
<h1>${escapeHtml(verdict.toUpperCase())}</h1>
<p>${escapeHtml(VERDICT_WORDS[verdict] ?? verdict)} — ${cells.length} cell(s), ${written} written records.</p>
</header>
${notes.length ? `<section><h2>Findings</h2><ul class="notes">${notes.join('')}</ul></section>` : ''}`;
}

function matrix(docs: ResultDocument[]): string {
  const rows = docs.flatMap((d) =>
    d.cells.map((c) => {
      const v = String(c.verdict);
      const cols = [c.items, c.batchSize, c.parallelizationFactor, c.batchWindowS, c.written, c.delivered, c.missing, c.duplicates, c.latencyMs?.p99 ?? '-', c.drainMs ?? '-'];
      return `<tr>${cols.map((x) => `<td>${escapeHtml(String(x))}</td>`).join('')}<td class="v-${escapeHtml(v)}">${escapeHtml(v)}</td></tr>`;
    }),
  );
  const head = ['items', 'batch', 'pf', 'window s', 'written', 'delivered', 'lost', 'dup', 'p99 ms', 'drain ms', 'verdict'];
  return `<section><h2>Cells</h2><div class="scroll"><table class="matrix"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>
<div class="chart" data-chart="matrix"></div></section>`;
}

/** The document the page's script draws from: only what the charts need, per cell. */
function chartData(docs: ResultDocument[]) {
  return docs.flatMap((d) =>
    d.cells.map((c) => {
      const series = (c as Cell & { series?: CellSeries }).series ?? null;
      return { key: cellKey(c), items: c.items, batchSize: c.batchSize, verdict: c.verdict, p99: c.latencyMs?.p99 ?? null, drainMs: c.drainMs, series };
    }),
  );
}

function cellSections(docs: ResultDocument[]): string {
  let i = 0;
  return docs
    .flatMap((d) => d.cells)
    .map((c) => {
      const id = i++;
      const lat = c.latencyMs ? `p50 ${c.latencyMs.p50} ms · p90 ${c.latencyMs.p90} ms · p99 ${c.latencyMs.p99} ms · max ${c.latencyMs.max} ms` : 'latency n/a';
      return `<section class="cell"><h2>${escapeHtml(cellKey(c))} <span class="badge v-${escapeHtml(String(c.verdict))}">${escapeHtml(String(c.verdict))}</span></h2>
<p class="facts">run ${escapeHtml(c.runId)} · table ${escapeHtml(c.table)} · written ${c.written} → delivered ${c.delivered} → processed ${c.processed} · ${c.invocations} invocations · ${escapeHtml(lat)}</p>
<div class="grid">
<figure><figcaption>Delivery timeline (cumulative records)</figcaption><div class="chart" data-chart="timeline" data-cell="${id}"></div></figure>
<figure><figcaption>Latency distribution (records per latency bucket)</figcaption><div class="chart" data-chart="latency" data-cell="${id}"></div></figure>
<figure><figcaption>Batch shapes (invocations by records per invocation)</figcaption><div class="chart" data-chart="batches" data-cell="${id}"></div></figure>
<figure><figcaption>Concurrent invocations</figcaption><div class="chart" data-chart="concurrency" data-cell="${id}"></div></figure>
</div></section>`;
    })
    .join('\n');
}

export function renderHtmlReport(docs: ResultDocument[], opts: { title?: string; generatedAt?: Date } = {}): string {
  const lib = chartLibrary();
  const title = opts.title ?? 'ddbs-test report';
  const when = (opts.generatedAt ?? new Date()).toISOString();
  const data = { cells: chartData(docs) };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
<style>${lib.css}</style>
<style>${REPORT_STYLE}</style>
</head><body>
<main>
${summary(docs)}
${matrix(docs)}
${cellSections(docs)}
<footer>ddbs-test ${escapeHtml(docs[0]?.tool.version ?? '')} · ${escapeHtml(docs.map((d) => `${d.target.kind} ${d.target.region}`).join(', '))} · generated ${escapeHtml(when)}</footer>
</main>
<script id="ddbs-data" type="application/json">${scriptJson(data)}</script>
<script>${lib.js}</script>
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}
