/**
 * Scores the built-in segmenter on one synthetic chest (src/phantom/chest.ts) against its truth: nodules found
 * (a lung_nodule lesion, as the measure stage splits them, with its centroid within the nodule's radius + 3 mm of
 * its centre), false positives (lung_nodule lesions matching no nodule), long-axis error of each found nodule (measured by the measure stage, RECIST long axis, against the
 * built diameter), lung Dice per side against the expert truth (vessels in, nodules and effusion out), the
 * effusion volume, and the voxels the junction line puts on the wrong side.
 */
import { measureLesions, measureStudy } from '../../src/measure/index.ts';
import type { ChestNoduleTruth, ChestSpec, ChestTruth } from '../../src/phantom/index.ts';
import { generateChest } from '../../src/phantom/index.ts';
import { segmentBuiltin } from '../../src/segment/index.ts';
import { applyMat4, voxelVolumeMm3, type LabelMap, type Volume } from '../../src/volume/index.ts';
import { defaultConfig } from '../../src/config.ts';

/** The nodule set of every scored phantom: each kind the detector must find, 6-22 mm, on both sides. */
export const PHANTOM_NODULES: ChestSpec['nodules'] = [
  { kind: 'intrapulmonary', side: 'right', diameterMm: 8 },
  { kind: 'intrapulmonary', side: 'left', diameterMm: 6 },
  { kind: 'juxtapleural', side: 'left', diameterMm: 10 },
  { kind: 'juxtapleural', side: 'right', diameterMm: 6 },
  { kind: 'perihilar', side: 'right', diameterMm: 15 },
  { kind: 'next-to-vessel', side: 'left', diameterMm: 7 },
  { kind: 'next-to-vessel', side: 'right', diameterMm: 12 },
  { kind: 'intrapulmonary', side: 'left', diameterMm: 22 },
];

/** A found lesion's centroid lies within the nodule's radius plus this of its centre, mm. */
const MATCH_MARGIN_MM = 3;

export interface NoduleScore {
  readonly truth: ChestNoduleTruth;
  readonly found: boolean;
  /** Measured RECIST long axis of the matched lesion, mm (null when not found). */
  readonly longAxisMm: number | null;
  /** The truth nodule's voxels measured the same way (RECIST long axis, voxel centre to centre), mm. */
  readonly truthLongAxisMm: number;
  readonly side: string | null;
  readonly confidence: number | null;
  readonly composition: string | null;
}

export interface ChestScore {
  readonly seed: number;
  readonly nodules: readonly NoduleScore[];
  readonly falsePositives: number;
  readonly lungDice: { readonly left: number; readonly right: number };
  readonly effusionMl: number;
  readonly effusionTruthMl: number;
  /** Truth lung voxels between the midline (x = 0) and the junction line labelled with the wrong side. */
  readonly junctionWrongVoxels: number;
  readonly junctionVoxels: number;
  /** Share of the vessel voxels inside the lungs (truth) labelled lung: all of them, and those over 40 mm from a hilum. */
  readonly vesselsInLung: { readonly all: number; readonly beyond40Mm: number };
  readonly segmentSeconds: number;
  readonly ct: Volume;
  readonly labels: LabelMap;
  readonly truth: ChestTruth;
}

export async function scoreChestPhantom(seed: number, spec: Partial<ChestSpec> = {}): Promise<ChestScore> {
  const { ct, truth } = generateChest({ seed, nodules: PHANTOM_NODULES, effusion: { side: 'right', depthMm: 30 }, ...spec });
  const t0 = performance.now();
  const labels = await segmentBuiltin(ct);
  const segmentSeconds = (performance.now() - t0) / 1000;
  const organs = labels.layers[0];
  const id = (name: string) => labels.labels.find((l) => l.name === name)!.id;
  const m = measureStudy(ct, labels, { measure: defaultConfig().measure, provenance: { ct: `chest phantom ${seed}`, masks: null } });
  const lesions = m.lesions.filter((l) => l.lesionClass === 'lung_nodule');
  // The truth nodules measured by the same definition, to tell the segmentation's error from the measurement's.
  const truthLayer = new Uint8Array(truth.labels.length);
  for (let v = 0; v < truthLayer.length; v++) if (truth.labels[v] >= 100) truthLayer[v] = truth.labels[v] - 100;
  const truthLabels: LabelMap = { kind: 'labelmap', grid: ct.grid, layers: [truthLayer], labels: truth.nodules.map((n) => ({ id: n.index, name: `nodule ${n.index}`, layer: 0 })), meta: ct.meta };
  const truthMeasured = measureLesions(ct, truthLabels, truth.nodules.map((n) => n.index), { minLesionVolumeMm3: 0 });
  // A truth nodule is found by the lesion whose centroid lies within its radius + 3 mm of its centre (nearest
  // first); each lesion matches one nodule at most.
  const used = new Set<string>();
  const nodules: NoduleScore[] = truth.nodules.map((n) => {
    const near = lesions
      .map((l) => ({ l, d: Math.hypot(l.rasCentroid[0] - n.centreRas[0], l.rasCentroid[1] - n.centreRas[1], l.rasCentroid[2] - n.centreRas[2]) }))
      .filter((x) => x.d <= n.diameterMm / 2 + MATCH_MARGIN_MM && !used.has(x.l.id))
      .sort((a, b) => a.d - b.d)[0];
    if (near) used.add(near.l.id);
    const lesion = near?.l;
    return {
      truth: n,
      found: !!lesion,
      longAxisMm: lesion ? lesion.longAxisMm : null,
      truthLongAxisMm: Math.max(0, ...truthMeasured.lesions.filter((l) => l.labelId === n.index).map((l) => l.longAxisMm)),
      side: lesion ? lesion.side : null,
      confidence: lesion?.detection?.confidence ?? null,
      composition: lesion?.detection?.composition ?? null,
    };
  });
  const falsePositives = lesions.filter((l) => !used.has(l.id)).length;
  const dice = (labelId: number, truthValue: number) => {
    let a = 0, b = 0, c = 0;
    for (let v = 0; v < organs.length; v++) {
      const p = organs[v] === labelId, q = truth.labels[v] === truthValue;
      if (p) a++;
      if (q) b++;
      if (p && q) c++;
    }
    return (2 * c) / (a + b);
  };
  let effusionVoxels = 0;
  for (let v = 0; v < organs.length; v++) if (organs[v] === id('pleural_effusion')) effusionVoxels++;
  let junctionVoxels = 0, junctionWrong = 0;
  const [ni, nj] = ct.grid.dims;
  for (let v = 0; v < organs.length; v++) {
    const t = truth.labels[v];
    if (t !== 1 && t !== 2) continue;
    const i = v % ni, j = Math.floor(v / ni) % nj, k = Math.floor(v / (ni * nj));
    const x = applyMat4(ct.grid.ijkToRas, [i, j, k])[0];
    if (x < 0 || x > truth.junctionXMm) continue;
    junctionVoxels++;
    const want = t === 1 ? id('lung_left') : id('lung_right');
    const other = t === 1 ? id('lung_right') : id('lung_left');
    if (organs[v] === other && organs[v] !== want) junctionWrong++;
  }
  const lungIds = new Set([id('lung_left'), id('lung_right')]);
  const vessel = { all: 0, allIn: 0, far: 0, farIn: 0 };
  for (let v = 0; v < organs.length; v++) {
    const t = truth.labels[v];
    if ((t !== 1 && t !== 2) || ct.data[v] <= 0) continue;
    const i = v % ni, j = Math.floor(v / ni) % nj, k = Math.floor(v / (ni * nj));
    const ras = applyMat4(ct.grid.ijkToRas, [i, j, k]);
    const inLung = lungIds.has(organs[v]) ? 1 : 0;
    vessel.all++;
    vessel.allIn += inLung;
    if (truth.hilaRas.every((h) => Math.hypot(ras[0] - h[0], ras[1] - h[1], ras[2] - h[2]) > 40)) { vessel.far++; vessel.farIn += inLung; }
  }
  return {
    seed, nodules, falsePositives,
    vesselsInLung: { all: vessel.allIn / vessel.all, beyond40Mm: vessel.farIn / vessel.far },
    lungDice: { left: dice(id('lung_left'), 1), right: dice(id('lung_right'), 2) },
    effusionMl: (effusionVoxels * voxelVolumeMm3(ct.grid)) / 1000,
    effusionTruthMl: truth.effusionMl,
    junctionWrongVoxels: junctionWrong,
    junctionVoxels,
    segmentSeconds, ct, labels, truth,
  };
}

