import { gctError } from '../errors.ts';
import { MIN_SECTION_FALSE_LUMEN_ML } from '../measure/dissection.ts';
import { makeFinding, round4, type RuleContext } from './context.ts';
import { structureEvidence } from './evidence.ts';
import { PASSAGES } from './rules.ts';
import type { Finding } from './schema.ts';

/**
 * Aortic dissection (accaha2022-aortic-dissection-classification, groundct-dissection): present when the false-lumen mask has
 * voxels; its volume, the sections it runs through, and the Stanford and DeBakey types when the ascending aorta is
 * imaged as a section of its own (type A / I / II when the ascending aorta is involved; B / IIIa / IIIb when not,
 * IIIb when an abdominal section is involved). An empty false-lumen mask is a negative.
 */

const ASCENDING = new Set(['ascending_aorta', 'ascending_aorta_and_arch']);
const ABDOMINAL = new Set(['suprarenal_abdominal_aorta', 'infrarenal_abdominal_aorta', 'abdominal_aorta']);

export function dissectionFindings(ctx: RuleContext): Finding[] {
  const d = ctx.m.routine?.dissection ?? null;
  if (d === null) return [];
  if (ctx.rules.dissectionMinSectionMl !== MIN_SECTION_FALSE_LUMEN_ML)
    throw gctError('GCT_FINDINGS_INPUT_INVALID', `Dissection extent was measured with ${MIN_SECTION_FALSE_LUMEN_ML} mL per section; the passage ${PASSAGES.dissection} states ${ctx.rules.dissectionMinSectionMl} mL.`);
  const fl = ctx.byLabelId.get(d.falseLumenLabelId)!;
  const tl = d.trueLumenLabelId === null ? undefined : ctx.byLabelId.get(d.trueLumenLabelId);
  const evidence = [structureEvidence(fl), ...(tl === undefined ? [] : [structureEvidence(tl)])];
  const subject = { structure: 'aorta', displayName: 'aorta', organ: 'aorta' };
  if (d.falseLumenVolumeMl === 0)
    return [makeFinding({ id: 'aorta.dissection', type: 'dissection', subject, status: 'normal', significance: 0, statement: 'no dissection', values: { falseLumenVolumeMl: 0 }, evidence, criteria: [PASSAGES.dissection, PASSAGES.dissectionTypes] })];
  const involved = d.sections.map((s) => s.section);
  const ascendingImaged = d.aortaSections.some((s) => s === 'ascending_aorta');
  const ascendingInvolved = involved.some((s) => ASCENDING.has(s));
  const beyond = involved.some((s) => !ASCENDING.has(s));
  const stanford = ascendingInvolved ? 'A' : ascendingImaged ? 'B' : null;
  const debakey = ascendingInvolved ? (beyond ? 'I' : 'II') : ascendingImaged ? (involved.some((s) => ABDOMINAL.has(s)) ? 'IIIb' : 'IIIa') : null;
  return [
    makeFinding({
      id: 'aorta.dissection',
      type: 'dissection',
      subject,
      status: 'abnormal',
      significance: 3,
      statement: stanford === null ? 'dissection' : `Stanford type ${stanford} dissection`,
      values: {
        falseLumenVolumeMl: d.falseLumenVolumeMl,
        trueLumenVolumeMl: d.trueLumenVolumeMl,
        ...(d.trueLumenVolumeMl > 0 ? { falseLumenFraction: round4(d.falseLumenVolumeMl / (d.falseLumenVolumeMl + d.trueLumenVolumeMl)) } : {}),
      },
      attributes: {
        sections: involved,
        sectionNames: d.sections.map((s) => s.displayName),
        ...(stanford === null ? {} : { stanford }),
        ...(debakey === null ? {} : { debakey }),
      },
      caveats: [
        ...(stanford === null ? ['the ascending aorta is not imaged as a section of its own: the Stanford type is not determined'] : []),
        ...(d.falseLumenPartiallyImaged ? ['the false lumen runs beyond the scan: its volume and extent are those of the imaged part'] : []),
        ...(involved.length === 0 ? ['no aortic centreline: the extent by section is not given'] : []),
      ],
      evidence,
      criteria: [PASSAGES.dissectionTypes, PASSAGES.dissection, PASSAGES.aortaSections],
    }),
  ];
}
