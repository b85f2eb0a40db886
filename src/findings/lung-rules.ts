import { gctError } from '../errors.ts';
import type { LungRegionDensity } from '../measure/lung-density.ts';
import { makeFinding, round4, type RuleContext } from './context.ts';
import { structureEvidence } from './evidence.ts';
import { PASSAGES } from './rules.ts';
import type { Finding } from './schema.ts';

/**
 * Emphysema by density (gevenois-laa-950, groundct-emphysema-extent): the LAA-950 % of both lungs against the
 * extent bands, with the per-lung and per-lobe values, the mean lung attenuation and, when both lungs lie wholly in
 * the scan, the total lung volume. The measurement must have used the threshold the passage states.
 */

const SEVERITY = ['none', 'mild', 'moderate', 'severe'] as const;

function severity(ctx: RuleContext, percent: number): 0 | 1 | 2 | 3 {
  const b = ctx.rules.emphysema;
  return percent >= b.severeFromPercent ? 3 : percent >= b.moderateFromPercent ? 2 : percent >= b.mildFromPercent ? 1 : 0;
}

const key = (r: LungRegionDensity) => r.region.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function lungFindings(ctx: RuleContext): Finding[] {
  const d = ctx.m.routine?.lungDensity ?? null;
  if (d === null) return [];
  if (d.thresholdHu !== ctx.rules.emphysema.laaHu)
    throw gctError('GCT_FINDINGS_INPUT_INVALID', `The lung density was measured at ${d.thresholdHu} HU; the passage ${PASSAGES.laa950} states ${ctx.rules.emphysema.laaHu} HU.`, { thresholdHu: d.thresholdHu });
  const grade = severity(ctx, d.total.lowAttenuationPercent);
  const values: Record<string, number> = {
    lowAttenuationPercent: round4(d.total.lowAttenuationPercent),
    meanHu: d.total.meanHu,
    laaAtOrBelowHu: d.thresholdHu,
    mildFromPercent: ctx.rules.emphysema.mildFromPercent,
    moderateFromPercent: ctx.rules.emphysema.moderateFromPercent,
    severeFromPercent: ctx.rules.emphysema.severeFromPercent,
    ...(d.total.partiallyImaged || d.lungs.length < 2 ? {} : { totalLungVolumeMl: d.total.volumeMl }),
  };
  for (const r of [...d.lungs, ...d.masks.filter((m) => !d.lungs.includes(m))]) values[`${key(r)}LowAttenuationPercent`] = round4(r.lowAttenuationPercent);
  // Where the low-attenuation area lies: upper or lower lobes, when lobes are given.
  const upper = d.masks.filter((m) => m.region.includes('upper'));
  const lower = d.masks.filter((m) => m.region.includes('lower'));
  const share = (parts: readonly LungRegionDensity[]) => parts.reduce((a, p) => a + p.lowAttenuationVoxelCount, 0) / Math.max(1, parts.reduce((a, p) => a + p.voxelCount, 0));
  const predominance = grade > 0 && upper.length > 0 && lower.length > 0 ? (share(upper) > 1.5 * share(lower) ? 'upper lobe' : share(lower) > 1.5 * share(upper) ? 'lower lobe' : 'diffuse') : null;
  const evidence = d.masks.flatMap((m) => m.labelIds.map((id) => ctx.byLabelId.get(id)).filter((s) => s !== undefined).map((s) => structureEvidence(s!)));
  return [
    makeFinding({
      id: 'lung.emphysema',
      type: 'emphysema',
      subject: { structure: 'lung', displayName: 'lungs', organ: 'lung' },
      status: grade === 0 ? 'normal' : 'abnormal',
      significance: grade === 0 ? 0 : grade === 1 ? 1 : 2,
      statement: grade === 0 ? 'no emphysema' : `${SEVERITY[grade]} emphysema`,
      values,
      attributes: {
        regions: d.masks.map((m) => m.region),
        partiallyImaged: d.total.partiallyImaged,
        ...(predominance === null ? {} : { predominance }),
      },
      caveats: [
        'LAA-950 depends on slice thickness, reconstruction kernel, dose and depth of inspiration',
        ...(d.total.partiallyImaged ? ['the lungs are not wholly imaged: the share is that of the imaged part, and no total volume is given'] : []),
      ],
      evidence,
      criteria: [PASSAGES.laa950, PASSAGES.emphysemaExtent],
    }),
  ];
}
