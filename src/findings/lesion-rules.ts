import { ancestors, getStructure, isLesionClass, organOfLesion, structureOrNull } from '../anatomy/index.ts';
import type { LesionRecord } from '../measure/measurements.ts';
import { complete, makeFinding, measured, type RuleContext } from './context.ts';
import { lesionEvidence, structureEvidence } from './evidence.ts';
import { PASSAGES } from './rules.ts';
import type { Finding } from './schema.ts';

/**
 * Lesion rules: one 'lesion' finding per connected component (RadGPT: radgpt-lesion-component), with size as
 * long x short axial diameter plus volume (radgpt-lesion-size, groundct-longest-diameter), location by
 * sub-segment share (radgpt-lesion-location), attenuation against the organ parenchyma (radgpt-lesion-attenuation)
 * and one 'vessel_contact' finding per vessel the lesion touches (radgpt-vessel-contact); plus one 'lesion_count'
 * finding per organ, which also counts the components dropped under the size floor so nothing disappears.
 */

/** Grouping key of lesions attached to no organ. */
export const UNATTACHED = 'body';

/** True for the lungs and every part of them (lobes, sides). */
export function isLungPart(organ: string): boolean {
  return organ === 'lung' || ancestors(organ).includes('lung');
}

export function isKidneyPart(organ: string): boolean {
  return organ === 'kidneys' || ancestors(organ).includes('kidneys');
}

/**
 * The noun for a lesion: its class's or label's lesion type; a lung lesion is a nodule up to 3 cm and a mass
 * above (Fleischner glossary, fleischner-nodule-vs-mass), unless its label calls it a cyst.
 */
export function lesionNoun(ctx: RuleContext, l: LesionRecord): string {
  if (l.organ !== null && isLungPart(l.organ) && l.lesionType !== 'cyst') return l.longAxisMm > ctx.rules.lungMassAboveMm ? 'mass' : 'nodule';
  return l.lesionType;
}

const ATTENUATION_WORD = { hypo: 'hypoattenuating', iso: 'isoattenuating', hyper: 'hyperattenuating' } as const;

/**
 * The attenuation word of a lesion. A lung lesion is compared with aerated lung, against which every nodule is
 * "hyperattenuating"; the word that matters there is its composition (Fleischner 2017: solid, part-solid,
 * ground-glass), given when the mask's finder says it, else none.
 */
function attenuationWord(l: LesionRecord): string | null {
  if (l.organ !== null && isLungPart(l.organ)) return l.detection?.composition ?? null;
  return l.attenuation === null ? null : ATTENUATION_WORD[l.attenuation.class];
}

/** Passages for a lung nodule: how it is measured and the Fleischner band of its composition. */
function lungNoduleCriteria(l: LesionRecord, noun: string): string[] {
  if (l.organ === null || !isLungPart(l.organ) || noun !== 'nodule') return [];
  const composition = l.detection?.composition;
  return [
    PASSAGES.noduleMeasurement,
    ...(composition === 'solid' ? [PASSAGES.solidNodule] : []),
    ...(composition === 'part-solid' || composition === 'ground-glass' ? [PASSAGES.subsolidNodule, PASSAGES.solidComponentThreshold] : []),
  ];
}

/** Built-in detector findings say so, with the detector's own confidence, and cite how it works. */
function detectionCaveats(l: LesionRecord): string[] {
  if (!l.detection) return [];
  const confidence = l.detection.confidence === undefined ? '' : ` (confidence ${l.detection.confidence.toFixed(2)})`;
  return [`found by the ${l.detection.by} without a segmentation model${confidence}; a reader should confirm it`];
}

function locationCriteria(organ: string | null): string[] {
  if (organ === null) return [];
  if (organ === 'liver') return [PASSAGES.lesionLocation, PASSAGES.couinaud];
  if (organ === 'pancreas') return [PASSAGES.lesionLocation, PASSAGES.pancreasSubsegments];
  if (isLungPart(organ)) return [PASSAGES.lesionLocation, PASSAGES.lungLobes];
  return [PASSAGES.lesionLocation];
}

function droppedOfLabel(ctx: RuleContext, labelId: number): { count: number; volumeMm3: number } {
  const d = ctx.m.droppedLesions.filter((x) => x.labelId === labelId);
  return { count: d.reduce((a, x) => a + x.count, 0), volumeMm3: d.reduce((a, x) => a + x.volumeMm3, 0) };
}

function lesionSubject(l: LesionRecord): Finding['subject'] {
  const cls = structureOrNull(l.lesionClass);
  return {
    structure: l.lesionClass,
    displayName: cls?.displayName ?? 'lesion',
    organ: l.organ,
    lesionId: l.id,
    side: l.side,
  };
}

function lesionFinding(ctx: RuleContext, l: LesionRecord): Finding {
  const noun = lesionNoun(ctx, l);
  const dropped = droppedOfLabel(ctx, l.labelId);
  const caveats: string[] = [];
  if (l.touchesBorder.touches) caveats.push('the lesion touches the scan border; its size may be underestimated');
  if (l.organ === null) caveats.push('not attached to a segmented organ');
  caveats.push(...detectionCaveats(l));
  const cyst = noun === 'cyst';
  const attenuation = attenuationWord(l);
  return makeFinding({
    id: l.id,
    type: 'lesion',
    subject: lesionSubject(l),
    status: 'abnormal',
    significance: cyst ? 1 : 2,
    statement: noun,
    values: {
      longAxisMm: l.longAxisMm,
      shortAxisMm: l.shortAxisMm,
      max3dDiameterMm: l.max3dDiameterMm,
      volumeMl: l.volumeMl,
      huMean: l.huMean,
      huSd: l.huSd,
      ...(l.parenchyma === null ? {} : { parenchymaHuMean: l.parenchyma.huMean, parenchymaHuSd: l.parenchyma.huSd }),
      ...(l.attenuation === null ? {} : { attenuationDeltaHu: l.attenuation.deltaHu, isoBandHu: l.attenuation.isoBandHu }),
      ...(l.pleuraDistanceMm === undefined ? {} : { pleuraDistanceMm: l.pleuraDistanceMm }),
      ...(l.detection?.confidence === undefined ? {} : { detectionConfidence: l.detection.confidence }),
      axialSliceIndex: l.axialSliceIndex,
      labelDroppedComponentCount: dropped.count,
      labelDroppedVolumeMm3: dropped.volumeMm3,
      minLesionVolumeMm3: ctx.m.minLesionVolumeMm3,
    },
    attributes: {
      lesionClass: l.lesionClass,
      lesionType: l.lesionType,
      segments: [...l.segments],
      ...(attenuation === null ? {} : { attenuation }),
      ...(l.detection ? { detectedBy: l.detection.by } : {}),
      ...(l.detection?.composition ? { composition: l.detection.composition } : {}),
      phase: ctx.phase.phase,
      sideReference: l.sideReference,
      touchesBorder: l.touchesBorder.touches,
      organBy: l.organBy,
      ...(l.vertebralLevel?.centroidLevel ? { vertebralLevel: l.vertebralLevel.centroidLevel } : {}),
    },
    caveats,
    evidence: [lesionEvidence(l)],
    criteria: [
      PASSAGES.lesionComponent,
      ...(ctx.minComponentCited ? [PASSAGES.minComponent] : []),
      PASSAGES.lesionSize,
      PASSAGES.longestDiameter,
      ...(l.segments.length > 0 ? locationCriteria(l.organ) : []),
      ...(l.attenuation === null || (l.organ !== null && isLungPart(l.organ)) ? [] : [PASSAGES.lesionAttenuation, PASSAGES.attenuationTerms]),
      ...(l.organ !== null && isLungPart(l.organ) ? [PASSAGES.noduleVsMass] : []),
      ...(l.organBy === 'adjacent' ? [PASSAGES.lesionOrganAdjacency] : []),
      ...lungNoduleCriteria(l, noun),
      ...(l.detection?.by === 'built-in detector' ? [PASSAGES.builtinNoduleDetector] : []),
    ],
  });
}

/**
 * Vessel contacts with an angle above 0. The class is re-derived from the angle with the cited passage's
 * threshold (encasement at >= 180 deg, RadGPT; abutment below), so the wording and the citation agree.
 */
function contactFindings(ctx: RuleContext, l: LesionRecord): Finding[] {
  const out: Finding[] = [];
  for (const c of l.contacts) {
    if (!(c.contactAngleDeg > 0)) continue;
    const encased = c.contactAngleDeg >= ctx.rules.encasementAngleDeg;
    const vessel = structureOrNull(c.vessel);
    const vesselStats = ctx.byName.get(c.vessel);
    out.push(
      makeFinding({
        id: `${l.id}.contact.${c.vessel}`,
        type: 'vessel_contact',
        subject: { structure: c.vessel, displayName: vessel?.displayName ?? c.vessel, organ: l.organ, lesionId: l.id },
        status: 'abnormal',
        significance: encased ? 3 : 2,
        statement: encased ? 'encasement' : 'abutment',
        values: {
          contactAngleDeg: c.contactAngleDeg,
          encasementAtOrAboveDeg: ctx.rules.encasementAngleDeg,
          minDistanceMm: c.minDistanceMm,
          ringMm: c.ringMm,
          ...(c.maxContactSlice === null ? {} : { maxContactSlice: c.maxContactSlice }),
        },
        attributes: { vessel: c.vessel },
        evidence: [lesionEvidence(l), ...(vesselStats === undefined ? [] : [structureEvidence(vesselStats)])],
        criteria: [PASSAGES.vesselContact, PASSAGES.vesselContactTerms],
      }),
    );
  }
  return out;
}

/** The organ a lesion label's class belongs to (liver_lesion -> liver), or null for generic or unknown labels. */
function labelOrgan(ctx: RuleContext, labelId: number): string | null {
  const name = ctx.byLabelId.get(labelId)?.name ?? null;
  return name !== null && isLesionClass(name) ? organOfLesion(name) : null;
}

/**
 * One count per organ that has lesions, dropped components, or a lesion label with nothing in it. A count of
 * zero is a negative claim ("no lesion"), normal only when the whole organ is imaged (groundct-negative-findings);
 * on a partly imaged organ it is indeterminate, and without the organ in the scan it is not made.
 */
function countFindings(ctx: RuleContext): Finding[] {
  const groups = new Map<string, { lesions: LesionRecord[]; dropped: number; droppedMm3: number; labels: Set<number> }>();
  const group = (key: string) => {
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { lesions: [], dropped: 0, droppedMm3: 0, labels: new Set() }));
    return g;
  };
  for (const l of ctx.lesions) {
    const g = group(l.organ ?? UNATTACHED);
    g.lesions.push(l);
    g.labels.add(l.labelId);
  }
  // Lesion labels (by class) whose organ is known: their dropped components and empty labels count there too.
  for (const s of ctx.m.structures) {
    if (s.name === null || !isLesionClass(s.name) || structureOrNull(s.name)?.kind === 'lymph_node') continue;
    const kept = ctx.lesions.filter((l) => l.labelId === s.labelId);
    const organ = kept[0]?.organ ?? labelOrgan(ctx, s.labelId) ?? UNATTACHED;
    const g = group(organ);
    g.labels.add(s.labelId);
  }
  for (const d of ctx.m.droppedLesions) {
    const kept = ctx.lesions.find((l) => l.labelId === d.labelId);
    const g = group(kept?.organ ?? labelOrgan(ctx, d.labelId) ?? UNATTACHED);
    g.dropped += d.count;
    g.droppedMm3 += d.volumeMm3;
    g.labels.add(d.labelId);
  }

  const out: Finding[] = [];
  for (const [organ, g] of groups) {
    const count = g.lesions.length;
    const organStats = organ === UNATTACHED ? null : measured(ctx, organ);
    if (count === 0 && organ !== UNATTACHED && organStats === null) continue; // organ not in the scan: no claim
    const whole = organ !== UNATTACHED && complete(ctx, organ) !== null;
    const labelEvidence = [...g.labels].map((id) => ctx.byLabelId.get(id)).filter((s) => s !== undefined).map(structureEvidence);
    const displayName = organ === UNATTACHED ? 'body' : getStructure(organ).displayName;
    // What the labels looked for: "cyst" when every lesion label of the organ is a cyst class (TotalSegmentator's
    // kidney_cyst_*), so an empty label says "no cyst", never "no lesion".
    const labelTypes = [...g.labels].map((id) => ctx.byLabelId.get(id)?.name ?? null).map((n) => (n === null ? undefined : structureOrNull(n)?.lesionType));
    const lookedFor = labelTypes.length > 0 && labelTypes.every((t) => t === 'cyst') ? 'cyst' : 'lesion';
    out.push(
      makeFinding({
        id: `${organ}.lesions`,
        type: 'lesion_count',
        subject: { structure: organ, displayName, organ: organ === UNATTACHED ? null : organ },
        status: count > 0 ? 'abnormal' : whole ? 'normal' : 'indeterminate',
        significance: count > 0 ? 2 : 0,
        statement: count === 0 ? (whole ? `no ${lookedFor}` : `no ${lookedFor} in the imaged part`) : count === 1 ? 'single lesion' : 'multiple lesions',
        values: { count, droppedComponentCount: g.dropped, droppedVolumeMm3: g.droppedMm3, minLesionVolumeMm3: ctx.m.minLesionVolumeMm3 },
        attributes: { lesionIds: g.lesions.map((l) => l.id), organComplete: whole, lookedFor },
        evidence: [...labelEvidence, ...(organStats === null ? [] : [structureEvidence(organStats)])],
        criteria: [
          PASSAGES.lesionComponent,
          ...(ctx.minComponentCited ? [PASSAGES.minComponent] : []),
          ...(count === 0 ? [PASSAGES.negativeFindings] : []),
        ],
      }),
    );
  }
  return out;
}

export function lesionFindings(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const l of ctx.lesions) out.push(lesionFinding(ctx, l), ...contactFindings(ctx, l));
  out.push(...countFindings(ctx));
  return out;
}
