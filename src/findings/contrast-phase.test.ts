import { beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/index.ts';
import type { Measurements } from '../measure/measurements.ts';
import { decisionConfidence } from './contrast-phase.ts';
import { deriveFindings } from './derive-findings.ts';
import type { Findings } from './schema.ts';
import { measurements, normalAbdomen, structure } from './test-fixtures.ts';

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase();
});

/** A study with no stated phase whose aorta / portal vein / IVC have these median HU (absent when undefined). */
function study(o: { aorta?: number; portal?: number; ivc?: number; liverHu?: number; aortaMl?: number; phase?: Measurements['study']['phase']; source?: Measurements['study']['phaseSource'] }): Measurements {
  const vessels = [
    ...(o.aorta === undefined ? [] : [structure('aorta', { volumeMl: o.aortaMl ?? 80, huMean: o.aorta })]),
    ...(o.portal === undefined ? [] : [structure('portal_vein_and_splenic_vein', { volumeMl: 20, huMean: o.portal })]),
    ...(o.ivc === undefined ? [] : [structure('inferior_vena_cava', { volumeMl: 40, huMean: o.ivc })]),
  ];
  return measurements({
    phase: o.phase ?? 'unknown',
    phaseSource: o.source ?? 'none',
    structures: [...normalAbdomen({ liver: { huMean: o.liverHu ?? 58 } }), ...vessels],
  });
}

const phaseFinding = (f: Findings) => f.findings.find((x) => x.id === 'study.contrast_phase');

describe('contrast phase estimation (groundct-contrast-phase-estimation)', () => {
  it('decision confidence: 0.5 on the threshold, 1 one width away, linear between', () => {
    expect(decisionConfidence(70, 70, 30)).toBe(0.5);
    expect(decisionConfidence(55, 70, 30)).toBe(0.75);
    expect(decisionConfidence(0, 70, 30)).toBe(1);
  });

  it('unenhanced blood pools (aorta 40, portal vein 38 HU): native, confidence 1, and the steatosis rules run', () => {
    const f = deriveFindings(study({ aorta: 40, portal: 38, liverHu: 35 }), kb);
    expect(f.phase).toBe('non-contrast');
    expect(f.phaseSource).toBe('estimated');
    expect(f.phaseConfidence).toBe(1);
    const p = phaseFinding(f)!;
    expect(p.statement).toBe('non-contrast');
    expect(p.values).toMatchObject({ arterialHuMedian: 40, venousHuMedian: 38, confidence: 1 });
    expect(p.evidence.map((e) => e.structure)).toEqual(['aorta', 'portal_vein_and_splenic_vein']);
    expect(p.criteria).toEqual(['groundct-contrast-phase-estimation', 'bae2010-contrast-timing', 'totalsegmentator-contrast-phase']);
    const steatosis = f.findings.find((x) => x.id === 'liver.steatosis')!;
    expect(steatosis.statement).toBe('fatty');
    expect(steatosis.criteria).toContain('groundct-contrast-phase-estimation');
  });

  it.each([
    // aorta, portal vein -> phase, confidence (ratio r = (pv - 45) / (ao - 45))
    [300, 60, 'arterial-early', 1], // r = 0.06
    [250, 150, 'arterial-late', 1], // r = 0.51
    [260, 112, 'arterial-late', 0.71], // r = 67 / 215 = 0.312: 0.062 above 0.25 -> 0.5 + 0.5 x 0.062 / 0.15
    [170, 180, 'portal-venous', 0.83], // r = 1.08; aorta 20 HU above 150 -> 0.833
    [120, 125, 'delayed', 1], // r = 1.07, aorta 30 below 150
  ] as const)('aorta %d HU, portal vein %d HU: %s, confidence %d', (aorta, portal, phase, confidence) => {
    const f = deriveFindings(study({ aorta, portal, liverHu: 35 }), kb);
    expect(f.phase).toBe(phase);
    expect(f.phaseConfidence).toBeCloseTo(confidence, 2);
    // Contrast is clearly present: fatty liver is not claimed from a 35 HU liver on a contrast phase.
    expect(f.findings.some((x) => x.type === 'steatosis')).toBe(false);
    expect(f.findings.some((x) => x.type === 'phase_unknown')).toBe(false);
  });

  it('the inferior vena cava stands in for the portal vein at 0.8 x the confidence', () => {
    const f = deriveFindings(study({ aorta: 250, ivc: 150 }), kb);
    expect(f.phase).toBe('arterial-late');
    expect(f.phaseConfidence).toBe(0.8);
    expect(phaseFinding(f)!.attributes.venousReference).toBe('inferior vena cava');
  });

  it('without a venous pool a contrast scan is contrast-enhanced, phase not determinable', () => {
    const f = deriveFindings(study({ aorta: 200 }), kb);
    expect(f.phase).toBe('contrast-enhanced');
  });

  it('an aorta near the native limit (65 HU) is native with low confidence: steatosis is not assessed, and says why', () => {
    const f = deriveFindings(study({ aorta: 65, portal: 60, liverHu: 35 }), kb);
    expect(f.phase).toBe('non-contrast');
    expect(f.phaseConfidence).toBe(0.58);
    expect(f.findings.some((x) => x.type === 'steatosis')).toBe(false);
    const unknown = f.findings.find((x) => x.type === 'phase_unknown')!;
    expect(unknown.attributes.estimatedPhase).toBe('non-contrast');
    expect(unknown.values.confidence).toBe(0.58);
    expect(unknown.criteria).toContain('groundct-contrast-phase-estimation');
  });

  it('a native aorta with an enhanced portal vein is contradictory: confidence 0.5', () => {
    const f = deriveFindings(study({ aorta: 40, portal: 150 }), kb);
    expect(f.phaseConfidence).toBe(0.5);
  });

  it('a given phase wins; an estimate that disagrees is reported as a limitation, not used', () => {
    const f = deriveFindings(study({ aorta: 40, portal: 38, phase: 'portal-venous', source: 'given' }), kb);
    expect(f.phase).toBe('portal-venous');
    expect(f.phaseSource).toBe('given');
    expect(f.phaseConfidence).toBeUndefined();
    const p = phaseFinding(f)!;
    expect(p.statement).toBe('non-contrast');
    expect(p.significance).toBe(1);
    expect(p.caveats.join(' ')).toMatch(/stated portal venous phase/);
  });

  it('DICOM says contrast was given: a native-looking estimate does not override it; a timed estimate refines it', () => {
    expect(deriveFindings(study({ aorta: 40, portal: 38, phase: 'contrast-enhanced', source: 'dicom' }), kb).phase).toBe('contrast-enhanced');
    const refined = deriveFindings(study({ aorta: 250, portal: 150, phase: 'contrast-enhanced', source: 'dicom' }), kb);
    expect([refined.phase, refined.phaseSource]).toEqual(['arterial-late', 'estimated']);
  });

  it('no aorta or iliac arteries (or a tiny aorta mask): no estimate, the phase stays unknown', () => {
    expect(deriveFindings(study({ portal: 150 }), kb).phase).toBe('unknown');
    const tiny = deriveFindings(study({ aorta: 40, portal: 38, aortaMl: 0.5 }), kb);
    expect(tiny.phase).toBe('unknown');
    expect(phaseFinding(tiny)).toBeUndefined();
  });
});
