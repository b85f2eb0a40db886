import { ERROR_TYPES, TOLERANCES, UNVERIFIABLE_REASONS, type ErrorType, type MeasureKind } from '../claims/index.ts';
import { bleu4, rougeL } from './lexical.ts';
import type { CandidateScore, ClaimCounts, UnverifiableCounts } from './score-report.ts';

/**
 * Manifest-level numbers (summary.json), their Markdown rendering (summary.md) and the per-sentence table
 * (sentences.csv). Definitions are in eval/factuality/README.md and repeated in summary.md.
 */

export interface NumericErrorStats {
  readonly n: number;
  /** Mean |stated - measured| in the kind's unit. */
  readonly meanAbsError: number;
  readonly medianAbsError: number;
  /** Mean |stated - measured| / |measured|, range >= 0. */
  readonly meanRelError: number;
}

export interface DetectionStats {
  readonly tp: number;
  readonly fn: number;
  readonly fp: number;
  readonly tn: number;
  /** tp / (tp + fn); null without reference positives. */
  readonly sensitivity: number | null;
  /** tn / (tn + fp); null without reference negatives. */
  readonly specificity: number | null;
}

export interface PerCandidate {
  readonly caseId: string;
  readonly candidateId: string;
  readonly format: string;
  readonly claims: ClaimCounts;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly missed: readonly string[];
  readonly errors: Partial<Record<ErrorType, number>>;
  readonly grounding: { readonly precision: number | null; readonly recall: number | null } | null;
  readonly bleu4: number | null;
  readonly rougeL: number | null;
}

export interface EvalSummary {
  readonly kind: 'eval-summary';
  readonly schemaVersion: 1;
  readonly manifest: string;
  readonly claims: ClaimCounts;
  /** Unverifiable claims by reason: no label for the organ, outside what the masks cover, nothing to check by. */
  readonly unverifiable: UnverifiableCounts;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly errors: Record<ErrorType, number>;
  readonly numeric: Partial<Record<MeasureKind, NumericErrorStats>>;
  readonly detection: Record<string, DetectionStats>;
  readonly grounding: { readonly precision: number | null; readonly recall: number | null; readonly scoredSentences: number; readonly correctSentences: number };
  readonly lexical: { readonly bleu4: number | null; readonly rougeL: number | null; readonly pairs: number };
  readonly perCase: readonly PerCandidate[];
  readonly skipped: readonly { readonly caseId: string; readonly reason: string }[];
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface LexicalPair {
  readonly caseId: string;
  readonly candidateId: string;
  readonly candidate: string;
  readonly reference: string;
}

export function summarise(name: string, scores: readonly CandidateScore[], lexical: readonly LexicalPair[], skipped: EvalSummary['skipped']): EvalSummary {
  const claims: ClaimCounts = { total: 0, supported: 0, contradicted: 0, unverifiable: 0 };
  const unverifiable = Object.fromEntries(UNVERIFIABLE_REASONS.map((r) => [r, 0])) as UnverifiableCounts;
  const errors = Object.fromEntries(ERROR_TYPES.map((t) => [t, 0])) as Record<ErrorType, number>;
  const numericByKind = new Map<MeasureKind, { abs: number[]; rel: number[] }>();
  const detection: Record<string, { tp: number; fn: number; fp: number; tn: number }> = {};
  let significant = 0;
  let mentioned = 0;
  let gScored = 0;
  let gCorrect = 0;
  let gHits = 0;
  let gBase = 0;
  for (const s of scores) {
    for (const k of ['total', 'supported', 'contradicted', 'unverifiable'] as const) claims[k] += s.claims[k];
    for (const r of UNVERIFIABLE_REASONS) unverifiable[r] += s.unverifiable[r];
    for (const [t, n] of Object.entries(s.errors)) errors[t as ErrorType] += n;
    for (const c of s.numeric) {
      let e = numericByKind.get(c.kind);
      if (e === undefined) numericByKind.set(c.kind, (e = { abs: [], rel: [] }));
      e.abs.push(c.absError);
      if (c.relError !== null) e.rel.push(c.relError);
    }
    for (const [g, call] of Object.entries(s.detection)) {
      if (call.reference === 'unknown') continue;
      const d = (detection[g] ??= { tp: 0, fn: 0, fp: 0, tn: 0 });
      if (call.reference === 'present') call.predicted ? d.tp++ : d.fn++;
      else call.predicted ? d.fp++ : d.tn++;
    }
    significant += s.significant.length;
    mentioned += s.mentioned.length;
    if (s.grounding) {
      gScored += s.grounding.scored;
      gCorrect += s.grounding.correct;
      gHits += s.grounding.recallHits.length;
      gBase += s.grounding.recallBase.length;
    }
  }
  const numeric: Partial<Record<MeasureKind, NumericErrorStats>> = {};
  for (const kind of Object.keys(TOLERANCES) as MeasureKind[]) {
    const e = numericByKind.get(kind);
    if (e === undefined || e.abs.length === 0) continue;
    numeric[kind] = {
      n: e.abs.length,
      meanAbsError: e.abs.reduce((a, b) => a + b, 0) / e.abs.length,
      medianAbsError: median(e.abs),
      meanRelError: e.rel.length === 0 ? 0 : e.rel.reduce((a, b) => a + b, 0) / e.rel.length,
    };
  }
  const lexByCandidate = new Map(lexical.map((p) => [`${p.caseId}\u0000${p.candidateId}`, p]));
  const perCase: PerCandidate[] = scores.map((s) => {
    const lex = lexByCandidate.get(`${s.caseId}\u0000${s.candidateId}`);
    return {
      caseId: s.caseId,
      candidateId: s.candidateId,
      format: s.format,
      claims: s.claims,
      precision: s.precision,
      recall: s.recall,
      missed: s.missed,
      errors: s.errors,
      grounding: s.grounding === null ? null : { precision: ratio(s.grounding.correct, s.grounding.scored), recall: ratio(s.grounding.recallHits.length, s.grounding.recallBase.length) },
      bleu4: lex ? bleu4([lex]) : null,
      rougeL: lex ? rougeL(lex.candidate, lex.reference) : null,
    };
  });
  const rouges = perCase.map((p) => p.rougeL).filter((x): x is number => x !== null);
  return {
    kind: 'eval-summary',
    unverifiable,
    schemaVersion: 1,
    manifest: name,
    claims,
    precision: ratio(claims.supported, claims.supported + claims.contradicted),
    recall: ratio(mentioned, significant),
    errors,
    numeric,
    detection: Object.fromEntries(Object.entries(detection).sort().map(([g, d]) => [g, { ...d, sensitivity: ratio(d.tp, d.tp + d.fn), specificity: ratio(d.tn, d.tn + d.fp) }])),
    grounding: { precision: ratio(gCorrect, gScored), recall: ratio(gHits, gBase), scoredSentences: gScored, correctSentences: gCorrect },
    lexical: { bleu4: lexical.length === 0 ? null : bleu4(lexical), rougeL: rouges.length === 0 ? null : rouges.reduce((a, b) => a + b, 0) / rouges.length, pairs: lexical.length },
    perCase,
    skipped,
  };
}

const fmt = (x: number | null, digits = 3) => (x === null ? 'n/a' : x.toFixed(digits));

export function renderSummaryMarkdown(s: EvalSummary): string {
  const lines: string[] = [`# Evaluation: ${s.manifest}`, ''];
  lines.push(`Claims: ${s.claims.total} (supported ${s.claims.supported}, contradicted ${s.claims.contradicted}, unverifiable ${s.claims.unverifiable}: no such structure ${s.unverifiable.no_such_structure}, not in the imaged part ${s.unverifiable.not_in_imaged_part}, not assessable ${s.unverifiable.not_assessable})`, '');
  lines.push(`- Claim precision (supported / (supported + contradicted)): **${fmt(s.precision)}**`);
  lines.push(`- Recall of significant reference findings (stated correctly / all): **${fmt(s.recall)}**`);
  lines.push(`- Grounding in 3D (sentence evidence > 50 % inside the matched finding's mask): precision ${fmt(s.grounding.precision)} over ${s.grounding.scoredSentences} sentences, recall ${fmt(s.grounding.recall)}`);
  lines.push(`- Lexical (for comparison with older papers only): BLEU-4 ${fmt(s.lexical.bleu4)}, ROUGE-L ${fmt(s.lexical.rougeL)} over ${s.lexical.pairs} report pairs`, '');
  lines.push('## Errors by type', '', '| error | count |', '|---|---|');
  for (const [t, n] of Object.entries(s.errors)) if (n > 0) lines.push(`| ${t} | ${n} |`);
  lines.push('', '## Numeric error by measurement', '', '| measurement | n | mean abs error | median abs error | mean rel error |', '|---|---|---|---|---|');
  for (const [k, v] of Object.entries(s.numeric)) lines.push(`| ${k} | ${v!.n} | ${fmt(v!.meanAbsError, 2)} | ${fmt(v!.medianAbsError, 2)} | ${fmt(v!.meanRelError)} |`);
  lines.push('', '## Lesion detection per organ (from the text)', '', '| organ | TP | FN | FP | TN | sensitivity | specificity |', '|---|---|---|---|---|---|---|');
  for (const [g, d] of Object.entries(s.detection)) lines.push(`| ${g} | ${d.tp} | ${d.fn} | ${d.fp} | ${d.tn} | ${fmt(d.sensitivity)} | ${fmt(d.specificity)} |`);
  lines.push('', '## Per report', '', '| case | candidate | claims | supported | contradicted | precision | recall | BLEU-4 | ROUGE-L | missed |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const p of s.perCase)
    lines.push(`| ${p.caseId} | ${p.candidateId} | ${p.claims.total} | ${p.claims.supported} | ${p.claims.contradicted} | ${fmt(p.precision)} | ${fmt(p.recall)} | ${fmt(p.bleu4)} | ${fmt(p.rougeL)} | ${p.missed.join(', ')} |`);
  if (s.skipped.length > 0) {
    lines.push('', '## Skipped cases', '');
    for (const k of s.skipped) lines.push(`- ${k.caseId}: ${k.reason}`);
  }
  lines.push('', 'Definitions: eval/factuality/README.md; tolerances: src/claims/tolerances.ts.', '');
  return lines.join('\n');
}

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const SENTENCES_CSV_HEADER = ['case', 'candidate', 'sentence', 'section', 'verdict', 'claims', 'supported', 'contradicted', 'unverifiable', 'errors', 'findings', 'grounding_fraction', 'grounding_correct', 'text', 'details'];

export function sentencesCsv(scores: readonly CandidateScore[]): string {
  const rows = [SENTENCES_CSV_HEADER.join(',')];
  for (const s of scores)
    for (const t of s.sentences) {
      const by = (v: string) => t.claims.filter((c) => c.match.verdict === v).length;
      rows.push(
        [
          s.caseId, s.candidateId, t.sentenceId, t.section, t.verdict, t.claims.length, by('supported'), by('contradicted'), by('unverifiable'),
          t.claims.map((c) => c.match.errorType).filter(Boolean).join(';'),
          [...new Set(t.claims.flatMap((c) => c.match.findingIds))].join(';'),
          t.grounding?.fraction === null || t.grounding === null ? null : Number(t.grounding.fraction.toFixed(4)),
          t.grounding === null ? null : String(t.grounding.correct),
          t.text,
          t.claims.map((c) => `${c.claim.kind}${c.claim.negated ? '(neg)' : ''}: ${c.match.verdict} - ${c.match.details}`).join(' | '),
        ].map(csvCell).join(','),
      );
    }
  return rows.join('\n') + '\n';
}
