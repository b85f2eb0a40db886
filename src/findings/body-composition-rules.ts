import { gctError } from '../errors.ts';
import { ADIPOSE_HU, MUSCLE_HU } from '../measure/body-composition.ts';
import { makeFinding, type RuleContext } from './context.ts';
import { structureEvidence } from './evidence.ts';
import { PASSAGES } from './rules.ts';
import type { Finding } from './schema.ts';

/**
 * Body composition at L3 (groundct-body-composition; HU windows from tissue-hu-ranges): a descriptive finding with
 * the muscle and fat areas. No sarcopenia or obesity class: the published cut-offs are indexed to height. The
 * measurement's HU windows must be the passage's.
 */
export function bodyCompositionFindings(ctx: RuleContext): Finding[] {
  const b = ctx.m.routine?.bodyComposition ?? null;
  if (b === null) return [];
  const w = ctx.rules.tissueHu;
  if (w.adipose[0] !== ADIPOSE_HU[0] || w.adipose[1] !== ADIPOSE_HU[1] || w.muscle[0] !== MUSCLE_HU[0] || w.muscle[1] !== MUSCLE_HU[1])
    throw gctError('GCT_FINDINGS_INPUT_INVALID', `Body composition was measured with windows adipose ${ADIPOSE_HU.join('..')} and muscle ${MUSCLE_HU.join('..')} HU; the passage ${PASSAGES.tissueHu} states ${w.adipose.join('..')} and ${w.muscle.join('..')} HU.`);
  const evidence = b.labelIds.map((id) => ctx.byLabelId.get(id)).filter((s) => s !== undefined).map((s) => structureEvidence(s!));
  return [
    makeFinding({
      id: 'body.composition',
      type: 'body_composition',
      subject: { structure: 'body', displayName: 'body composition', organ: null },
      status: 'normal',
      significance: 0,
      statement: 'measured',
      values: {
        ...(b.skeletalMuscleAreaCm2 === null ? {} : { skeletalMuscleAreaCm2: b.skeletalMuscleAreaCm2 }),
        subcutaneousFatAreaCm2: b.subcutaneousFatAreaCm2,
        visceralFatAreaCm2: b.visceralFatAreaCm2,
        ...(b.muscleMeanHu === null ? {} : { muscleMeanHu: b.muscleMeanHu }),
        sliceIndex: b.sliceIndex,
      },
      attributes: { level: b.level, fatFrom: b.fatFrom, ...(b.muscleFrom === null ? {} : { muscleFrom: b.muscleFrom }), muscleComplete: b.muscleComplete },
      caveats: [
        ...(b.level === 'L3' ? [] : [`L3 is not wholly imaged; measured at ${b.level}`]),
        ...(b.muscleFrom !== null && !b.muscleComplete ? [`the muscle area sums the ${b.muscleFrom} masks only (no abdominal wall muscle mask)`] : []),
      ],
      evidence,
      criteria: [PASSAGES.bodyComposition, PASSAGES.tissueHu],
    }),
  ];
}
