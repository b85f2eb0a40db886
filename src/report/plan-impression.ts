import type { Finding } from '../findings/index.ts';
import { huText, lengthText, ratioText, sharePercentText, sizeText, volumeText } from './format.ts';
import { groupOf, groupRank, organDisplay } from './groups.ts';
import { bundleIds, lesionBundles, lesionContext } from './lesion-context.ts';
import { TEMPLATES, type SentencePlan } from './sentence-plan.ts';
import { vesselImpression } from './vessel-plans.ts';
import { spineImpression } from './spine-plans.ts';

/**
 * Plans the IMPRESSION: abnormal findings of significance >= 2, most significant first (then in FINDINGS group
 * order); then the limitations a reader must know (organs partly or not imaged, unknown phase, unknown labels);
 * then, only when nothing abnormal was found, a negative limited to the organs that were wholly imaged and
 * assessed. The negative over the five solid abdominal organs is written only when all five were (passage
 * groundct-negative-findings); a study-wide "no acute findings" is never written.
 */

/** The organs a "no abnormality of the solid abdominal organs" sentence needs, each wholly imaged and normal. */
export const CORE_ORGANS = ['liver', 'spleen', 'pancreas', 'kidney_right', 'kidney_left'] as const;

interface Item {
  readonly significance: number;
  readonly group: string;
  readonly plan: SentencePlan;
}

function plan(group: string, template: SentencePlan['template'], context: Record<string, unknown>, findingIds: readonly string[]): SentencePlan {
  return { section: 'impression', group, template, context, findingIds };
}

function organName(f: Finding): string {
  return f.subject.organ === null ? f.subject.displayName : organDisplay(f.subject.organ, f.subject.side);
}

function lesionItems(findings: readonly Finding[]): Item[] {
  const bundles = lesionBundles(findings).filter((b) => b.lesion.significance >= 2);
  const byOrgan = new Map<string, typeof bundles>();
  for (const b of bundles) {
    const key = b.lesion.subject.organ ?? '';
    byOrgan.set(key, [...(byOrgan.get(key) ?? []), b]);
  }
  const items: Item[] = [];
  for (const [organ, list] of byOrgan) {
    const sorted = [...list].sort((a, b) => b.lesion.values.volumeMl - a.lesion.values.volumeMl);
    const largest = sorted[0];
    const significance = Math.max(...list.flatMap((b) => [b.lesion, ...b.contacts, ...(b.stage ? [b.stage] : [])]).map((f) => f.significance));
    const count = findings.find((f) => f.type === 'lesion_count' && (f.subject.organ ?? '') === organ);
    const ids = list.length === 1 ? bundleIds(largest) : [...(count ? [count.id] : []), ...bundleIds(largest)];
    items.push({
      significance,
      group: groupOf(largest.lesion),
      plan: plan(groupOf(largest.lesion), TEMPLATES.impressionLesion, { ...lesionContext(largest), count: list.length }, ids),
    });
  }
  return items;
}

function abnormalItems(findings: readonly Finding[]): Item[] {
  const items: Item[] = [...lesionItems(findings)];
  for (const f of findings) {
    if (f.status !== 'abnormal' || f.significance < 2) continue;
    const group = groupOf(f);
    const v = f.values;
    let p: SentencePlan | null = null;
    if (f.type === 'organ_size') {
      const byLength = f.attributes.measure === 'craniocaudal length';
      p = plan(group, TEMPLATES.impressionOrganSize, {
        organ: organName(f), massive: f.statement === 'massively enlarged', by_length: byLength,
        value: byLength ? lengthText(v.craniocaudalLengthMm) : volumeText(v.volumeMl),
      }, [f.id]);
    } else if (f.type === 'steatosis') {
      p = plan(group, TEMPLATES.impressionSteatosis, {
        organ: organName(f), hu: huText(v.huMean),
        ratio: v.pancreasSpleenHuRatio === undefined ? null : ratioText(v.pancreasSpleenHuRatio),
      }, [f.id]);
    } else if (f.type === 'lymph_node') {
      p = plan(group, TEMPLATES.impressionLymphNode, { short_axis: `${(Math.round(v.shortAxisMm * 10) / 10).toFixed(1)} mm`, size: sizeText(v.longAxisMm, v.shortAxisMm) }, [f.id]);
    } else if (f.type === 'calcification' && f.id === 'heart.coronary_calcium') {
      p = plan(group, TEMPLATES.impressionCalcium, { kind: 'coronary', band: f.attributes.band, score: Math.round(v.agatstonScore) }, [f.id]);
    } else if (f.type === 'kidney_stone') {
      p = plan(group, TEMPLATES.impressionCalcium, { kind: 'stone', kidney: f.subject.side, size: `${Math.round(v.largestSizeMm)} mm`, count: v.count }, [f.id]);
    } else if (f.type === 'emphysema') {
      p = plan(group, TEMPLATES.impressionEmphysema, { statement: f.statement, percent: sharePercentText(v.lowAttenuationPercent) }, [f.id]);
    } else if (f.type === 'vessel_calibre' || f.type === 'dissection') {
      p = vesselImpression(f);
    } else if (f.type === 'vertebral_fracture' || f.type === 'bone_density') {
      p = spineImpression(f);
    } else if (f.type === 'fluid') {
      p = plan(group, TEMPLATES.impressionFluid, { name: f.subject.displayName, volume: volumeText(v.volumeMl), partial: f.attributes.partiallyImaged === true }, [f.id]);
    }
    if (p !== null) items.push({ significance: f.significance, group, plan: p });
  }
  return items;
}

function limitationPlans(findings: readonly Finding[], impressionSoFar: number): SentencePlan[] {
  const out: SentencePlan[] = [];
  // Only the solid organs the rules size and the IMPRESSION negative needs; other organs' limits stay in FINDINGS,
  // unless the IMPRESSION would otherwise be empty (e.g. only lungs segmented, cut by the scan): then it says why.
  const limits = findings.filter((f) => f.type === 'partially_imaged' || f.type === 'not_imaged');
  const core = limits.filter((f) => (CORE_ORGANS as readonly (string | null)[]).includes(f.subject.structure));
  const organLimits = core.length === 0 && impressionSoFar === 0 ? limits.filter((f) => f.type === 'partially_imaged') : core;
  if (organLimits.length > 0)
    out.push(plan('study', TEMPLATES.impressionLimitations, {
      items: organLimits.map((f) => ({ organ: organName(f), why: f.type === 'partially_imaged' ? 'partially imaged' : 'not imaged' })),
    }, organLimits.map((f) => f.id)));
  const phase = findings.find((f) => f.type === 'phase_unknown');
  if (phase !== undefined) out.push(plan('study', TEMPLATES.impressionPhaseUnknown, { not_assessed: phase.attributes.notAssessed, estimated: phase.attributes.estimatedPhase !== undefined }, [phase.id]));
  const unknown = findings.filter((f) => f.type === 'unknown_structure');
  if (unknown.length > 0) out.push(plan('unknown', TEMPLATES.impressionUnknown, { names: unknown.map((f) => f.subject.displayName) }, unknown.map((f) => f.id)));
  return out;
}

function negativePlans(findings: readonly Finding[]): SentencePlan[] {
  const nothing = findings.find((f) => f.type === 'nothing_assessed');
  if (nothing !== undefined) return [plan('study', TEMPLATES.impressionNothing, {}, [nothing.id])];
  const normals = findings.filter((f) => f.type === 'normal');
  const core = CORE_ORGANS.map((o) => normals.find((f) => f.subject.structure === o));
  if (core.every((f) => f !== undefined))
    return [plan('study', TEMPLATES.impressionNegative, { core: true, organs: core.map((f) => f!.subject.displayName) }, core.map((f) => f!.id))];
  // Otherwise only the organs actually assessed by some criterion beyond being in the scan.
  const assessed = normals.filter((f) => Array.isArray(f.attributes.assessed) && f.attributes.assessed.length > 1);
  if (assessed.length === 0) return [];
  return [plan('study', TEMPLATES.impressionNegative, { core: false, organs: assessed.map((f) => f.subject.displayName) }, assessed.map((f) => f.id))];
}

export function planImpression(findings: readonly Finding[]): SentencePlan[] {
  const items = abnormalItems(findings).sort((a, b) => b.significance - a.significance || groupRank(a.group) - groupRank(b.group));
  const out = items.map((i) => i.plan);
  if (out.length === 0) out.push(...negativePlans(findings));
  out.push(...limitationPlans(findings, out.length));
  return out;
}
