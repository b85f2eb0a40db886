import { structureOrNull } from '../anatomy/index.ts';
import { makeFinding, type RuleContext } from './context.ts';
import { structureEvidence } from './evidence.ts';
import { isOrganLike, subjectOf } from './organ-rules.ts';
import { PASSAGES } from './rules.ts';
import type { Finding } from './schema.ts';

/**
 * 'normal' findings: an organ present, wholly inside the scan, with no abnormal finding about it or about a
 * lesion in it. A normal finding says which criteria were actually assessed (`attributes.assessed`): completeness
 * always; 'size' when a size rule ran; 'attenuation' when a steatosis rule ran; 'lesions' only when a lesion label
 * for that organ was in the mask set (otherwise "no lesion" would be a claim no mask supports;
 * groundct-negative-findings). Organs partly imaged or not imaged get no normal finding.
 */
export function normalFindings(ctx: RuleContext, others: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  const byId = new Map(others.map((f) => [f.id, f]));
  const seen = new Set<string>();
  for (const s of ctx.m.structures) {
    if (s.name === null || seen.has(s.name) || !s.present || s.partiallyImaged) continue;
    // Whole organs only: a Couinaud segment or a lobe is not called normal on its own.
    if (structureOrNull(s.name)?.kind === 'organ_part' || !isOrganLike(s.name)) continue;
    seen.add(s.name);
    const name = s.name;
    const about = others.filter((f) => f.subject.organ === name || f.subject.structure === name);
    if (about.some((f) => f.status === 'abnormal')) continue;
    const assessed = ['completeness'];
    const basis: Finding[] = [];
    const use = (id: string, what: string) => {
      const f = byId.get(id);
      if (f !== undefined && f.status === 'normal') {
        if (!assessed.includes(what)) assessed.push(what);
        basis.push(f);
      }
    };
    use(`${name}.size`, 'size');
    use(`${name}.length`, 'size');
    use(`${name}.steatosis`, 'attenuation');
    use(`${name}.lesions`, 'lesions');
    out.push(
      makeFinding({
        id: `${name}.normal`,
        type: 'normal',
        subject: subjectOf(name),
        status: 'normal',
        significance: 0,
        statement: 'normal',
        values: { volumeMl: s.volumeMl, huMean: s.huMean },
        attributes: { assessed, basedOn: basis.map((f) => f.id) },
        evidence: [structureEvidence(s)],
        criteria: [PASSAGES.negativeFindings, ...basis.flatMap((f) => f.criteria)],
      }),
    );
  }
  return out;
}
