import { ancestors, structureOrNull } from '../anatomy/index.ts';
import { type ReferenceIndex, type Claim } from '../claims/index.ts';

/**
 * Lesion detection per organ from report text, as RadGPT scores tumour presence (Bassi et al., "RadGPT:
 * Constructing 3D Image-Text Tumor Datasets", arXiv:2501.04678): a report says an organ has a lesion when it
 * asserts (not denies) a lesion there; otherwise it says the organ has none. The reference says 'present' when
 * it has a lesion finding in the organ (cysts included), 'absent' when it knows the organ is lesion-free, and
 * 'unknown' otherwise: such organs are left out of sensitivity and specificity.
 *
 * Organs are grouped as papers report them: both kidneys are 'kidney', lobes and sides are 'lung', Couinaud
 * segments 'liver', pancreatic parts 'pancreas', both adrenals 'adrenal'.
 */
export function organGroup(organ: string): string {
  const chain = structureOrNull(organ) === null ? [organ] : [organ, ...ancestors(organ)];
  if (chain.some((o) => o === 'kidneys' || o.startsWith('kidney'))) return 'kidney';
  if (chain.includes('lung')) return 'lung';
  if (chain.some((o) => o.startsWith('adrenal'))) return 'adrenal';
  if (chain.includes('liver')) return 'liver';
  if (chain.includes('pancreas')) return 'pancreas';
  return organ;
}

export interface DetectionCall {
  readonly predicted: boolean;
  readonly reference: 'present' | 'absent' | 'unknown';
}

/** Members of a group the reference has findings about (to decide 'absent' for a whole group). */
function groupOrgans(ref: ReferenceIndex, group: string): string[] {
  return ref.organs().filter((o) => organGroup(o) === group && structureOrNull(o)?.kind !== 'lesion');
}

/** Detection calls of one report: per organ group, what the text says and what the reference says. */
export function detectionCalls(claims: readonly Claim[], ref: ReferenceIndex): Record<string, DetectionCall> {
  const predicted = new Set<string>();
  for (const c of claims) if (c.kind === 'lesion' && !c.negated && c.organ !== null) predicted.add(organGroup(c.organ));
  const present = new Set<string>();
  for (const l of ref.lesions) if (l.subject.organ !== null) present.add(organGroup(l.subject.organ));
  const groups = new Set<string>([...predicted, ...present]);
  for (const o of ref.organs()) if (['organ', 'composite', 'organ_part'].includes(structureOrNull(o)?.kind ?? '')) groups.add(organGroup(o));
  const out: Record<string, DetectionCall> = {};
  for (const g of [...groups].sort()) {
    let reference: DetectionCall['reference'];
    if (present.has(g)) reference = 'present';
    else {
      const organs = groupOrgans(ref, g);
      reference = organs.length > 0 && organs.every((o) => ref.lesionStatus(o).status === 'absent') ? 'absent' : 'unknown';
    }
    out[g] = { predicted: predicted.has(g), reference };
  }
  return out;
}
