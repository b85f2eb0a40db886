import { getStructure, structureOrNull } from '../anatomy/index.ts';
import { makeFinding, type RuleContext } from './context.ts';
import { lesionEvidence, structureEvidence } from './evidence.ts';
import { PASSAGES } from './rules.ts';
import type { Finding } from './schema.ts';

/**
 * Lymph nodes (RECIST 1.1: pathological at a short axis >= 10 mm, measurable at >= 15 mm; recist11-lymph-node,
 * lymph-node-short-axis), free fluid volumes (ascites-free-fluid, pleural-effusion), unknown label names
 * (reported, never dropped) and the empty study.
 */

export function lymphNodeFindings(ctx: RuleContext): Finding[] {
  return [...measuredNodes(ctx), ...unmeasuredNodeLabels(ctx)];
}

/**
 * A lymph-node label with voxels but no node measured from it (the measure stage splits lesion labels into
 * components, and may not do so for nodes): reported with its volume, its size class left undecided.
 */
function unmeasuredNodeLabels(ctx: RuleContext): Finding[] {
  const measuredLabels = new Set(ctx.lymphNodes.map((n) => n.labelId));
  return ctx.m.structures
    .filter((s) => s.present && s.name !== null && structureOrNull(s.name)?.kind === 'lymph_node' && !measuredLabels.has(s.labelId))
    .map((s) =>
      makeFinding({
        id: `${s.sourceName}.nodes`,
        type: 'lymph_node',
        subject: { structure: s.name, displayName: 'lymph node', organ: null },
        status: 'indeterminate',
        significance: 1,
        statement: 'short axis not measured',
        values: s.present ? { volumeMl: s.volumeMl, huMean: s.huMean } : {},
        caveats: ['the node mask was not split into nodes, so no short axis was measured'],
        evidence: [structureEvidence(s)],
        criteria: [PASSAGES.lymphNodeRecist],
      }),
    );
}

function measuredNodes(ctx: RuleContext): Finding[] {
  return ctx.lymphNodes.map((n) => {
    const enlarged = n.shortAxisMm >= ctx.rules.lymphNodeMinShortAxisMm;
    const measurable = n.shortAxisMm >= ctx.rules.lymphNodeTargetMinShortAxisMm;
    return makeFinding({
      id: n.id,
      type: 'lymph_node',
      subject: { structure: n.lesionClass, displayName: 'lymph node', organ: null, lesionId: n.id, side: n.side },
      status: enlarged ? 'abnormal' : 'normal',
      significance: enlarged ? 2 : 0,
      statement: enlarged ? 'enlarged' : 'normal size',
      values: {
        shortAxisMm: n.shortAxisMm,
        longAxisMm: n.longAxisMm,
        volumeMl: n.volumeMl,
        huMean: n.huMean,
        enlargedAtOrAboveMm: ctx.rules.lymphNodeMinShortAxisMm,
        measurableAtOrAboveMm: ctx.rules.lymphNodeTargetMinShortAxisMm,
      },
      attributes: { recistMeasurable: measurable, ...(n.vertebralLevel?.centroidLevel ? { vertebralLevel: n.vertebralLevel.centroidLevel } : {}) },
      caveats: n.touchesBorder.touches ? ['the node touches the scan border; its size may be underestimated'] : [],
      evidence: [lesionEvidence(n)],
      criteria: [PASSAGES.lymphNodeRecist, PASSAGES.lymphNodeShortAxis, PASSAGES.longestDiameter],
    });
  });
}

/**
 * A labelled fluid compartment: its volume and mean HU when present (a lower bound when cut by the border), and a
 * negative ("no ascites segmented") when its label is empty: the segmentation looked for it over the scan.
 */
export function fluidFindings(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const s of ctx.m.structures) {
    if (s.name === null || structureOrNull(s.name)?.kind !== 'fluid') continue;
    const passage = s.name === 'ascites' ? PASSAGES.ascites : PASSAGES.pleuralEffusion;
    const base = { id: `${s.name}.fluid`, type: 'fluid' as const, subject: { structure: s.name, displayName: getStructure(s.name).displayName, organ: s.name } };
    if (!s.present) {
      out.push(makeFinding({ ...base, status: 'normal', significance: 0, statement: 'absent', evidence: [structureEvidence(s)], criteria: [passage, PASSAGES.negativeFindings] }));
      continue;
    }
    out.push(
      makeFinding({
        ...base,
        status: 'abnormal',
        significance: 2,
        statement: 'present',
        values: { volumeMl: s.volumeMl, huMean: s.huMean },
        attributes: { partiallyImaged: s.partiallyImaged },
        caveats: s.partiallyImaged ? ['the fluid extends beyond the scan; the volume is a lower bound'] : [],
        evidence: [structureEvidence(s)],
        criteria: [passage],
      }),
    );
  }
  return out;
}

/** Every label whose name the anatomy catalogue does not know: kept, measured and reported. */
export function unknownStructureFindings(ctx: RuleContext): Finding[] {
  const ids = new Set([...ctx.m.unknownLabels.map((u) => u.labelId), ...ctx.m.structures.filter((s) => s.name === null).map((s) => s.labelId)]);
  const out: Finding[] = [];
  for (const labelId of [...ids].sort((a, b) => a - b)) {
    const s = ctx.byLabelId.get(labelId);
    const sourceName = s?.sourceName ?? ctx.m.unknownLabels.find((u) => u.labelId === labelId)?.sourceName ?? String(labelId);
    out.push(
      makeFinding({
        id: `unknown.${labelId}`,
        type: 'unknown_structure',
        subject: { structure: null, displayName: sourceName, organ: null },
        status: 'indeterminate',
        significance: 1,
        statement: 'unknown label',
        values: s?.present ? { volumeMl: s.volumeMl, huMean: s.huMean, voxelCount: s.voxelCount } : { voxelCount: 0 },
        attributes: { sourceName },
        evidence: s === undefined ? [] : [structureEvidence(s)],
        criteria: [PASSAGES.vocabulary],
      }),
    );
  }
  return out;
}

/** The study in which no label has a voxel: a report that says nothing could be assessed. */
export function nothingAssessedFinding(ctx: RuleContext): Finding[] {
  if (ctx.m.structures.some((s) => s.present) || ctx.m.lesions.length > 0) return [];
  return [
    makeFinding({
      id: 'study.nothing_assessed',
      type: 'nothing_assessed',
      subject: { structure: 'body', displayName: 'study', organ: null },
      status: 'indeterminate',
      significance: 1,
      statement: 'nothing assessed',
      values: { labelCount: ctx.m.structures.length },
      attributes: { reason: ctx.m.structures.length === 0 ? 'the mask set lists no label' : 'no label has any voxel' },
      evidence: ctx.m.structures.map(structureEvidence),
      criteria: [PASSAGES.negativeFindings],
    }),
  ];
}
