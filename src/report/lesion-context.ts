import { structureOrNull } from '../anatomy/index.ts';
import type { Finding } from '../findings/index.ts';
import { degreesText, huText, sizeText, volumeText } from './format.ts';
import { organDisplay } from './groups.ts';

/**
 * Template context of one lesion, from its findings only: the lesion finding, its vessel-contact findings and its
 * stage finding. Location wording: Couinaud segment numbers for the liver, sub-segment display names otherwise
 * ('pancreatic head', 'right upper lobe'), else the organ, else the patient side.
 */

const PHASE_WORDS: Record<string, string | null> = {
  'non-contrast': 'non-contrast',
  'contrast-enhanced': 'contrast-enhanced',
  arterial: 'arterial',
  'arterial-early': 'early arterial',
  'arterial-late': 'late arterial',
  'portal-venous': 'portal venous',
  delayed: 'delayed',
  unknown: null,
};

export function phaseWord(phase: string): string | null {
  return PHASE_WORDS[phase] ?? null;
}

export interface LesionBundle {
  readonly lesion: Finding;
  readonly contacts: readonly Finding[];
  readonly stage: Finding | null;
}

/** Groups lesion findings with their contact and stage findings (by `subject.lesionId`). */
export function lesionBundles(findings: readonly Finding[]): LesionBundle[] {
  return findings
    .filter((f) => f.type === 'lesion')
    .map((lesion) => ({
      lesion,
      // Largest contact first, so an encasement leads the sentence.
      contacts: findings
        .filter((f) => f.type === 'vessel_contact' && f.subject.lesionId === lesion.id)
        .sort((a, b) => b.values.contactAngleDeg - a.values.contactAngleDeg),
      stage: findings.find((f) => f.type === 'stage' && f.subject.lesionId === lesion.id) ?? null,
    }));
}

export function bundleIds(b: LesionBundle): string[] {
  return [b.lesion.id, ...b.contacts.map((c) => c.id), ...(b.stage === null ? [] : [b.stage.id])];
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function locationContext(f: Finding): Record<string, unknown> {
  const segs = stringList(f.attributes.segments);
  const organ = f.subject.organ;
  const allCouinaud = organ === 'liver' && segs.length > 0 && segs.every((s) => /^liver_segment_\d$/.test(s));
  const couinaud = allCouinaud ? segs.map((s) => s.slice('liver_segment_'.length)).sort() : [];
  return {
    organ: organ === null ? null : organDisplay(organ, f.subject.side),
    side: f.subject.side ?? null,
    couinaud,
    segments: allCouinaud ? [] : segs.map((s) => structureOrNull(s)?.displayName ?? s),
  };
}

export function stageContext(stage: Finding): Record<string, unknown> {
  return {
    category: stage.statement,
    organ: stage.attributes.organ,
    basis: stage.attributes.basis,
    encased: stringList(stage.attributes.encasedArteries).map((v) => structureOrNull(v)?.displayName ?? v),
    arteries_unassessed: stage.caveats.some((c) => c.startsWith('T4 cannot be excluded')),
  };
}

export function lesionContext(b: LesionBundle): Record<string, unknown> {
  const f = b.lesion;
  const v = f.values;
  const organ = f.subject.organ;
  return {
    loc: locationContext(f),
    organ: organ === null ? null : organDisplay(organ, f.subject.side),
    size: sizeText(v.longAxisMm, v.shortAxisMm),
    noun: f.statement,
    attenuation: typeof f.attributes.attenuation === 'string' ? f.attributes.attenuation : null,
    parenchyma_of: organ === null ? null : organDisplay(organ, f.subject.side),
    volume: volumeText(v.volumeMl),
    hu: huText(v.huMean),
    parenchyma_hu: v.parenchymaHuMean === undefined ? null : huText(v.parenchymaHuMean),
    phase: phaseWord(String(f.attributes.phase)),
    touches_border: f.attributes.touchesBorder === true,
    found_by: typeof f.attributes.detectedBy === 'string' ? f.attributes.detectedBy : null,
    confidence: f.values.detectionConfidence === undefined ? null : f.values.detectionConfidence.toFixed(2),
    contacts: b.contacts.map((c) => ({
      kind: c.statement,
      vessel: c.subject.displayName,
      angle: degreesText(c.values.contactAngleDeg),
    })),
    stage: b.stage === null ? null : stageContext(b.stage),
  };
}
