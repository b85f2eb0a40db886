import { ancestors, structureOrNull } from '../anatomy/index.ts';
import type { Finding } from '../findings/index.ts';
import { citations, displayName } from './context.ts';
import type { VqaContext } from './context.ts';
import { findPhrases, lesionKindOf, looseSide, mostSpecific, questionWords } from './question-text.ts';
import { answered, fmt1, unanswerable, yesNo, type Reply } from './reply.ts';
import type { Intent, LesionTarget } from './types.ts';

/**
 * Questions about change since a prior study, answered from the follow-up stage's findings ('lesion_change',
 * 'organ_change', 'response'): "Did the pancreatic lesion grow?", "Has the spleen increased in size?", "Are there
 * new lesions?", "What is the RECIST response?". A study that was not compared with a prior gets no answer
 * (reason 'out_of_scope'), as before. Kept in its own file, registered in parse-question.ts and answer.ts, so
 * that the question parser's restructuring can take it as it is.
 */

export type ChangeAsked = 'grown' | 'shrunk' | 'stable' | 'changed';

/** The intents this file reads and answers (members of IntentSchema). */
export type ChangeIntent = Extract<Intent, { type: 'change' | 'new_lesions' | 'response' }>;

const RESPONSE_Q = /\brecist\b|\brespon(?:se|ded|ding|d)\b|\bprogressive disease\b|\bstable disease\b|\bprogression\b/;
const NEW_Q = /\bnew\b|\bnewly\b|\bappeared\b/;
/**
 * A question about time: a word of time or comparison, a verb of change ("grow", "shrink"), or "did/has" with a
 * verb of size change ("did it increase", "has it decreased"). "Does the patient have an enlarged spleen?" is not
 * one: "enlarged" there is a size class of this study.
 */
const TEMPORAL_Q = /\b(?:since|prior|previous(?:ly)?|before|last|earlier|interval|baseline|compared|change[sd]?|grow|grew|grown|shrunk|shrank|shrink(?:ing)?|regress\w*|progress\w*|stable|unchanged)\b|^(?:did|has|have)\b[^?]*\b(?:increase[sd]?|decrease[sd]?|reduced?)\b/;
const GROW_Q = /\bgr[eo]w|\bgrown\b|\bgrowing\b|\blarger\b|\bbigger\b|\bincreas|\benlarg|\bprogress/;
const SHRINK_Q = /\bshr[iau]nk|\bsmaller\b|\bdecreas|\bregress|\breduc/;
const STABLE_Q = /\bstable\b|\bunchanged\b|\bthe same\b/;

/**
 * Reads a change question; null when the question is not about change over time (the other question types
 * then read it). Lesion and organ words come from the same vocabulary as every other question.
 */
export function parseChangeQuestion(question: string): ChangeIntent | null {
  const { text, tokens } = questionWords(question);
  const phrases = mostSpecific(findPhrases(tokens, new Set()));
  const lesionKind = lesionKindOf(tokens);
  const lesionTarget = (): LesionTarget => {
    const organ = phrases[0]?.structure ?? null;
    const side = looseSide(tokens, findPhrases(tokens, new Set()));
    return { kind: 'lesion', organ, lesionKind: lesionKind ?? 'any', ...(side && organ === null ? { side } : {}) };
  };
  // "Has the disease progressed?", "Did the patient respond?": the whole burden, not one lesion or organ.
  const aboutDisease = lesionKind === null && phrases.length === 0;
  if (RESPONSE_Q.test(text) || (aboutDisease && /\bprogress(?:ed|ing)?\b/.test(text))) {
    if (!(lesionKind !== null && /\bprogress/.test(text) && !/\brecist\b|\bresponse\b/.test(text))) {
      const asked =
        /\bcomplete response\b/.test(text) ? 'CR'
          : /\bpartial response\b/.test(text) ? 'PR'
            : /\bstable disease\b/.test(text) ? 'SD'
              : /\bprogress/.test(text) ? 'PD'
                : /\brespond(?:ed|ing)?\b/.test(text) ? 'responded' : undefined;
      return { type: 'response', ...(asked && /^(?:is|was|does|did|has|have)\b/.test(text) ? { asked } : {}) };
    }
  }
  if (NEW_Q.test(text) && (lesionKind !== null || /\bfindings?\b/.test(text))) return { type: 'new_lesions', target: lesionTarget() };
  if (!TEMPORAL_Q.test(text)) return null;
  // "Which kidney is larger?" compares two structures of one study; "larger than before" is change.
  if (/\bthan\b/.test(text) && !/\bthan (?:before|previously|on the prior|on the previous|last time)\b/.test(text)) return null;
  const asked: ChangeAsked | null = GROW_Q.test(text) ? 'grown' : SHRINK_Q.test(text) ? 'shrunk' : STABLE_Q.test(text) ? 'stable' : /\bchange/.test(text) ? 'changed' : null;
  if (asked === null) return null;
  if (lesionKind !== null) return { type: 'change', target: lesionTarget(), asked };
  const structure = phrases[0]?.structure;
  if (structure === undefined) return null;
  return { type: 'change', target: { kind: 'structure', structure }, asked };
}

function noPrior(): Reply {
  return unanswerable('out_of_scope', 'This study was not compared with a prior study (groundct report --prior <report-dir>), so change over time cannot be answered.');
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The change finding lies in the organ the question names (its organ, a part of it, or a sub-segment it occupies). */
function inOrgan(f: Finding, organ: string | null): boolean {
  if (organ === null) return true;
  const own = f.subject.organ;
  if (own === null) return false;
  if (own === organ || strings(f.attributes.segments).includes(organ)) return true;
  return structureOrNull(own) !== null && ancestors(own).includes(organ);
}

function kindMatches(f: Finding, t: LesionTarget): boolean {
  const cyst = f.attributes.lesionType === 'cyst';
  return t.lesionKind === 'any' || (t.lesionKind === 'cyst') === cyst;
}

const PAST: Record<string, string> = { grown: 'grew', shrunk: 'decreased', stable: 'is stable', increased: 'increased', decreased: 'decreased' };

export function answerChange(ctx: VqaContext, intent: ChangeIntent): Reply {
  const comparison = ctx.study.findings.find((f) => f.type === 'comparison');
  if (comparison === undefined) return noPrior();
  const cite = (fs: readonly Finding[]) => citations(ctx, fs.flatMap((f) => f.criteria));
  if (intent.type === 'response') {
    const r = ctx.study.findings.find((f) => f.type === 'response');
    if (r === undefined) return unanswerable('out_of_scope', 'No RECIST 1.1 response was assessed for this comparison.');
    const yes = intent.asked === 'responded' ? r.statement === 'CR' || r.statement === 'PR' : r.statement === intent.asked;
    const text = intent.asked === undefined ? r.statement : yesNo(yes);
    return answered({
      answer: text,
      value: r.values.currentSumMm,
      unit: 'mm',
      findingIds: [r.id, comparison.id],
      evidence: r.evidence,
      citations: cite([r]),
      caveats: [
        `RECIST 1.1 ${r.statement}: sum of target diameters ${fmt1(r.values.currentSumMm)} mm (baseline ${fmt1(r.values.baselineSumMm)} mm, nadir ${fmt1(r.values.nadirSumMm)} mm)`,
        ...r.caveats,
      ],
    });
  }
  if (intent.type === 'new_lesions') {
    const inTarget = ctx.study.findings.filter((f) => f.type === 'lesion_change' && inOrgan(f, intent.target.organ) && kindMatches(f, intent.target));
    const all = inTarget.filter((f) => f.statement === 'new');
    // "No new lesion" rests on the lesions that were followed there (both grids), else on the organ's own mask.
    const organ = intent.target.organ === null ? undefined : ctx.byName.get(intent.target.organ);
    const basis = all.length > 0 ? all : inTarget;
    return answered({
      answer: yesNo(all.length > 0),
      value: all.length,
      unit: 'count',
      findingIds: [...(basis.length > 0 ? basis.map((f) => f.id) : []), comparison.id],
      evidence: [...basis.flatMap((f) => f.evidence), ...(all.length === 0 && organ !== undefined ? [organ.evidence] : [])],
      citations: cite(basis.length > 0 ? basis : [comparison]),
      caveats: [
        ...(all.length > 0 ? all.map((f) => `new: ${f.subject.lesionId} (${fmt1(f.values.longAxisMm ?? f.values.shortAxisMm ?? 0)} mm)`) : []),
        'lesions outside the prior study\'s field of view are never called new',
      ],
    });
  }
  const t = intent.target;
  const changes =
    t.kind === 'structure'
      ? ctx.study.findings.filter((f) => f.type === 'organ_change' && f.subject.structure === t.structure)
      : ctx.study.findings
          .filter((f) => f.type === 'lesion_change' && ['grown', 'shrunk', 'stable', 'split', 'merged'].includes(f.statement) && inOrgan(f, t.organ) && kindMatches(f, t) && (t.side === undefined || f.subject.side === t.side))
          .sort((a, b) => (b.values.volumeMl ?? 0) - (a.values.volumeMl ?? 0));
  if (changes.length === 0) {
    const fresh = t.kind === 'lesion' ? ctx.study.findings.filter((f) => f.type === 'lesion_change' && f.statement === 'new' && inOrgan(f, t.organ)) : [];
    if (fresh.length > 0) return answered({ answer: 'no', findingIds: fresh.map((f) => f.id), evidence: fresh.flatMap((f) => f.evidence), citations: cite(fresh), caveats: ['the lesion is new: it was not on the prior study'] });
    const what = t.kind === 'structure' ? `the ${displayName(t.structure)} (not wholly imaged in both studies, or not labelled)` : `a lesion ${t.organ === null ? '' : `in the ${displayName(t.organ)} `}followed from the prior study`;
    return unanswerable('structure_absent', `No change can be given for ${what}.`);
  }
  const f = changes[0];
  const direction = f.statement === 'increased' ? 'grown' : f.statement === 'decreased' ? 'shrunk' : f.statement;
  const yes = intent.asked === 'changed' ? direction !== 'stable' : direction === intent.asked;
  const pct = f.values.longAxisChangePercent ?? f.values.shortAxisChangePercent ?? f.values.volumeChangePercent;
  const detail =
    t.kind === 'structure'
      ? `volume ${fmt1(f.values.priorVolumeMl)} mL -> ${fmt1(f.values.volumeMl)} mL (${pct > 0 ? '+' : ''}${fmt1(pct)} %)`
      : f.values.longAxisMm !== undefined
        ? `long axis ${fmt1(f.values.priorLongAxisMm)} mm -> ${fmt1(f.values.longAxisMm)} mm (${pct > 0 ? '+' : ''}${fmt1(pct)} %)`
        : `short axis ${fmt1(f.values.priorShortAxisMm)} mm -> ${fmt1(f.values.shortAxisMm)} mm (${pct > 0 ? '+' : ''}${fmt1(pct)} %)`;
  return answered({
    answer: yesNo(yes),
    value: pct,
    unit: '%',
    findingIds: [f.id, ...strings(f.attributes.currentFindingIds), ...strings(f.attributes.priorFindingIds)],
    evidence: f.evidence,
    citations: cite([f]),
    caveats: [`${PAST[f.statement] ?? f.statement}: ${detail}`, ...(changes.length > 1 ? [`${changes.length} matching lesions; the largest is answered`] : []), ...f.caveats],
  });
}
