import { ancestors, compositeMembers, structureOrNull } from '../anatomy/index.ts';
import { PASSAGES, type Finding } from '../findings/index.ts';
import {
  citations, coverage, coverageStructure, displayName, evidenceOf, lesionIn, matchingLesions, nameOf,
  type LesionView, type VqaContext,
} from './context.ts';
import { answered, fmt1, isReply, unanswerable, yesNo, type Reply } from './reply.ts';
import type { LesionTarget } from './types.ts';

/**
 * Answers about lesions: presence, count, location, size, attenuation, T category and "show me". A lesion is a
 * 'lesion' finding (one connected component, radgpt-lesion-component). Absence ("no lesion in the pancreas") is
 * a claim about a whole organ, so it is made only when that organ is labelled, has voxels and lies wholly
 * inside the scan (groundct-negative-findings, radgpt-partial-organ); otherwise the answer says why not.
 */

const LOCATION_PASSAGES: readonly string[] = [PASSAGES.lesionLocation, PASSAGES.couinaud, PASSAGES.pancreasSubsegments, PASSAGES.lungLobes];
const SIZE_PASSAGES: readonly string[] = [PASSAGES.lesionSize, PASSAGES.longestDiameter];
const ATTENUATION_PASSAGES: readonly string[] = [PASSAGES.lesionAttenuation, PASSAGES.attenuationTerms];
const COMPONENT_PASSAGES: readonly string[] = [PASSAGES.lesionComponent, PASSAGES.minComponent];

const ATTENUATION_WORDS = { hypo: 'hypoattenuating', iso: 'isoattenuating', hyper: 'hyperattenuating' } as const;

function kindWord(t: LesionTarget, plural = false): string {
  const noun = t.lesionKind === 'cyst' ? 'cyst' : t.lesionKind === 'solid' ? 'solid lesion' : 'lesion';
  return plural ? `${noun}s` : noun;
}

function whereWord(t: LesionTarget): string {
  const side = t.side === undefined ? '' : ` on the ${t.side}`;
  return t.organ === null ? `in the study${side}` : `in the ${displayName(t.organ)}${side}`;
}

function criteriaOf(f: Finding, wanted: readonly string[]): string[] {
  return f.criteria.filter((c) => wanted.includes(c));
}

/** Lesion-count findings that cover `organ` (its own, its members', its ancestors'). */
function countFindings(ctx: VqaContext, organ: string | null): Finding[] {
  const all = ctx.study.findings.filter((f) => f.type === 'lesion_count');
  if (organ === null) return all;
  const names = new Set([organ, ...compositeMembers(organ), ...(structureOrNull(organ) ? ancestors(organ) : [])]);
  return all.filter((f) => f.subject.structure !== null && names.has(f.subject.structure));
}

interface AbsenceBasis {
  readonly findingIds: string[];
  readonly evidence: Finding['evidence'];
  readonly caveats: string[];
}

/**
 * Whether "no matching lesion" can be said for the target, and on what evidence: the organ's mask (complete)
 * plus the lesion labels that were searched. Returns the unanswerable reply when it cannot.
 */
export function absenceBasis(ctx: VqaContext, t: LesionTarget): AbsenceBasis | Reply {
  if (t.organ === null) {
    const counts = countFindings(ctx, null);
    if (counts.length === 0)
      return unanswerable('structure_absent', 'The mask set has no lesion label, so the absence of lesions in the whole study cannot be read from it.');
    const partial = counts.filter((f) => f.status === 'indeterminate' && f.subject.organ !== null);
    if (partial.length > 0)
      return unanswerable('partially_imaged', `The ${partial.map((f) => f.subject.displayName).join(', ')} ${partial.length > 1 ? 'are' : 'is'} only partially imaged, so lesions outside the scan cannot be excluded.`, {
        findingIds: partial.map((f) => f.id), evidence: partial.flatMap((f) => f.evidence), citations: citations(ctx, [PASSAGES.partialOrgan, PASSAGES.partialOrganRadgpt]),
      });
    return {
      findingIds: counts.map((f) => f.id),
      evidence: counts.flatMap((f) => f.evidence),
      caveats: ['only the lesion labels of the mask set were searched; the parts of the scan outside labelled organs are not assessed'],
    };
  }
  const organ = coverageStructure(ctx, t.organ);
  const cov = coverage(ctx, organ);
  const name = displayName(organ);
  const evidence = evidenceOf(cov.rows);
  if (cov.status === 'absent') return unanswerable('structure_absent', `The mask set has no label for the ${displayName(t.organ)}.`);
  if (cov.status === 'not_imaged') return unanswerable('not_imaged', `The ${name} is labelled but has no voxel in this scan (not imaged).`, { evidence });
  if (cov.status === 'partial')
    return unanswerable('partially_imaged', `The ${name} is only partially imaged, so lesions outside the scan cannot be excluded.`, {
      evidence,
      citations: citations(ctx, [PASSAGES.partialOrgan, PASSAGES.partialOrganRadgpt]),
    });
  const inOrgan = ctx.lesions.filter((l) => lesionIn(l, organ));
  if (organ !== t.organ && inOrgan.some((l) => l.segments.length === 0))
    return unanswerable('structure_absent', `The ${displayName(t.organ)} has no label and the ${name}'s lesions have no sub-segment, so which part holds them is unknown.`, { evidence });
  if (t.lesionKind === 'cyst' && inOrgan.some((l) => l.noun !== 'cyst' && (t.side === undefined || l.side === t.side)))
    return unanswerable('out_of_scope', `The ${name} holds a lesion whose label does not say whether it is a cyst.`, { evidence });
  const counts = countFindings(ctx, organ);
  const normal = ctx.findingById.get(`${organ}.normal`);
  const caveats = counts.length === 0 ? [`no lesion label for the ${name} was in the mask set: 'no' means that no lesion mask lies in it`] : [];
  return {
    findingIds: [...counts.map((f) => f.id), ...(normal ? [normal.id] : [])],
    evidence: [...evidence, ...counts.flatMap((f) => f.evidence)],
    caveats,
  };
}

/** The one lesion a location / size / attenuation / stage / show question is about, or why there is none. */
export function pickLesion(ctx: VqaContext, t: LesionTarget): { lesion: LesionView; caveats: string[] } | Reply {
  const matches = matchingLesions(ctx, t);
  if (matches.length === 0) {
    const basis = absenceBasis(ctx, t);
    if (isReply(basis)) return basis;
    return unanswerable('structure_absent', `There is no ${kindWord(t)} ${whereWord(t)}.`, {
      findingIds: basis.findingIds, evidence: basis.evidence, caveats: basis.caveats, citations: citations(ctx, [PASSAGES.negativeFindings]),
    });
  }
  if (t.rank !== undefined) {
    const index = t.rank > 0 ? t.rank - 1 : matches.length + t.rank;
    const lesion = matches[index];
    if (lesion === undefined) return unanswerable('structure_absent', `There are only ${matches.length} ${kindWord(t, true)} ${whereWord(t)}.`, { findingIds: matches.map((l) => l.id), evidence: matches.flatMap((l) => l.finding.evidence) });
    return { lesion, caveats: [] };
  }
  const caveats = matches.length > 1 ? [`${matches.length} ${kindWord(t, true)} match; this answer is about the largest by volume (${matches[0].id})`] : [];
  return { lesion: matches[0], caveats };
}

function lesionParts(ctx: VqaContext, l: LesionView, passages: readonly string[], caveats: readonly string[]) {
  return {
    findingIds: [l.id],
    evidence: l.finding.evidence,
    citations: citations(ctx, criteriaOf(l.finding, passages)),
    caveats: [...caveats, ...l.finding.caveats],
  };
}

export function answerPresence(ctx: VqaContext, t: LesionTarget): Reply {
  const matches = matchingLesions(ctx, t);
  if (matches.length > 0) {
    return answered({
      answer: 'yes',
      findingIds: matches.map((l) => l.id),
      evidence: matches.flatMap((l) => l.finding.evidence),
      citations: citations(ctx, [...COMPONENT_PASSAGES.filter((p) => matches[0].finding.criteria.includes(p)), ...(t.organ !== null && structureOrNull(t.organ)?.kind === 'organ_part' ? criteriaOf(matches[0].finding, LOCATION_PASSAGES) : [])]),
      caveats: matches.flatMap((l) => l.finding.caveats),
    });
  }
  const basis = absenceBasis(ctx, t);
  if (isReply(basis)) return basis;
  return answered({ answer: 'no', ...basis, citations: citations(ctx, [PASSAGES.negativeFindings]) });
}

export function answerCount(ctx: VqaContext, t: LesionTarget): Reply {
  const matches = matchingLesions(ctx, t);
  if (matches.length === 0) {
    const basis = absenceBasis(ctx, t);
    if (isReply(basis)) return basis;
    return answered({ answer: '0', value: 0, unit: 'count', ...basis, citations: citations(ctx, [PASSAGES.negativeFindings, PASSAGES.lesionComponent]) });
  }
  const organ = t.organ === null ? null : coverageStructure(ctx, t.organ);
  const cov = organ === null ? null : coverage(ctx, organ);
  const caveats = cov !== null && cov.status !== 'complete' ? [`the ${displayName(organ!)} is not wholly imaged; lesions outside the scan are not counted`] : [];
  const dropped = countFindings(ctx, organ).reduce((a, f) => a + (f.values.droppedComponentCount ?? 0), 0);
  if (dropped > 0) caveats.push(`${dropped} component(s) below the minimum lesion volume are not counted (groundct-min-component-size)`);
  return answered({
    answer: String(matches.length),
    value: matches.length,
    unit: 'count',
    findingIds: matches.map((l) => l.id),
    evidence: matches.flatMap((l) => l.finding.evidence),
    citations: citations(ctx, COMPONENT_PASSAGES.filter((p) => matches[0].finding.criteria.includes(p))),
    caveats,
  });
}

export function answerLocation(ctx: VqaContext, t: LesionTarget): Reply {
  const picked = pickLesion(ctx, t);
  if (isReply(picked)) return picked;
  const { lesion: l } = picked;
  const text =
    l.segments.length > 0 ? l.segments.map(nameOf).join(' and ') : l.organ !== null ? nameOf(l.organ) : `${l.side ?? 'unknown'} side, outside the segmented organs`;
  return answered({ answer: text, ...lesionParts(ctx, l, LOCATION_PASSAGES, picked.caveats) });
}

export function answerLesionSize(ctx: VqaContext, t: LesionTarget, measure: 'volume' | 'long_axis' | 'short_axis' | 'length'): Reply {
  const picked = pickLesion(ctx, t);
  if (isReply(picked)) return picked;
  const { lesion: l } = picked;
  const v = l.finding.values;
  const parts = lesionParts(ctx, l, SIZE_PASSAGES, picked.caveats);
  if (measure === 'volume') return answered({ answer: `${fmt1(v.volumeMl)} mL`, value: v.volumeMl, unit: 'mL', ...parts });
  if (measure === 'short_axis') return answered({ answer: `${fmt1(v.shortAxisMm)} mm`, value: v.shortAxisMm, unit: 'mm', ...parts });
  return answered({ answer: `${fmt1(v.longAxisMm)} x ${fmt1(v.shortAxisMm)} mm`, value: v.longAxisMm, unit: 'mm', ...parts });
}

export function answerLesionAttenuation(ctx: VqaContext, t: LesionTarget, askedClass: 'hypo' | 'iso' | 'hyper' | undefined): Reply {
  const picked = pickLesion(ctx, t);
  if (isReply(picked)) return picked;
  const { lesion: l } = picked;
  const word = l.finding.attributes.attenuation;
  const parts = lesionParts(ctx, l, ATTENUATION_PASSAGES, picked.caveats);
  const huMean = l.finding.values.huMean;
  if (typeof word !== 'string') {
    if (askedClass !== undefined)
      return unanswerable('out_of_scope', 'The lesion has no attenuation class: it lies in no segmented organ whose parenchyma it could be compared with.', { findingIds: [l.id], evidence: l.finding.evidence });
    return answered({ answer: `${fmt1(huMean)} HU`, value: huMean, unit: 'HU', ...parts });
  }
  if (askedClass !== undefined) return answered({ answer: yesNo(word === ATTENUATION_WORDS[askedClass]), value: huMean, unit: 'HU', ...parts });
  return answered({ answer: word, value: huMean, unit: 'HU', ...parts });
}

export function answerStaging(ctx: VqaContext, t: LesionTarget): Reply {
  const picked = pickLesion(ctx, { ...t, lesionKind: t.lesionKind === 'cyst' ? 'cyst' : 'any' });
  if (isReply(picked)) return picked;
  const { lesion: l } = picked;
  const stage = ctx.findingById.get(`${l.id}.stage`);
  if (stage === undefined) {
    const why = l.noun === 'cyst' ? 'cysts are not staged' : `no imaging T-category rule applies to a lesion of the ${l.organ === null ? 'body' : displayName(l.organ)}`;
    return unanswerable('out_of_scope', `No T category: ${why} (ajcc8-staging-limits).`, { findingIds: [l.id], evidence: l.finding.evidence, citations: citations(ctx, [PASSAGES.stagingLimits]) });
  }
  return answered({
    answer: stage.statement,
    findingIds: [stage.id, l.id],
    evidence: stage.evidence,
    citations: citations(ctx, stage.criteria),
    caveats: [...picked.caveats, ...stage.caveats],
  });
}

export function answerShowLesion(ctx: VqaContext, t: LesionTarget): Reply {
  const picked = pickLesion(ctx, t);
  if (isReply(picked)) return picked;
  const { lesion: l } = picked;
  const e = l.finding.evidence[0];
  return answered({
    answer: `${l.id} (label ${e.labelId} '${e.labelName}')`,
    masks: [{ labelId: e.labelId, labelName: e.labelName, ...(e.componentId ? { componentId: e.componentId } : {}) }],
    ...lesionParts(ctx, l, [], picked.caveats),
  });
}
