import type { VertebralBody } from '../measure/vertebral-body.ts';
import { makeFinding, round4, type RuleContext } from './context.ts';
import { structureEvidence } from './evidence.ts';
import { PASSAGES } from './rules.ts';
import type { Finding } from './schema.ts';

/**
 * Spine findings from the routine vertebral measurements (measure/vertebral-body.ts):
 *
 * - vertebral fractures graded by Genant's semiquantitative bands (genant1993-vertebral-fracture-grades) on the largest
 *   relative height loss of a body: wedge = 1 - anterior / posterior height; biconcave = 1 - middle / the larger of
 *   anterior and posterior (only when the middle height is the smallest); crush = 1 - posterior height / the mean
 *   posterior height of the measured neighbours above and below;
 * - one summary finding naming the measured levels without a deformity of grade 1 or more;
 * - L1 trabecular attenuation against Pickhardt's thresholds (pickhardt2013-opportunistic-bone-density); not graded in a
 *   fractured L1, where the screen is invalid.
 */

const GRADE_WORD = ['none', 'mild', 'moderate', 'severe'] as const;

export interface HeightLoss {
  readonly lossPercent: number;
  readonly type: 'wedge' | 'biconcave' | 'crush';
  readonly grade: 0 | 1 | 2 | 3;
}

/** The largest relative height loss of a body and its Genant grade; null without heights. */
export function heightLoss(ctx: RuleContext, v: VertebralBody, neighbours: readonly VertebralBody[]): HeightLoss | null {
  const { anteriorHeightMm: ha, middleHeightMm: hm, posteriorHeightMm: hp } = v;
  if (ha === null || hm === null || hp === null || hp <= 0) return null;
  const candidates: { type: HeightLoss['type']; loss: number }[] = [{ type: 'wedge', loss: 1 - ha / hp }];
  if (hm < ha && hm < hp) candidates.push({ type: 'biconcave', loss: 1 - hm / Math.max(ha, hp) });
  const refs = neighbours.map((n) => n.posteriorHeightMm).filter((h): h is number => h !== null);
  if (refs.length === 2) candidates.push({ type: 'crush', loss: 1 - hp / ((refs[0] + refs[1]) / 2) });
  const worst = candidates.reduce((a, b) => (b.loss > a.loss ? b : a));
  const pct = Math.max(0, 100 * worst.loss);
  const g = ctx.rules.genant;
  const grade = pct > g.grade3AbovePercent ? 3 : pct >= g.grade2MinPercent ? 2 : pct >= g.grade1MinPercent ? 1 : 0;
  return { lossPercent: round4(pct), type: worst.type, grade };
}

function vertebraSubject(level: string) {
  return { structure: `vertebrae_${level}`, displayName: `${level} vertebra`, organ: 'vertebral_column' };
}

function fractureFindings(ctx: RuleContext, bodies: readonly VertebralBody[]): Finding[] {
  const out: Finding[] = [];
  const intact: VertebralBody[] = [];
  bodies.forEach((v, n) => {
    const stats = ctx.byLabelId.get(v.labelId);
    if (stats === undefined || !stats.present) return;
    const loss = heightLoss(ctx, v, [bodies[n - 1], bodies[n + 1]].filter((x): x is VertebralBody => x !== undefined));
    if (loss === null) return;
    if (loss.grade === 0) {
      intact.push(v);
      return;
    }
    out.push(
      makeFinding({
        id: `vertebrae_${v.level}.fracture`,
        type: 'vertebral_fracture',
        subject: vertebraSubject(v.level),
        status: 'abnormal',
        significance: loss.grade >= 2 ? 3 : 2,
        statement: `${GRADE_WORD[loss.grade]} ${loss.type} fracture`,
        values: {
          genantGrade: loss.grade,
          heightLossPercent: loss.lossPercent,
          anteriorHeightMm: v.anteriorHeightMm!,
          middleHeightMm: v.middleHeightMm!,
          posteriorHeightMm: v.posteriorHeightMm!,
          grade1MinLossPercent: ctx.rules.genant.grade1MinPercent,
        },
        attributes: { level: v.level, deformity: loss.type, grade: `grade ${loss.grade}`, bodyFrom: v.bodyFrom },
        caveats: ['a height loss can also be developmental (e.g. Scheuermann wedging) or a limbus vertebra; the images confirm a fracture'],
        evidence: [structureEvidence(stats)],
        criteria: [PASSAGES.genant, PASSAGES.vertebralBody],
      }),
    );
  });
  if (intact.length > 0) {
    const evidence = intact.map((v) => structureEvidence(ctx.byLabelId.get(v.labelId)!));
    out.push(
      makeFinding({
        id: 'spine.vertebral_heights',
        type: 'vertebral_fracture',
        subject: { structure: 'vertebral_column', displayName: 'vertebral bodies', organ: 'vertebral_column' },
        status: 'normal',
        significance: 0,
        statement: 'heights preserved',
        values: { levelCount: intact.length, grade1MinLossPercent: ctx.rules.genant.grade1MinPercent },
        attributes: { levels: intact.map((v) => v.level) },
        evidence,
        criteria: [PASSAGES.genant, PASSAGES.vertebralBody],
      }),
    );
  }
  return out;
}

function l1Finding(ctx: RuleContext, bodies: readonly VertebralBody[]): Finding[] {
  const l1 = bodies.find((v) => v.level === 'L1');
  const stats = l1 === undefined ? undefined : ctx.byLabelId.get(l1.labelId);
  if (l1 === undefined || l1.trabecularHuMean === null || stats === undefined || !stats.present) return [];
  const hu = l1.trabecularHuMean;
  const r = ctx.rules.l1;
  // Pickhardt's screen is invalid in a fractured vertebra: the attenuation is reported but not graded.
  const n = bodies.indexOf(l1);
  const loss = heightLoss(ctx, l1, [bodies[n - 1], bodies[n + 1]].filter((x): x is VertebralBody => x !== undefined));
  const fractured = loss !== null && loss.grade > 0;
  const [statement, status, significance] = fractured
    ? (['not assessed', 'indeterminate', 0] as const)
    : hu <= r.likelyAtOrBelowHu
    ? (['osteoporosis likely', 'abnormal', 2] as const)
    : hu <= r.possibleAtOrBelowHu
      ? (['low bone density possible', 'indeterminate', 1] as const)
      : (['osteoporosis unlikely', 'normal', 0] as const);
  return [
    makeFinding({
      id: 'vertebrae_L1.bone_density',
      type: 'bone_density',
      subject: vertebraSubject('L1'),
      status,
      significance,
      statement,
      values: {
        trabecularHuMean: hu,
        ...(l1.trabecularHuMedian === null ? {} : { trabecularHuMedian: l1.trabecularHuMedian }),
        roiVoxelCount: l1.trabecularVoxelCount,
        likelyAtOrBelowHu: r.likelyAtOrBelowHu,
        possibleAtOrBelowHu: r.possibleAtOrBelowHu,
      },
      attributes: { level: 'L1', phase: ctx.phase.phase, ...(fractured ? { reason: 'L1 fractured' } : {}) },
      caveats: ['an opportunistic screen: DXA confirms osteoporosis'],
      evidence: [structureEvidence(stats)],
      criteria: [PASSAGES.l1Attenuation, PASSAGES.vertebralBody],
    }),
  ];
}

export function spineFindings(ctx: RuleContext): Finding[] {
  const bodies = ctx.m.routine?.vertebrae ?? [];
  return [...fractureFindings(ctx, bodies), ...l1Finding(ctx, bodies)];
}
