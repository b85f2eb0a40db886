import type { Finding } from '../findings/index.ts';
import { VERTEBRA_LEVELS } from '../measure/vertebral-level.ts';
import { huText } from './format.ts';
import { TEMPLATES, type SentencePlan } from './sentence-plan.ts';

/** Sentences of the 'spine' group (vertebral heights, fractures, L1 attenuation) and their IMPRESSION items. */

const GRADE_WORD = ['', 'mild', 'moderate', 'severe'];

function plan(section: SentencePlan['section'], template: SentencePlan['template'], context: Record<string, unknown>, findingIds: readonly string[]): SentencePlan {
  return { section, group: 'spine', template, context, findingIds };
}

const mm = (x: number) => `${(Math.round(x * 10) / 10).toFixed(1)} mm`;
const pct = (x: number) => `${Math.round(x)} %`;

/** 'T11 to L2' for a run of levels (in the order measured), or 'T12 and L2'. */
/** "T6 to T12 and L2 to L4": runs of consecutive levels, so a level left out (a fractured one) is never spanned. */
export function levelsText(levels: readonly string[]): string {
  if (levels.length === 2) return `${levels[0]} and ${levels[1]}`;
  const order = (l: string) => (VERTEBRA_LEVELS as readonly string[]).indexOf(l);
  const runs: string[][] = [];
  for (const l of levels) {
    const last = runs[runs.length - 1];
    if (last !== undefined && order(l) === order(last[last.length - 1]!) + 1 && order(l) > 0) last.push(l);
    else runs.push([l]);
  }
  const parts = runs.map((r) => (r.length === 1 ? r[0]! : `${r[0]} to ${r[r.length - 1]}`));
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

export function spinePlans(findings: readonly Finding[]): SentencePlan[] {
  const out: SentencePlan[] = [];
  const heights = findings.find((f) => f.id === 'spine.vertebral_heights');
  if (heights !== undefined) {
    const levels = heights.attributes.levels as string[];
    out.push(plan('findings', TEMPLATES.vertebralHeights, { levels: levelsText(levels), single: levels.length === 1, limit: pct(heights.values.grade1MinLossPercent) }, [heights.id]));
  }
  for (const f of findings.filter((x) => x.type === 'vertebral_fracture' && x.id !== 'spine.vertebral_heights'))
    out.push(plan('findings', TEMPLATES.vertebralFracture, {
      level: f.attributes.level, grade_word: GRADE_WORD[f.values.genantGrade], grade: f.values.genantGrade, type: f.attributes.deformity,
      loss: pct(f.values.heightLossPercent), ha: mm(f.values.anteriorHeightMm), hm: mm(f.values.middleHeightMm), hp: mm(f.values.posteriorHeightMm),
    }, [f.id]));
  const density = findings.find((f) => f.type === 'bone_density');
  if (density !== undefined)
    out.push(plan('findings', TEMPLATES.boneDensity, {
      hu: huText(density.values.trabecularHuMean), statement: density.statement, likely: huText(density.values.likelyAtOrBelowHu), possible: huText(density.values.possibleAtOrBelowHu),
    }, [density.id]));
  return out;
}

export function spineImpression(f: Finding): SentencePlan {
  return f.type === 'bone_density'
    ? plan('impression', TEMPLATES.impressionSpine, { kind: 'density', hu: huText(f.values.trabecularHuMean) }, [f.id])
    : plan('impression', TEMPLATES.impressionSpine, { kind: 'fracture', level: f.attributes.level, grade_word: GRADE_WORD[f.values.genantGrade], grade: f.values.genantGrade, loss: pct(f.values.heightLossPercent) }, [f.id]);
}
