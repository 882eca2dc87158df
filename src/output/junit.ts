// JUnit XML for CI systems: one test suite per document, one test case per cell, a <failure> per
// cell whose verdict is not complete (in-flight and unverifiable are errors: not verified either
// way) or that breached a threshold, with the numbers in the message.
import type { Cell, ResultDocument } from '../core/result.ts';
import { cellKey } from '../core/compare.ts';

function xml(text: string): string {
  // Characters XML 1.0 cannot hold at all are dropped; the five specials are escaped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function numbers(c: Cell): string {
  const lat = c.latencyMs ? `, p50 ${c.latencyMs.p50} ms, p99 ${c.latencyMs.p99} ms` : '';
  return `written ${c.written}, delivered ${c.delivered}, processed ${c.processed}, missing ${c.missing}, duplicates ${c.duplicates}, invocations ${c.invocations}${lat}, drain ${c.drainMs ?? '-'} ms`;
}

type Outcome = { kind: 'pass' } | { kind: 'failure' | 'error'; message: string };

function outcome(c: Cell, breaches: string[]): Outcome {
  const verdict = String(c.verdict);
  if (verdict === 'incomplete') return { kind: 'failure', message: `incomplete: ${c.missing} of ${c.written} records missing` };
  if (verdict === 'in-flight' || verdict === 'unverifiable') return { kind: 'error', message: `${verdict}: not verified` };
  if (breaches.length) return { kind: 'failure', message: breaches.join('; ') };
  return { kind: 'pass' };
}

/**
 * `breaches` are the threshold breaches per cell index (from the thresholds check), so a cell that
 * is complete but too slow still fails in CI.
 */
export function toJUnit(doc: ResultDocument, breaches: Map<number, string[]> = new Map()): string {
  const cases = doc.cells.map((c, i) => ({ c, o: outcome(c, breaches.get(i) ?? []) }));
  const failures = cases.filter((x) => x.o.kind === 'failure').length;
  const errors = cases.filter((x) => x.o.kind === 'error').length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const totalMs = doc.cells.reduce((n, c) => n + c.wallMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ddbs-test" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds(totalMs)}">`,
    `  <testsuite name="ddbs-test ${xml(doc.target.kind)} ${xml(doc.target.region)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(totalMs)}">`,
  ];
  for (const { c, o } of cases) {
    const name = xml(cellKey(c));
    const open = `    <testcase classname="ddbs-test.cells" name="${name}" time="${seconds(c.wallMs)}">`;
    const detail = xml([numbers(c), ...c.notes, c.missingSample.length ? `missing (sample): ${c.missingSample.join(', ')}` : ''].filter(Boolean).join('\n'));
    if (o.kind === 'pass') {
      lines.push(open, `      <system-out>${detail}</system-out>`, '    </testcase>');
    } else {
      lines.push(open, `      <${o.kind} message="${xml(o.message)}" type="${o.kind === 'failure' ? 'VerificationFailed' : 'NotVerified'}">${detail}</${o.kind}>`, '    </testcase>');
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
