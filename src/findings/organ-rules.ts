import { getStructure, structureOrNull } from '../anatomy/index.ts';
import type { MeasuredStructureStats, StructureStats } from '../measure/types.ts';
import { makeFinding, type RuleContext } from './context.ts';
import { structureEvidence } from './evidence.ts';
import { PASSAGES } from './rules.ts';
import type { Finding } from './schema.ts';

/**
 * Organ rules: size class by volume (RadGPT) and spleen length (Lugano) for complete organs, 'partially_imaged'
 * for organs cut by the scan border (RadGPT withholds their volume: passages radgpt-partial-organ,
 * groundct-partial-organ), and 'not_imaged' for organs named in the label map with no voxel.
 */

/** Structure kinds that get partially-imaged / not-imaged findings. Vessels, bones and muscles routinely run off
 * the scan, so saying so for each would bury the organs; they stay in the report's structure table. */
const ORGAN_KINDS = new Set(['organ', 'organ_part']);

/**
 * Organs and organ-level composites labelled as a whole (a segmenter's `lung_left`, `kidneys`): these get the
 * organ findings. Skeletal and muscular composites (ribs, vertebral column) do not, as bones do not.
 */
export function isOrganLike(name: string): boolean {
  const s = structureOrNull(name);
  if (s === null) return false;
  if (ORGAN_KINDS.has(s.kind)) return true;
  return s.kind === 'composite' && s.system !== 'skeletal' && s.system !== 'muscular';
}

function sideOf(name: string): 'left' | 'right' | undefined {
  const lat = getStructure(name).laterality;
  return lat === 'left' || lat === 'right' ? lat : undefined;
}

export function subjectOf(name: string): Finding['subject'] {
  const s = getStructure(name);
  const side = sideOf(name);
  return { structure: name, displayName: s.displayName, organ: name, ...(side === undefined ? {} : { side }) };
}

function notImaged(s: StructureStats & { name: string }): Finding {
  return makeFinding({
    id: `${s.name}.not_imaged`,
    type: 'not_imaged',
    subject: subjectOf(s.name),
    status: 'indeterminate',
    significance: 1,
    statement: 'not imaged',
    attributes: { reason: 'label listed with no voxel' },
    evidence: [structureEvidence(s)],
    criteria: [PASSAGES.negativeFindings],
  });
}

/**
 * Solid organs whose mean attenuation means something on its own (parenchyma, no gas or lumen content): for
 * these a partially imaged organ is still assessed for attenuation in its imaged part. Hollow organs (stomach,
 * bowel) and aerated lung are not: their mean HU mixes gas, wall and content.
 */
export const PARENCHYMAL_ORGANS: ReadonlySet<string> = new Set([
  'liver', 'spleen', 'pancreas', 'kidney_left', 'kidney_right', 'adrenal_gland_left', 'adrenal_gland_right', 'thyroid_gland', 'prostate',
]);

function partiallyImaged(s: MeasuredStructureStats & { name: string }): Finding {
  // What is still assessed on the imaged part (groundct-partial-organ): the attenuation of a solid organ.
  // Lesions in the imaged part are reported by the lesion rules (lesion_count "imaged part only").
  const assessable = PARENCHYMAL_ORGANS.has(s.name) ? ['attenuation'] : [];
  return makeFinding({
    id: `${s.name}.partial`,
    type: 'partially_imaged',
    subject: subjectOf(s.name),
    status: 'indeterminate',
    significance: 1,
    statement: 'partially imaged',
    values: assessable.length > 0 ? { huMean: s.huMean } : {},
    attributes: { borders: [...s.touchesBorderRas], withheld: ['volume', 'size class'], assessable },
    evidence: [structureEvidence(s)],
    criteria: [PASSAGES.partialOrgan, PASSAGES.partialOrganRadgpt],
  });
}

/** Volume size class of a complete organ that has a RadGPT rule; null for organs without one. */
function sizeFinding(ctx: RuleContext, s: MeasuredStructureStats & { name: string }): Finding | null {
  const rule = ctx.rules.organSize[s.name];
  if (rule === undefined) return null;
  // RadGPT's classes are strict: enlarged ABOVE the limit ("above 314.5 cm3"), massive ABOVE 430.8.
  const massive = rule.massiveVolumeMl !== undefined && s.volumeMl > rule.massiveVolumeMl;
  const enlarged = s.volumeMl > rule.enlargedVolumeMl;
  const statement = massive ? 'massively enlarged' : enlarged ? 'enlarged' : 'normal size';
  return makeFinding({
    id: `${s.name}.size`,
    type: 'organ_size',
    subject: subjectOf(s.name),
    status: enlarged ? 'abnormal' : 'normal',
    significance: massive ? 3 : enlarged ? 2 : 0,
    statement,
    values: {
      volumeMl: s.volumeMl,
      enlargedAboveMl: rule.enlargedVolumeMl,
      ...(rule.massiveVolumeMl === undefined ? {} : { massiveAboveMl: rule.massiveVolumeMl }),
    },
    attributes: { measure: 'volume' },
    evidence: [structureEvidence(s)],
    criteria: [rule.passageId],
  });
}

/** Lugano: splenomegaly when the craniocaudal length exceeds 13 cm (reported separately from the volume class). */
function spleenLengthFinding(ctx: RuleContext, s: MeasuredStructureStats): Finding {
  const lengthMm = s.extentMm.craniocaudal;
  const enlarged = lengthMm > ctx.rules.spleenMaxLengthMm;
  return makeFinding({
    id: 'spleen.length',
    type: 'organ_size',
    subject: subjectOf('spleen'),
    status: enlarged ? 'abnormal' : 'normal',
    significance: enlarged ? 2 : 0,
    statement: enlarged ? 'enlarged' : 'normal size',
    values: { craniocaudalLengthMm: lengthMm, enlargedAboveMm: ctx.rules.spleenMaxLengthMm },
    attributes: { measure: 'craniocaudal length' },
    evidence: [structureEvidence(s)],
    criteria: [PASSAGES.spleenLength],
  });
}

/** Partially imaged, not imaged and size findings of every catalogued organ in the label map. */
export function organFindings(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const s of ctx.m.structures) {
    if (s.name === null || seen.has(s.name)) continue;
    if (!isOrganLike(s.name)) continue;
    seen.add(s.name);
    const named = s as typeof s & { name: string };
    if (!named.present) {
      out.push(notImaged(named));
      continue;
    }
    if (named.partiallyImaged) {
      out.push(partiallyImaged(named));
      continue;
    }
    const size = sizeFinding(ctx, named);
    if (size !== null) out.push(size);
    if (named.name === 'spleen') out.push(spleenLengthFinding(ctx, named));
  }
  return out;
}
