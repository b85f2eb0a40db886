import { ancestors, compositeMembers, descendants, getStructure } from '../anatomy/index.ts';
import { PASSAGES, type Finding } from '../findings/index.ts';
import { pickLesion } from './answer-lesion.ts';
import { citations, coverage, displayName, evidenceOf, type VqaContext } from './context.ts';
import { answered, fmt1, isReply, unanswerable, yesNo, type Reply } from './reply.ts';
import type { LesionTarget, UnknownTarget } from './types.ts';

/**
 * Answers about regions and structures as wholes: the abnormal findings of a region or of the scan, a lesion's
 * contact with a vessel, whether a structure is wholly imaged, where a structure lies, how many of a structure's
 * members are imaged, and questions about a name the anatomy catalogue does not know.
 */

/** Findings about `region` (itself, its parts, its members) or about the whole scan when null. */
function findingsIn(ctx: VqaContext, region: string | null): Finding[] {
  if (region === null) return [...ctx.study.findings];
  const names = new Set([region, ...descendants(region), ...compositeMembers(region)]);
  return ctx.study.findings.filter((f) => (f.subject.organ !== null && names.has(f.subject.organ)) || (f.subject.structure !== null && names.has(f.subject.structure)));
}

/**
 * "What abnormalities are present in the liver?": the abnormal findings (status abnormal) of the region, most
 * significant first. None: "no abnormal finding by the assessed criteria", with what was assessed; a region the
 * masks do not hold is not answered (structure_absent), a partly imaged one is answered with a caveat.
 */
export function answerAbnormality(ctx: VqaContext, region: string | null): Reply {
  if (region !== null) {
    const cov = coverage(ctx, region);
    if (cov.status === 'absent' && findingsIn(ctx, region).length === 0) return unanswerable('structure_absent', `The mask set has no label for the ${displayName(region)}.`);
  }
  const found = findingsIn(ctx, region).filter((f) => f.status === 'abnormal' && f.type !== 'lesion_count');
  const where = region === null ? 'the scan' : `the ${displayName(region)}`;
  const partial = findingsIn(ctx, region).filter((f) => f.type === 'partially_imaged');
  const caveats = [
    ...(partial.length > 0 ? [`${partial.map((f) => f.subject.displayName).join(', ')} ${partial.length > 1 ? 'are' : 'is'} only partially imaged`] : []),
    'only findings the masks and the knowledge-base rules cover are listed (no diagnosis)',
  ];
  if (found.length === 0) {
    const normal = findingsIn(ctx, region).filter((f) => f.type === 'normal');
    // A partly imaged organ has no 'normal' finding: its own mask is then the evidence of what was looked at.
    const evidence = normal.length > 0 || region === null ? normal.flatMap((f) => f.evidence) : evidenceOf(coverage(ctx, region).rows);
    return answered({ answer: `no abnormal finding in ${where} by the assessed criteria`, findingIds: normal.map((f) => f.id), evidence, citations: citations(ctx, [PASSAGES.negativeFindings]), caveats });
  }
  const sorted = [...found].sort((a, b) => b.significance - a.significance || a.id.localeCompare(b.id));
  return answered({
    answer: sorted.map((f) => `${f.subject.displayName}: ${f.statement}`).join('; '),
    value: sorted.length,
    unit: 'count',
    findingIds: sorted.map((f) => f.id),
    evidence: sorted.flatMap((f) => f.evidence),
    citations: citations(ctx, sorted.flatMap((f) => f.criteria)),
    caveats,
  });
}

/** "Is the SMA encased by the mass?": the lesion's vessel-contact findings (RadGPT's contact angle classes). */
export function answerContact(ctx: VqaContext, t: LesionTarget, vessel: string | null): Reply {
  const picked = pickLesion(ctx, t);
  if (isReply(picked)) return picked;
  const l = picked.lesion;
  const contacts = ctx.study.findings.filter((f) => f.type === 'vessel_contact' && f.id.startsWith(`${l.id}.contact.`) && (vessel === null || f.subject.structure === vessel));
  if (contacts.length > 0) {
    const f = contacts[0]!;
    return answered({
      answer: vessel === null ? contacts.map((c) => `${c.statement} of the ${c.subject.displayName}`).join('; ') : f.statement,
      value: f.values.contactAngleDeg,
      unit: 'deg',
      findingIds: contacts.map((c) => c.id),
      evidence: contacts.flatMap((c) => c.evidence),
      citations: citations(ctx, contacts.flatMap((c) => c.criteria)),
      caveats: picked.caveats,
    });
  }
  const stage = ctx.findingById.get(`${l.id}.stage`);
  const assessed = stage !== undefined && Array.isArray(stage.attributes.arteriesAssessed) && (vessel === null || stage.attributes.arteriesAssessed.includes(vessel));
  if (!assessed) return unanswerable('out_of_scope', `Contact of ${l.id} with ${vessel === null ? 'the vessels' : `the ${displayName(vessel)}`} is not measured (no vessel mask, or no contact rule for its organ).`, { findingIds: [l.id], evidence: l.finding.evidence });
  return answered({ answer: 'no contact', findingIds: [stage.id, l.id], evidence: l.finding.evidence, citations: citations(ctx, stage.criteria), caveats: picked.caveats });
}

/**
 * "Is the whole liver included?": complete = yes; touching a face of the scan = no (radgpt-partial-organ).
 * asked 'partial' ("Is the liver cut off?") inverts the yes/no.
 */
export function answerCoverage(ctx: VqaContext, structure: string, asked: 'complete' | 'partial' = 'complete'): Reply {
  const cov = coverage(ctx, structure);
  const n = displayName(structure);
  const evidence = evidenceOf(cov.rows);
  if (cov.status === 'absent') return unanswerable('structure_absent', `The mask set has no label for the ${n}.`);
  if (cov.status === 'not_imaged') return answered({ answer: yesNo(asked === 'partial'), evidence, caveats: [`the ${n} is labelled but has no voxel in this scan`] });
  const partial = ctx.study.findings.filter((f) => f.type === 'partially_imaged' && f.subject.structure !== null && (f.subject.structure === structure || compositeMembers(structure).includes(f.subject.structure)));
  return answered({
    answer: yesNo((cov.status === 'complete') === (asked === 'complete')),
    findingIds: partial.map((f) => f.id),
    evidence,
    citations: cov.status === 'partial' ? citations(ctx, [PASSAGES.partialOrgan, PASSAGES.partialOrganRadgpt]) : [],
    caveats: partial.flatMap((f) => f.caveats),
  });
}

/** Body midline in RAS x: the vertebrae's mean centroid x, else the centre of every labelled structure's extent. */
function midlineX(ctx: VqaContext): number | null {
  const withCentroid = ctx.study.structures.filter((s) => s.present && s.evidence.rasCentroid !== null);
  const spine = withCentroid.filter((s) => s.name?.startsWith('vertebrae_'));
  if (spine.length > 0) return spine.reduce((a, s) => a + s.evidence.rasCentroid![0], 0) / spine.length;
  const boxes = withCentroid.map((s) => s.evidence.rasBounds).filter((b) => b !== null);
  if (boxes.length === 0) return null;
  return (Math.min(...boxes.map((b) => b!.min[0])) + Math.max(...boxes.map((b) => b!.max[0]))) / 2;
}

/** Band around the midline called midline, mm (as the measure stage's lesion side). */
const MIDLINE_BAND_MM = 10;

/**
 * "Where is the esophagus?": the patient's side from the catalogue (a left kidney is left), else the mask's
 * centroid against the body midline (RAS +x is the patient's right), with the mask as evidence.
 */
export function answerStructureLocation(ctx: VqaContext, structure: string): Reply {
  const cov = coverage(ctx, structure);
  const n = displayName(structure);
  if (cov.status === 'absent' || cov.status === 'not_imaged') return unanswerable(cov.status === 'absent' ? 'structure_absent' : 'not_imaged', `The mask set has no ${cov.status === 'absent' ? 'label' : 'voxel'} for the ${n}.`);
  const evidence = evidenceOf(cov.rows.filter((r) => r.present));
  const own = getStructure(structure).laterality;
  const caveats = cov.status === 'partial' ? [`the ${n} is only partially imaged`] : [];
  if (own === 'left' || own === 'right') return answered({ answer: `patient's ${own} side`, evidence, caveats });
  const centroids = evidence.map((e) => e.rasCentroid).filter((c) => c !== null);
  const mid = midlineX(ctx);
  if (centroids.length === 0 || mid === null) return answered({ answer: `${n} (mask shown; no geometry to place it)`, evidence, caveats });
  const x = centroids.reduce((a, c) => a + c![0], 0) / centroids.length;
  const dx = x - mid;
  const side = Math.abs(dx) <= MIDLINE_BAND_MM ? 'midline' : dx > 0 ? "patient's right side" : "patient's left side";
  const parent = ancestors(structure).find((a) => a !== 'body');
  return answered({ answer: `${side}${parent ? ` (part of the ${displayName(parent)})` : ''}`, value: Math.round(dx * 10) / 10, unit: 'mm', evidence, caveats: [...caveats, `centroid ${fmt1(Math.abs(dx))} mm ${dx >= 0 ? 'right' : 'left'} of the body midline`] });
}

/** "How many kidneys / right ribs are visible?": imaged members of a composite; 1 or 0 for a single structure. */
export function answerStructureCount(ctx: VqaContext, structure: string): Reply {
  const members = compositeMembers(structure);
  const names = members.length > 0 ? members : [structure];
  const rows = names.map((m) => ctx.byName.get(m)).filter((r) => r !== undefined);
  if (rows.length === 0 && ctx.byName.get(structure) === undefined) return unanswerable('structure_absent', `The mask set has no label for the ${displayName(structure)}.`);
  const own = ctx.byName.get(structure);
  const present = members.length > 0 && rows.length > 0 ? rows.filter((r) => r.present) : own !== undefined ? [own].filter((r) => r.present) : [];
  const partial = present.filter((r) => r.partiallyImaged).length;
  return answered({
    answer: String(present.length),
    value: present.length,
    unit: 'count',
    evidence: evidenceOf(present),
    caveats: [...(partial > 0 ? [`${partial} of them only partially imaged`] : []), ...(members.length > 0 && rows.length < members.length ? [`${members.length - rows.length} member(s) have no label in the mask set`] : [])],
  });
}

/** A name the catalogue does not know: no mask set can hold it. */
export function answerUnknown(t: UnknownTarget): Reply {
  return unanswerable('structure_absent', `'${t.name}' is not a structure of the anatomy catalogue (TotalSegmentator v2 vocabulary and aliases), so no mask answers it.`);
}
