import type { Grid } from '../volume/geometry.ts';
import type { LabelMap } from '../volume/types.ts';
import { cropMask, cropVoxelRas } from './mask-crop.ts';
import type { MeasuredStructureStats, StructureStats } from './types.ts';
import { mm3ToMl } from './units.ts';
import type { VesselCalibre } from './vessel-types.ts';

/**
 * Aortic dissection from TotalSegmentator's aortic_dissection masks (aorta_true_lumen, aorta_false_lumen), passages
 * accaha2022-aortic-dissection-classification and groundct-dissection: the false- and true-lumen volumes (voxel count x voxel
 * volume, exact), and the aortic sections the false lumen runs through: each false-lumen voxel belongs to the
 * section of its nearest aortic centreline sample (vessel-calibre.ts); a section counts as involved from
 * MIN_SECTION_FALSE_LUMEN_ML of false lumen. At most MAX_ASSIGNED voxels are assigned (every n-th, each standing for
 * n), which is enough to place a lumen in sections several centimetres long.
 */

export const MIN_SECTION_FALSE_LUMEN_ML = 0.5;
const MAX_ASSIGNED = 20_000;

export interface SectionInvolvement {
  readonly section: string;
  readonly displayName: string;
  readonly falseLumenVolumeMl: number;
}

export interface Dissection {
  readonly trueLumenLabelId: number | null;
  readonly falseLumenLabelId: number;
  readonly trueLumenVolumeMl: number;
  readonly falseLumenVolumeMl: number;
  /** Sections of the aorta holding at least MIN_SECTION_FALSE_LUMEN_ML of false lumen, proximal first; empty without an aortic centreline. */
  readonly sections: readonly SectionInvolvement[];
  /** Names of every section the aorta was split into (to tell 'not involved' from 'not imaged'). */
  readonly aortaSections: readonly string[];
  readonly falseLumenPartiallyImaged: boolean;
}

export function measureDissection(grid: Grid, labels: LabelMap, structures: readonly StructureStats[], aorta: VesselCalibre | null, voxelVolumeMm3: number): Dissection | null {
  const named = (name: string) => structures.find((s): s is MeasuredStructureStats => s.present && s.name === name);
  const listed = (name: string) => structures.find((s) => s.name === name);
  const falseLumen = listed('aorta_false_lumen');
  if (falseLumen === undefined) return null;
  const trueLumen = named('aorta_true_lumen');
  const base = {
    trueLumenLabelId: trueLumen?.labelId ?? null,
    falseLumenLabelId: falseLumen.labelId,
    trueLumenVolumeMl: trueLumen?.volumeMl ?? 0,
    aortaSections: aorta?.sections.map((s) => s.name) ?? [],
  };
  if (!falseLumen.present) return { ...base, falseLumenVolumeMl: 0, sections: [], falseLumenPartiallyImaged: false };
  const volume = { ...base, falseLumenVolumeMl: falseLumen.volumeMl, falseLumenPartiallyImaged: falseLumen.partiallyImaged };
  if (aorta === null || aorta.samples.length === 0) return { ...volume, sections: [] };
  const crop = cropMask(labels.layers[falseLumen.layer], grid, new Set([falseLumen.labelId]), { min: falseLumen.ijkBounds.min, max: falseLumen.ijkBounds.max }, { marginVoxels: 0 });
  const every = Math.max(1, Math.ceil(crop.count / MAX_ASSIGNED));
  const perSection = new Map<string, number>();
  const [nx, ny, nz] = crop.dims;
  const samples = aorta.samples;
  let seen = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (crop.mask[i + nx * (j + ny * k)] === 0 || seen++ % every !== 0) continue;
        const p = cropVoxelRas(crop, i, j, k);
        let best = 0;
        let bestD = Infinity;
        for (let n = 0; n < samples.length; n++) {
          const r = samples[n].ras;
          const d = (r[0] - p[0]) ** 2 + (r[1] - p[1]) ** 2 + (r[2] - p[2]) ** 2;
          if (d < bestD) {
            bestD = d;
            best = n;
          }
        }
        const arc = samples[best].arcMm;
        const section = aorta.sections.find((s) => arc >= s.startArcMm - 1e-6 && arc <= s.endArcMm + 1e-6);
        if (section !== undefined) perSection.set(section.name, (perSection.get(section.name) ?? 0) + every);
      }
  const sections = aorta.sections
    .map((s) => ({ section: s.name, displayName: s.displayName, falseLumenVolumeMl: mm3ToMl((perSection.get(s.name) ?? 0) * voxelVolumeMm3) }))
    .filter((s) => s.falseLumenVolumeMl >= MIN_SECTION_FALSE_LUMEN_ML);
  return { ...volume, sections };
}
