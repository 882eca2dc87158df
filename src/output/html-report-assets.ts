// The report page's own style and script (the chart library is inlined beside them). The script
// runs in the reader's browser: plain ES2017, no modules, reading the data from #ddbs-data.

export const REPORT_STYLE = `
:root { --bg:#fff; --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --panel:#f6f8fa;
  --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --info:#0969da; --s1:#0969da; --s2:#1a7f37; --s3:#8250df; }
@media (prefers-color-scheme: dark) {
  :root { --bg:#0d1117; --fg:#e6edf3; --muted:#8d96a0; --line:#30363d; --panel:#161b22;
    --ok:#3fb950; --warn:#d29922; --bad:#f85149; --info:#58a6ff; --s1:#58a6ff; --s2:#3fb950; --s3:#bc8cff; }
}
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width:1200px; margin:0 auto; padding:16px; }
h1 { margin:0; font-size:28px; } h2 { font-size:17px; margin:24px 0 8px; }
.verdict { border-left:6px solid var(--info); background:var(--panel); padding:12px 16px; border-radius:6px; }
.verdict p { margin:4px 0 0; }
.verdict.v-complete { border-color:var(--ok); } .verdict.v-duplicates { border-color:var(--warn); }
.verdict.v-incomplete { border-color:var(--bad); } .verdict.v-in-flight, .verdict.v-unverifiable { border-color:var(--warn); }
td.v-complete, .badge.v-complete { color:var(--ok); } td.v-duplicates, .badge.v-duplicates { color:var(--warn); }
td.v-incomplete, .badge.v-incomplete { color:var(--bad); font-weight:600; }
td.v-in-flight, td.v-unverifiable, .badge.v-in-flight, .badge.v-unverifiable { color:var(--warn); }
.badge { font-size:13px; border:1px solid currentColor; border-radius:10px; padding:0 8px; margin-left:6px; white-space:nowrap; }
.notes { padding-left:20px; } .notes .k { color:var(--muted); font-family:ui-monospace, monospace; font-size:12px; margin-right:6px; }
.scroll { overflow-x:auto; }
table.matrix { border-collapse:collapse; font-variant-numeric:tabular-nums; }
.matrix th, .matrix td { border-bottom:1px solid var(--line); padding:4px 10px; text-align:right; }
.matrix th { color:var(--muted); font-weight:600; }
.facts { color:var(--muted); margin:0 0 8px; overflow-wrap:anywhere; }
.grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(260px, 1fr)); gap:12px; }
figure { margin:0; background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:8px; min-width:0; }
figcaption { color:var(--muted); font-size:12px; margin-bottom:4px; }
.chart { min-height:40px; } .empty { color:var(--muted); font-size:12px; padding:12px 0; }
.u-legend { color:var(--fg); font-size:12px; } .u-legend .u-marker { border-radius:2px; }
footer { color:var(--muted); font-size:12px; margin:32px 0 8px; }
`;

export const REPORT_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('ddbs-data').textContent);
  var css = getComputedStyle(document.documentElement);
  function color(name) { return css.getPropertyValue(name).trim() || '#888'; }
  var fg = color('--muted'), grid = color('--line');
  // A value axis is as wide as its longest tick label: uPlot's fixed 50 px lets "30,000" run into
  // the axis title. Sized on the first pass only, so uPlot's layout converges.
  function fitWidth(u, values, axisIdx, cycleNum) {
    var a = u.axes[axisIdx];
    if (cycleNum > 1) return a._size;
    var longest = (values || []).reduce(function (m, v) { return v != null && String(v).length > m.length ? String(v) : m; }, '');
    var size = a.ticks.size + a.gap;
    if (longest) { u.ctx.font = a.font[0]; size += u.ctx.measureText(longest).width / (window.devicePixelRatio || 1); }
    return Math.ceil(size);
  }
  function axis(label) { return { label: label, stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } }; }
  function yAxis(label) { var a = axis(label); a.size = fitWidth; return a; }
  // Bucket and batch-size axes have a tick only on whole numbers.
  var WHOLE = [1, 2, 3, 4, 5, 10, 20, 50, 100, 200, 500, 1000];
  function duration(ms) { return ms >= 60000 ? ms / 60000 + ' min' : ms >= 1000 ? ms / 1000 + ' s' : ms + ' ms'; }
  function empty(el, text) { var p = document.createElement('div'); p.className = 'empty'; p.textContent = text; el.appendChild(p); }
  var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 60] }) : null;
  var stepped = uPlot.paths && uPlot.paths.stepped ? uPlot.paths.stepped({ align: 1 }) : null;
  var charts = [];
  var fromZero = { range: function (u, mn, mx) { return [0, mx > 0 ? mx * 1.05 : 1]; } };
  function draw(el, opts, d) {
    var width = Math.max(240, el.clientWidth);
    opts.width = width; opts.height = Math.round(Math.min(260, Math.max(160, width * 0.5)));
    var u = new uPlot(opts, d, el); charts.push({ u: u, el: el }); return u;
  }
  function seconds(series) {
    var xs = []; for (var i = 0; i < series.written.length; i++) xs.push((i + 1) * series.bucketMs / 1000); return xs;
  }
  var draws = {
    timeline: function (el, c) {
      var s = c.series; if (!s || !s.written.length) return empty(el, 'No time series in this result (written by an older version).');
      draw(el, { scales: { x: { time: false } }, axes: [axis('seconds'), yAxis('records')],
        series: [{}, { label: 'written', stroke: color('--s1'), width: 2 }, { label: 'delivered', stroke: color('--s2'), width: 2 }] },
        [seconds(s), s.written, s.delivered]);
    },
    latency: function (el, c) {
      var s = c.series; if (!s || !s.latency.counts.length) return empty(el, c.series ? 'No latency (not seeded by ddbs-test).' : 'No time series in this result (written by an older version).');
      var xs = s.latency.counts.map(function (_, i) { return i; });
      var edges = s.latency.edgesMs;
      draw(el, { scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: fromZero },
        axes: [{ label: 'latency bucket (from)', stroke: fg, grid: { show: false }, ticks: { stroke: grid }, incrs: WHOLE, space: 48, values: function (u, v) { return v.map(function (i) { return edges[i] === undefined ? '' : duration(edges[i]); }); } }, yAxis('records')],
        series: [{}, { label: 'records', stroke: color('--s3'), fill: color('--s3') + '55', paths: bars, points: { show: false } }] },
        [xs, s.latency.counts]);
      if (s.latency.quantiles) { var q = s.latency.quantiles; var p = document.createElement('div'); p.className = 'empty';
        p.textContent = 'p50 ' + q.p50 + ' ms · p90 ' + q.p90 + ' ms · p99 ' + q.p99 + ' ms · p99.9 ' + q.p999 + ' ms · max ' + q.max + ' ms'; el.appendChild(p); }
    },
    batches: function (el, c) {
      var rpi = c.series && c.series.recordsPerInvocation; var keys = rpi ? Object.keys(rpi).map(Number).sort(function (a, b) { return a - b; }) : [];
      if (!keys.length) return empty(el, c.series ? 'No invocations.' : 'No time series in this result (written by an older version).');
      draw(el, { scales: { x: { time: false, range: [keys[0] - 1, keys[keys.length - 1] + 1] }, y: fromZero }, axes: [Object.assign(axis('records per invocation'), { incrs: WHOLE }), yAxis('invocations')],
        series: [{}, { label: 'invocations', stroke: color('--s1'), fill: color('--s1') + '55', paths: bars, points: { show: false } }] },
        [keys, keys.map(function (k) { return rpi[k]; })]);
    },
    concurrency: function (el, c) {
      var s = c.series; if (!s) return empty(el, 'No time series in this result (written by an older version).');
      if (!s.concurrency.length) return empty(el, 'Not measured in this result (invocation end times were not recorded).');
      draw(el, { scales: { x: { time: false } }, axes: [axis('seconds'), yAxis('invocations at once')],
        series: [{}, { label: 'concurrent', stroke: color('--s3'), width: 2, paths: stepped }] },
        [seconds(s), s.concurrency]);
    },
    matrix: function (el) {
      var cells = data.cells; if (cells.length < 2) return;
      var xs = cells.map(function (_, i) { return i; });
      draw(el, { scales: { x: { time: false, range: [-0.5, cells.length - 0.5] }, y: fromZero },
        axes: [{ stroke: fg, grid: { show: false }, ticks: { stroke: grid }, values: function (u, v) { return v.map(function (i) { var c = cells[i]; return c ? c.items + '×b' + c.batchSize : ''; }); } },
          yAxis('ms')],
        series: [{}, { label: 'drain ms', stroke: color('--s1'), fill: color('--s1') + '55', paths: bars, points: { show: false } },
          { label: 'p99 ms', stroke: color('--s3'), width: 2, points: { show: true, size: 7 } }] },
        [xs, cells.map(function (c) { return c.drainMs; }), cells.map(function (c) { return c.p99; })]);
    }
  };
  var nodes = document.querySelectorAll('[data-chart]');
  for (var i = 0; i < nodes.length; i++) {
    var el = nodes[i]; var kind = el.getAttribute('data-chart'); var cell = data.cells[Number(el.getAttribute('data-cell'))];
    draws[kind](el, cell);
  }
  var pending = 0;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { var w = Math.max(240, c.el.clientWidth); c.u.setSize({ width: w, height: c.u.height }); }); }, 100);
  });
})();
`;
