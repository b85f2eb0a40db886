import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseName } from '../../src/anatomy/index.ts';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy, type Measurements, type VesselCalibre } from '../../src/measure/index.ts';
import { measureStructures } from '../../src/measure/structure-stats.ts';
import { measureVessels } from '../../src/measure/vessel-calibre.ts';
import { aortaPhantom, type AortaPhantom } from '../../src/phantom/vessel-phantom.ts';
import { loadStudy } from '../../src/pipeline.ts';
import { buildReport, loadTemplates } from '../../src/report/index.ts';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON } from '../helpers/data.ts';

/**
 * Vessel calibre against truth: a thoraco-abdominal aorta phantom with a stated radius profile (and a fusiform
 * infrarenal aneurysm) in several orientations and spacings; TotalSegmentator's pulmonary report case (its own
 * diameters at five landmarks); and the aorta segment of TotalSegmentator's abdominal example.
 */

/**
 * The true diameter of the section perpendicular to the axis at arc s of a tube whose radius varies along a
 * straight axis: the envelope of the spheres/cones, 2 max_s' sqrt(r(s')^2 - (s - s')^2).
 */
function envelopeDiameter(p: AortaPhantom, s: number): number {
  let best = 0;
  for (const c of p.centreline) {
    const d2 = c.radiusMm ** 2 - (s - c.arcMm) ** 2;
    if (d2 > best * best) best = Math.sqrt(d2);
  }
  return 2 * best;
}

function nearestTrueArc(p: AortaPhantom, ras: readonly number[]): number {
  let best = p.centreline[0];
  for (const c of p.centreline) if (Math.hypot(c.ras[0] - ras[0], c.ras[1] - ras[1], c.ras[2] - ras[2]) < Math.hypot(best.ras[0] - ras[0], best.ras[1] - ras[1], best.ras[2] - ras[2])) best = c;
  return best.arcMm;
}

const ANEURYSM_ARC_MM = 330;

function measurePhantom(p: AortaPhantom): readonly VesselCalibre[] {
  const structures = measureStructures(p.ct, p.labels, { names: (s) => normaliseName(s).canonical });
  return measureVessels(p.ct.grid, p.labels, structures).vessels;
}

describe('aorta phantom: sections, diameters and the aneurysm, in several orientations and spacings', () => {
  const cases = [
    { name: '1.5 mm isotropic, identity', spacingMm: [1.5, 1.5, 1.5] as const },
    { name: '1.5 mm isotropic, axes permuted and flipped', spacingMm: [1.5, 1.5, 1.5] as const, orientation: { permutation: [2, 0, 1] as const, flips: [true, false, true] as const } },
    { name: '1.2 x 1.2 x 2.5 mm, permuted', spacingMm: [1.2, 1.2, 2.5] as const, orientation: { permutation: [1, 2, 0] as const, flips: [false, true, false] as const } },
  ];
  it.each(cases)('$name', ({ spacingMm, orientation }) => {
    const p = aortaPhantom({ spacingMm: [...spacingMm], ...(orientation ? { orientation } : {}), aneurysm: { arcMm: ANEURYSM_ARC_MM, extraRadiusMm: 8, sigmaMm: 6 } });
    const vessels = measurePhantom(p);
    const aorta = vessels.find((v) => v.vessel === 'aorta')!;
    expect(aorta.proximalBy).toBe('heart');
    expect([aorta.proximalAtBorder, aorta.distalAtBorder]).toEqual([false, false]);
    // Landmarks in anatomical order, sections named and bounded by them.
    expect(aorta.landmarks.map((l) => l.name)).toEqual(['brachiocephalic_trunk', 'subclavian_artery_left', 'celiac_trunk', 'T12', 'renal_arteries', 'bifurcation']);
    expect(aorta.sections.map((s) => s.name)).toEqual(['ascending_aorta', 'aortic_arch', 'descending_thoracic_aorta', 'suprarenal_abdominal_aorta', 'infrarenal_abdominal_aorta']);
    expect(aorta.sections.every((s) => s.complete)).toBe(true);
    expect(aorta.sections.at(-1)!.endBoundary).toBe('bifurcation');
    // Centreline length: the true centreline plus the two rounded ends (about one radius each).
    expect(Math.abs(aorta.lengthMm - (p.centreline.at(-1)!.arcMm + p.centreline[0].radiusMm + p.centreline.at(-1)!.radiusMm))).toBeLessThan(6);
    const voxel = Math.max(...spacingMm);
    for (const s of aorta.sections) {
      const m = s.max!;
      const truth = envelopeDiameter(p, nearestTrueArc(p, m.ras));
      expect(Math.abs(m.areaEquivalentDiameterMm - truth), `${s.name} area-equivalent`).toBeLessThanOrEqual(0.5 * voxel);
      expect(Math.abs(m.maxDiameterMm - truth), `${s.name} maximal`).toBeLessThanOrEqual(0.7 * voxel);
    }
    // The aneurysm: its largest section is where the radius peaks, within one sample (2 mm), and 2 x 18.x mm wide.
    const infrarenal = aorta.sections.find((s) => s.name === 'infrarenal_abdominal_aorta')!;
    expect(Math.abs(nearestTrueArc(p, infrarenal.max!.ras) - ANEURYSM_ARC_MM)).toBeLessThanOrEqual(2);
    expect(Math.abs(infrarenal.max!.maxDiameterMm - envelopeDiameter(p, ANEURYSM_ARC_MM))).toBeLessThanOrEqual(0.7 * voxel);
    expect(infrarenal.max!.vertebralLevel).toBe('L1');
    // The iliac arteries start at the bifurcation and run off the scan; their true diameter is 12 mm.
    for (const side of ['iliac_artery_left', 'iliac_artery_right']) {
      const iliac = vessels.find((v) => v.vessel === side)!;
      expect(iliac.sections[0].startBoundary).toBe('bifurcation');
      expect(iliac.sections[0].endBoundary).toBe('scan border');
      expect(Math.abs(iliac.sections[0].max!.areaEquivalentDiameterMm - 12)).toBeLessThanOrEqual(0.5 * voxel);
    }
  });
});

describe('aorta phantom: findings by section', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase();
  });

  function findingsOf(p: AortaPhantom, m: Measurements = measureStudy(p.ct, p.labels, { measure: defaultConfig().measure, provenance: { ct: 'phantom', masks: 'phantom' } })) {
    return deriveFindings(m, kb).findings;
  }

  it('an infrarenal aneurysm of 3.7 cm is aneurysmal by SVS 2018; the other sections are of normal calibre', () => {
    const f = findingsOf(aortaPhantom({ spacingMm: [1.5, 1.5, 1.5], aneurysm: { arcMm: ANEURYSM_ARC_MM, extraRadiusMm: 8, sigmaMm: 6 } }));
    const aaa = f.find((x) => x.id === 'aorta.infrarenal_abdominal_aorta.calibre')!;
    expect(aaa.statement).toBe('aneurysmal');
    expect(aaa.significance).toBe(3);
    expect(aaa.criteria).toEqual(['svs2018-aaa-surveillance-and-repair', 'groundct-vessel-calibre', 'groundct-aorta-sections']);
    expect(aaa.values.aneurysmAtOrAboveMm).toBe(30);
    // Evidence: the aorta label boxed to the infrarenal section (below the renal arteries, above the bifurcation).
    const e = aaa.evidence[0];
    expect(e.structure).toBe('aorta');
    expect(e.rasCentroid![2]).toBeGreaterThan(e.rasBounds!.min[2]);
    // The phantom's renal arteries arise near z = -85 mm and it bifurcates at z = -170 mm.
    expect(e.rasBounds!.max[2]).toBeLessThan(-70);
    expect(e.rasBounds!.min[2]).toBeGreaterThan(-200);
    for (const id of ['ascending_aorta', 'aortic_arch', 'descending_thoracic_aorta', 'suprarenal_abdominal_aorta'])
      expect(f.find((x) => x.id === `aorta.${id}.calibre`)!.statement, id).toBe('normal calibre');
  });

  it('the aneurysm gets the SVS 2018 surveillance suggestion (3.0-3.9 cm: every 3 years), grounded to its section', async () => {
    const p = aortaPhantom({ spacingMm: [1.5, 1.5, 1.5], aneurysm: { arcMm: ANEURYSM_ARC_MM, extraRadiusMm: 8, sigmaMm: 6 } });
    const m = measureStudy(p.ct, p.labels, { measure: defaultConfig().measure, provenance: { ct: 'phantom', masks: 'phantom' } });
    const findings = deriveFindings(m, kb);
    const aaa = findings.findings.find((x) => x.id === 'aorta.infrarenal_abdominal_aorta.calibre')!;
    const r = buildReport(m, findings, { templates: await loadTemplates(), kb });
    const suggestion = r.sentences.find((x) => x.kind === 'suggestion' && x.passageIds?.[0] === 'svs2018-aaa-surveillance-and-repair')!;
    // The diameter in the sentence is the finding's, rounded to tenths of a centimetre as the guideline bands it.
    const cm = (Math.round(aaa.values.maxDiameterMm) / 10).toFixed(1);
    expect(Number(cm)).toBeGreaterThanOrEqual(3);
    expect(Number(cm)).toBeLessThan(4);
    expect(suggestion.text).toContain(`for the abdominal aorta of ${cm} cm maximal diameter, surveillance imaging every 3 years is suggested`);
    expect(suggestion.findingIds).toEqual([aaa.id]);
    expect(suggestion.assumptions!.join(' ')).toMatch(/asymptomatic/);
  });

  it('an ascending aorta widened to 4.2 cm is dilated by ACC/AHA 2022 (not aneurysmal)', () => {
    const f = findingsOf(aortaPhantom({ spacingMm: [1.5, 1.5, 1.5], aneurysm: { arcMm: 30, extraRadiusMm: 5, sigmaMm: 8 } }));
    const asc = f.find((x) => x.id === 'aorta.ascending_aorta.calibre')!;
    expect(asc.values.maxDiameterMm).toBeGreaterThanOrEqual(40);
    expect(asc.statement).toBe('dilated');
    expect(asc.criteria.slice(0, 2)).toEqual(['accaha2022-aortic-aneurysm-definition', 'groundct-vessel-calibre']);
  });

  it('a scan that starts below T12 (lumbar vertebrae only): the first section is the suprarenal aorta, from the scan border, incomplete', () => {
    const p = aortaPhantom({ spacingMm: [1.5, 1.5, 1.5], topZMm: -60 });
    const aorta = measureStudy(p.ct, p.labels, { measure: defaultConfig().measure, provenance: { ct: 'phantom', masks: 'phantom' } }).routine!.vessels.find((v) => v.vessel === 'aorta')!;
    expect(aorta.proximalAtBorder).toBe(true);
    expect(aorta.sections.map((s) => [s.name, s.startBoundary, s.endBoundary, s.complete])).toEqual([
      ['suprarenal_abdominal_aorta', 'scan border', 'lowest renal artery origin', false],
      ['infrarenal_abdominal_aorta', 'lowest renal artery origin', 'bifurcation', true],
    ]);
    const f = findingsOf(p).find((x) => x.id === 'aorta.suprarenal_abdominal_aorta.calibre')!;
    expect(f.caveats.join(' ')).toMatch(/imaged part/);
  });
});

describe.skipIf(!HAS_SHARED_DATA)(`real cases${HAS_SHARED_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  it("pulmonary_report: TotalSegmentator's five landmark diameters (and perpendicular diameters) within 2 mm", async () => {
    const dir = dataPath('totalseg', 'pulmonary_report');
    const names = ['pulmonary_artery', 'pul_annulus', 'pul_sinotubular_junction', 'pul_bifurcation', 'pul_left_start', 'pul_right_start'];
    const study = await loadStudy({ ctPath: `${dir}/ct_cropped.nii.gz`, masksPaths: names.map((n) => `${dir}/${n}.nii.gz`) }, defaultConfig());
    const m = measureStudy(study.ct, study.labels, { measure: defaultConfig().measure, provenance: { ct: 'ct', masks: 'masks' } });
    const { readFileSync } = await import('node:fs');
    const reference = JSON.parse(readFileSync(`${dir}/pulmonary_report.json`, 'utf8')).landmarks as Record<string, { name: string; diameter: number; diameter_pd: number; area: number }>;
    const pa = m.routine!.vessels.find((v) => v.vessel === 'pulmonary_artery')!;
    const order = ['pul_annulus', 'pul_sinotubular_junction', 'pul_bifurcation', 'pul_left_start', 'pul_right_start'];
    expect(pa.landmarkSections.map((l) => l.landmark)).toEqual(order);
    order.forEach((name, i) => {
      const ref = reference[String(i + 1)];
      const ours = pa.landmarkSections[i].footprint;
      expect(Math.abs(ours.maxDiameterMm - ref.diameter * 10), `${name} diameter`).toBeLessThanOrEqual(2);
      expect(Math.abs(ours.perpendicularDiameterMm - ref.diameter_pd * 10), `${name} perpendicular`).toBeLessThanOrEqual(2);
    });
    // The main pulmonary artery is read at the bifurcation landmark (TotalSegmentator: 2.5 cm).
    expect(Math.abs(m.routine!.pulmonaryTrunk!.diameterMm - 25)).toBeLessThanOrEqual(2);
    // The trunk's centreline runs from the annulus; its main section peaks near TotalSegmentator's proximal MPA (3.0 cm).
    const main = pa.sections.find((s) => s.name === 'main_pulmonary_artery')!;
    expect(Math.abs(main.max!.maxDiameterMm - 30)).toBeLessThanOrEqual(2);
    expect(pa.sections.map((s) => s.name)).toEqual(['main_pulmonary_artery', 'left_pulmonary_artery', 'right_pulmonary_artery']);
  });

  it('example_ct_sm: the imaged aortic segment is split at T12 and L1/L2 into plausible sections, cut by the slab', async () => {
    const study = await loadStudy({ ctPath: dataPath('totalseg', 'example_ct_sm.nii.gz'), masksPaths: [dataPath('totalseg', 'example_seg_fast')] }, defaultConfig());
    const m = measureStudy(study.ct, study.labels, { measure: defaultConfig().measure, provenance: { ct: 'ct', masks: 'masks' } });
    const aorta = m.routine!.vessels.find((v) => v.vessel === 'aorta')!;
    expect([aorta.proximalAtBorder, aorta.distalAtBorder]).toEqual([true, true]);
    expect(aorta.sections.map((s) => s.name)).toEqual(['descending_thoracic_aorta', 'suprarenal_abdominal_aorta', 'infrarenal_abdominal_aorta']);
    expect(aorta.sections.map((s) => s.complete)).toEqual([false, true, false]);
    for (const s of aorta.sections) {
      // An adult aorta at this level: 15-30 mm; the max and the area-equivalent diameter agree within 3 mm (round lumen).
      expect(s.max!.maxDiameterMm).toBeGreaterThan(15);
      expect(s.max!.maxDiameterMm).toBeLessThan(30);
      expect(s.max!.maxDiameterMm - s.max!.areaEquivalentDiameterMm).toBeLessThan(3);
    }
  });
});
