import type { Finding } from '../findings/index.ts';
import { lengthText, ratioText, volumeText } from './format.ts';
import { TEMPLATES, type SentencePlan } from './sentence-plan.ts';

/**
 * Sentences of the 'vessels' group: aortic and iliac sections of normal calibre share one sentence; each other
 * section (dilated, ectatic, aneurysmal, or measured without a limit) has its own; then the main pulmonary artery
 * and the PA : aorta ratio. IMPRESSION items for the abnormal ones: vesselImpression.
 */

function plan(section: SentencePlan['section'], template: SentencePlan['template'], context: Record<string, unknown>, findingIds: readonly string[]): SentencePlan {
  return { section, group: 'vessels', template, context, findingIds };
}

const isPulmonary = (f: Finding) => f.subject.structure === 'pulmonary_artery';

export function vesselPlans(findings: readonly Finding[]): SentencePlan[] {
  const sections = findings.filter((f) => f.type === 'vessel_calibre' && !isPulmonary(f));
  const normal = sections.filter((f) => f.statement === 'normal calibre');
  const out: SentencePlan[] = [];
  const dissection = findings.find((f) => f.type === 'dissection');
  if (dissection !== undefined)
    out.push(plan('findings', TEMPLATES.dissection, {
      statement: dissection.statement,
      sections: (dissection.attributes.sectionNames as string[] | undefined) ?? [],
      debakey: dissection.attributes.debakey ?? null,
      fl: volumeText(dissection.values.falseLumenVolumeMl),
      partial: dissection.caveats.some((c) => c.includes('beyond the scan')),
    }, [dissection.id]));
  if (normal.length > 0)
    out.push(plan('findings', TEMPLATES.vesselCalibreNormal, {
      items: normal.map((f) => ({ name: f.subject.displayName, max: lengthText(f.values.maxDiameterMm), partial: f.attributes.complete === false })),
    }, normal.map((f) => f.id)));
  for (const f of sections.filter((x) => x.statement !== 'normal calibre'))
    out.push(plan('findings', TEMPLATES.vesselCalibre, {
      name: f.subject.displayName,
      statement: f.statement,
      max: lengthText(f.values.maxDiameterMm),
      perp: lengthText(f.values.perpendicularDiameterMm),
      level: typeof f.attributes.vertebralLevel === 'string' ? f.attributes.vertebralLevel : null,
      dilated_limit: f.values.dilatedAtOrAboveMm === undefined ? null : lengthText(f.values.dilatedAtOrAboveMm),
      aneurysm_limit: f.values.aneurysmAtOrAboveMm === undefined ? null : lengthText(f.values.aneurysmAtOrAboveMm),
      partial: f.attributes.complete === false,
    }, [f.id]));
  const pa = findings.find((f) => f.id === 'pulmonary_artery.calibre');
  if (pa !== undefined)
    out.push(plan('findings', TEMPLATES.pulmonaryArtery, {
      diameter: lengthText(pa.values.diameterMm),
      enlarged: pa.statement === 'enlarged',
      limit: lengthText(pa.values.enlargedAboveMm),
      limit_for: pa.attributes.limitFor,
      sex_known: pa.caveats.length === 0,
    }, [pa.id]));
  const calcium = findings.find((f) => f.id === 'aorta.calcium');
  if (calcium !== undefined)
    out.push(plan('findings', TEMPLATES.calcification, { where: 'aorta', statement: calcium.statement, score: Math.round(calcium.values.agatstonScore), band: null, reason: null }, [calcium.id]));
  const ratio = findings.find((f) => f.id === 'pulmonary_artery.pa_aorta_ratio');
  if (ratio !== undefined)
    out.push(plan('findings', TEMPLATES.paAortaRatio, {
      ratio: ratioText(ratio.values.ratio),
      pa: lengthText(ratio.values.pulmonaryArteryDiameterMm),
      aorta: lengthText(ratio.values.ascendingAortaDiameterMm),
      above: ratio.status === 'abnormal',
      limit: String(ratio.values.ratioAbove),
    }, [ratio.id]));
  return out;
}

/** The IMPRESSION item of an abnormal vessel finding. */
export function vesselImpression(f: Finding): SentencePlan {
  if (f.type === 'dissection')
    return plan('impression', TEMPLATES.impressionDissection, { statement: f.statement, sections: (f.attributes.sectionNames as string[] | undefined) ?? [] }, [f.id]);
  const kind = f.id === 'pulmonary_artery.calibre' ? 'pa' : f.id === 'pulmonary_artery.pa_aorta_ratio' ? 'ratio' : f.statement === 'aneurysmal' ? 'aneurysm' : f.statement;
  return plan('impression', TEMPLATES.impressionVessel, {
    kind,
    name: f.subject.displayName,
    max: lengthText(f.values.maxDiameterMm ?? f.values.diameterMm ?? 0),
    ratio: f.values.ratio === undefined ? null : ratioText(f.values.ratio),
  }, [f.id]);
}
