// Verdict states: how strong a count's conclusion is, decided from evidence facts only. Pure.
// complete      every written record processed successfully at least once, or deliberately filtered;
// incomplete    records are lost and the evidence window for them is closed (the consumer moved past
//               them, the mapping stopped, they never entered the stream or predate a LATEST start);
// in-flight     records not yet accounted for while the window is still open;
// unverifiable  records not accounted for and the evidence is gone or partial, so nobody can say.
// "Missing" is only ever a conclusion of `incomplete`.

export type Verdict = 'complete' | 'incomplete' | 'in-flight' | 'unverifiable';

export interface VerdictFacts {
  written: number;
  /** Processed successfully at least once, or filtered by the mapping's filter criteria. */
  accounted: number;
  /** Lost records whose window is closed (sum over the hops). */
  lost: number;
  /** Records not accounted for whose window is still open. */
  pending: number;
  /** Set when evidence is gone or partial: names what (the log group, a failed page, trimmed stream). */
  evidenceProblem?: string | undefined;
  /** Plain words: why the pending records are still open (e.g. "the consumer has not reached the last write"). */
  pendingReason?: string | undefined;
  /** Plain words: where the lost records were lost (e.g. "100 before the LATEST mapping started"). */
  lostSummary?: string | undefined;
}

export interface VerdictDecision {
  verdict: Verdict;
  /** One line for people: which state and why. */
  why: string;
}

export function decideVerdict(f: VerdictFacts): VerdictDecision {
  const open = f.written - f.accounted;
  if (open <= 0) {
    return { verdict: 'complete', why: f.written === 0 ? 'nothing was written in the counted window' : `all ${f.written} written records were processed or deliberately filtered` };
  }
  if (f.evidenceProblem) {
    return { verdict: 'unverifiable', why: `${open} of ${f.written} records are not accounted for and the evidence is gone or partial: ${f.evidenceProblem}` };
  }
  if (f.lost > 0) {
    const more = f.pending > 0 ? `; ${f.pending} more not accounted for yet${f.pendingReason ? ` (${f.pendingReason})` : ''}` : '';
    return { verdict: 'incomplete', why: `${f.lost} of ${f.written} written records were lost${f.lostSummary ? ` (${f.lostSummary})` : ''}${more}` };
  }
  return { verdict: 'in-flight', why: `${open} of ${f.written} records are not accounted for yet: ${f.pendingReason ?? 'the consumer has not reached the last write'}` };
}

/** complete 0, incomplete 1, in-flight and unverifiable 4 ("not verified"). */
export function exitCodeFor(verdict: Verdict): number {
  return verdict === 'complete' ? 0 : verdict === 'incomplete' ? 1 : 4;
}

const SEVERITY: Record<Verdict, number> = { complete: 0, 'in-flight': 1, unverifiable: 2, incomplete: 3 };

/** The verdict of a document: the worst of its cells (incomplete > unverifiable > in-flight > complete). */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'complete';
  for (const v of verdicts) if (SEVERITY[v] > SEVERITY[worst]) worst = v;
  return worst;
}
