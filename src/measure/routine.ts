import type { LabelMap, Volume } from '../volume/types.ts';
import type { RoutineMeasurements } from './measurements.ts';
import type { StructureStats } from './types.ts';
import { measureVessels } from './vessel-calibre.ts';
import { measureVertebralBodies } from './vertebral-body.ts';
import { measureLungDensity } from './lung-density.ts';
import { measureBodyComposition } from './body-composition.ts';
import { measureCalcium } from './calcium.ts';
import { measureDissection } from './dissection.ts';
import { voxelVolumeMm3 } from '../volume/geometry.ts';

/**
 * The routine measurements of one study, each from its own module (one concept per file), all reading only the
 * bounding boxes of the masks they need (from the structure statistics), so they add little to a report.
 */
export function measureRoutine(ct: Volume, labels: LabelMap, structures: readonly StructureStats[]): RoutineMeasurements {
  const vessels = measureVessels(ct.grid, labels, structures);
  return {
    vessels: vessels.vessels,
    pulmonaryTrunk: vessels.pulmonaryTrunk,
    vertebrae: measureVertebralBodies(ct, labels, structures),
    lungDensity: measureLungDensity(ct, labels, structures, voxelVolumeMm3(ct.grid)),
    bodyComposition: measureBodyComposition(ct, labels, structures),
    calcium: measureCalcium(ct, labels, structures),
    dissection: measureDissection(ct.grid, labels, structures, vessels.vessels.find((v) => v.vessel === 'aorta') ?? null, voxelVolumeMm3(ct.grid)),
  };
}
