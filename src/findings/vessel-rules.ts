import { getStructure } from '../anatomy/index.ts';
import type { VesselCalibre, VesselSection } from '../measure/vessel-types.ts';
import type { MeasuredStructureStats } from '../measure/types.ts';
import { invertMat4 } from '../volume/geometry.ts';
import { makeFinding, measured, round4, type RuleContext } from './context.ts';
import { structureEvidence } from './evidence.ts';
import { PASSAGES, type CalibreLimits } from './rules.ts';
import type { Evidence, Finding } from './schema.ts';

/**
 * Vessel calibre findings from the routine vessel measurements (measure/vessel-calibre.ts):
 *
 * - one finding per aortic section with its largest perpendicular diameter, classed by the limits of its region
 *   (ascending aorta and arch, descending thoracic aorta: accaha2022-aortic-aneurysm-definition, with groundct's
 *   limits in groundct-vessel-calibre; abdominal aorta: svs2018-aaa-surveillance-and-repair): normal calibre, dilated (ectatic in the abdomen), or aneurysmal. A section
 *   whose region is not known (no landmark at all) is measured but not classed;
 * - the iliac arteries' largest diameter, descriptive (no threshold is applied);
 * - the main pulmonary artery at its bifurcation (framingham-pulmonary-artery-diameter, by sex; the men's limit
 *   when the sex is unknown, with a caveat) and the PA : ascending aorta ratio (wells2012-pa-aorta-ratio).
 *
 * Evidence is the vessel's label restricted to the section: its box around the section's samples, its centroid
 * at the widest cross-section.
 */

type Region = 'ascending' | 'descending' | 'abdominal';

/** The limits that apply to a section, by its name; null for a section whose region is not known. */
function regionOf(section: string): Region | null {
  if (['ascending_aorta', 'aortic_arch', 'ascending_aorta_and_arch', 'thoracic_aorta'].includes(section)) return 'ascending';
  if (['descending_thoracic_aorta', 'aortic_arch_and_descending_thoracic_aorta', 'descending_aorta', 'descending_aorta_to_renal_level', 'aortic_arch_and_descending_aorta', 'aortic_arch_to_renal_level'].includes(section)) return 'descending';
  if (['suprarenal_abdominal_aorta', 'infrarenal_abdominal_aorta', 'abdominal_aorta'].includes(section)) return 'abdominal';
  return null;
}

/** Evidence of a stretch of a vessel: its label, boxed to the section, centred on the widest cross-section. */
export function sectionEvidence(ctx: RuleContext, vessel: MeasuredStructureStats, section: VesselSection): Evidence {
  const base = structureEvidence(vessel);
  const rasToIjk = invertMat4(ctx.m.study.ijkToRas);
  const dims = ctx.m.study.dims;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  const b = section.rasBounds;
  for (const x of [b.min[0], b.max[0]])
    for (const y of [b.min[1], b.max[1]])
      for (const z of [b.min[2], b.max[2]])
        for (let a = 0; a < 3; a++) {
          const v = rasToIjk[a * 4] * x + rasToIjk[a * 4 + 1] * y + rasToIjk[a * 4 + 2] * z + rasToIjk[a * 4 + 3];
          lo[a] = Math.min(lo[a], v);
          hi[a] = Math.max(hi[a], v);
        }
  const clamp = (v: number, a: number) => Math.max(0, Math.min(dims[a] - 1, v));
  const min: [number, number, number] = [0, 1, 2].map((a) => clamp(Math.floor(lo[a]), a)) as [number, number, number];
  const max: [number, number, number] = [0, 1, 2].map((a) => clamp(Math.ceil(hi[a]), a)) as [number, number, number];
  const centre = section.max?.ras ?? base.rasCentroid!;
  const ijkCentre = [0, 1, 2].map((a) => rasToIjk[a * 4] * centre[0] + rasToIjk[a * 4 + 1] * centre[1] + rasToIjk[a * 4 + 2] * centre[2] + rasToIjk[a * 4 + 3]);
  return {
    ...base,
    ijkBounds: { min, max },
    rasBounds: { min: [b.min[0], b.min[1], b.min[2]], max: [b.max[0], b.max[1], b.max[2]] },
    sliceRange: [min[2], max[2]],
    ijkCentroid: [ijkCentre[0], ijkCentre[1], ijkCentre[2]],
    rasCentroid: [centre[0], centre[1], centre[2]],
  };
}

function classify(limits: CalibreLimits | null, maxMm: number): { statement: string; status: Finding['status']; significance: number } {
  if (limits === null) return { statement: 'measured', status: 'indeterminate', significance: 0 };
  if (maxMm >= limits.aneurysmAtOrAboveMm) return { statement: 'aneurysmal', status: 'abnormal', significance: 3 };
  if (maxMm >= limits.dilatedAtOrAboveMm) return { statement: limits.dilatedWord, status: 'abnormal', significance: 2 };
  return { statement: 'normal calibre', status: 'normal', significance: 0 };
}

function sectionFinding(ctx: RuleContext, v: VesselCalibre, vessel: MeasuredStructureStats, section: VesselSection): Finding | null {
  if (section.max === null) return null;
  const isAorta = v.vessel === 'aorta';
  const region = isAorta ? regionOf(section.name) : null;
  const limits = region === null ? null : ctx.rules.aorta[region];
  const c = classify(limits, section.max.maxDiameterMm);
  const vesselDisplay = getStructure(v.vessel).displayName;
  return makeFinding({
    id: `${v.vessel}.${section.name}.calibre`,
    type: 'vessel_calibre',
    subject: { structure: v.vessel, displayName: section.displayName, organ: v.vessel, ...(v.vessel.endsWith('_left') ? { side: 'left' as const } : v.vessel.endsWith('_right') ? { side: 'right' as const } : {}) },
    status: c.status,
    significance: c.significance,
    statement: c.statement,
    values: {
      maxDiameterMm: section.max.maxDiameterMm,
      perpendicularDiameterMm: section.max.perpendicularDiameterMm,
      areaEquivalentDiameterMm: section.max.areaEquivalentDiameterMm,
      areaMm2: section.max.areaMm2,
      lengthMm: section.lengthMm,
      maxAtArcMm: section.max.arcMm,
      ...(limits === null ? {} : { dilatedAtOrAboveMm: limits.dilatedAtOrAboveMm, aneurysmAtOrAboveMm: limits.aneurysmAtOrAboveMm }),
    },
    attributes: {
      section: section.name,
      vessel: vesselDisplay,
      ...(region === null ? {} : { region }),
      ...(section.max.vertebralLevel === null ? {} : { vertebralLevel: section.max.vertebralLevel }),
      complete: section.complete,
      startBoundary: section.startBoundary,
      endBoundary: section.endBoundary,
    },
    caveats: [
      ...(section.complete ? [] : ['the section runs beyond the scan: its largest diameter is that of the imaged part']),
      ...(isAorta && region === null ? ['no landmark names this stretch of the aorta, so no calibre limit was applied'] : []),
      ...(!isAorta ? ['no calibre limit is applied to this vessel'] : []),
    ],
    evidence: [sectionEvidence(ctx, vessel, section)],
    criteria: [...(limits === null ? [] : [limits.passageId]), PASSAGES.vesselCalibre, ...(isAorta ? [PASSAGES.aortaSections] : [])],
  });
}

function pulmonaryFindings(ctx: RuleContext, pa: VesselCalibre | undefined): Finding[] {
  const trunk = ctx.m.routine?.pulmonaryTrunk ?? null;
  const paStats = measured(ctx, 'pulmonary_artery');
  if (trunk === null || paStats === null) return [];
  const sex = ctx.m.study.patientSex;
  const limit = sex === 'F' ? ctx.rules.pulmonaryArteryEnlargedAboveMm.women : ctx.rules.pulmonaryArteryEnlargedAboveMm.men;
  const enlarged = trunk.diameterMm > limit;
  const landmarkStats = trunk.how.startsWith('pul_bifurcation') ? measured(ctx, 'pul_bifurcation') : null;
  const landmarkValues: Record<string, number> = {};
  for (const l of pa?.landmarkSections ?? []) {
    landmarkValues[`${l.landmark}MaxDiameterMm`] = l.footprint.maxDiameterMm;
    landmarkValues[`${l.landmark}PerpendicularDiameterMm`] = l.footprint.perpendicularDiameterMm;
    landmarkValues[`${l.landmark}AreaMm2`] = l.footprint.areaMm2;
  }
  const evidence = [structureEvidence(paStats), ...(landmarkStats === null ? [] : [structureEvidence(landmarkStats)])];
  const out: Finding[] = [
    makeFinding({
      id: 'pulmonary_artery.calibre',
      type: 'vessel_calibre',
      subject: { structure: 'pulmonary_artery', displayName: 'main pulmonary artery', organ: 'pulmonary_artery' },
      status: enlarged ? 'abnormal' : 'normal',
      significance: enlarged ? 2 : 0,
      statement: enlarged ? 'enlarged' : 'normal calibre',
      values: { diameterMm: trunk.diameterMm, enlargedAboveMm: limit, ...landmarkValues },
      attributes: { section: 'main_pulmonary_artery', measuredAt: 'bifurcation', how: trunk.how, limitFor: sex === 'F' ? 'women' : 'men' },
      caveats: sex === 'M' || sex === 'F' ? [] : [`the patient's sex is not known; the limit for men (${limit} mm) was used`],
      evidence,
      criteria: [PASSAGES.pulmonaryArtery, PASSAGES.vesselCalibre, ...(Object.keys(landmarkValues).length > 0 ? [PASSAGES.pulmonaryLandmarks] : [])],
    }),
  ];
  const aorta = measured(ctx, 'aorta');
  if (trunk.paAortaRatio !== null && trunk.ascendingAortaDiameterMm !== null && aorta !== null) {
    const above = trunk.paAortaRatio > ctx.rules.paAortaRatioAbove;
    out.push(
      makeFinding({
        id: 'pulmonary_artery.pa_aorta_ratio',
        type: 'vessel_calibre',
        subject: { structure: 'pulmonary_artery', displayName: 'pulmonary artery to aorta ratio', organ: 'pulmonary_artery' },
        status: above ? 'abnormal' : 'normal',
        significance: above ? 2 : 0,
        statement: above ? 'enlarged relative to the aorta' : 'normal ratio',
        values: { ratio: round4(trunk.paAortaRatio), pulmonaryArteryDiameterMm: trunk.diameterMm, ascendingAortaDiameterMm: trunk.ascendingAortaDiameterMm, ratioAbove: ctx.rules.paAortaRatioAbove },
        attributes: { section: 'pa_aorta_ratio' },
        evidence: [...evidence, structureEvidence(aorta)],
        criteria: [PASSAGES.paAortaRatio, PASSAGES.vesselCalibre],
      }),
    );
  }
  return out;
}

export function vesselFindings(ctx: RuleContext): Finding[] {
  const vessels = ctx.m.routine?.vessels ?? [];
  const out: Finding[] = [];
  for (const v of vessels) {
    if (v.vessel === 'pulmonary_artery') continue;
    const stats = ctx.byLabelId.get(v.labelId);
    if (stats === undefined || !stats.present) continue;
    for (const section of v.sections) {
      const f = sectionFinding(ctx, v, stats, section);
      if (f !== null) out.push(f);
    }
  }
  out.push(...pulmonaryFindings(ctx, vessels.find((v) => v.vessel === 'pulmonary_artery')));
  return out;
}
