/**
 * The CT series a SEG or SR derives from: its UIDs, the SOP Instance UID of the slice at every k of the CT
 * grid, and the patient/study attributes to copy. Built from a Volume read from DICOM (whose meta carries the
 * UIDs in k order) or, for a NIfTI CT, from the series groundct wrote for it.
 */
import { gctError } from '../errors.ts';
import { invertMat4, type Grid, type Volume } from '../volume/index.ts';
import type { PatientStudyAttributes } from './dicom-dataset.ts';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

export interface ReferencedCt {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly frameOfReferenceUid: string;
  readonly sopClassUid: string;
  /** SOP Instance UID of the CT slice holding each k plane of `grid`. */
  readonly sopInstanceUids: readonly string[];
  /** The CT grid the masks are on. */
  readonly grid: Grid;
  readonly patientStudy: PatientStudyAttributes;
  /** YYYY-MM-DD, when the study date is only known from the volume's meta. */
  readonly studyDate?: string;
}

/**
 * The referenced CT for masks on `grid`, from a CT series read from DICOM (`series`, whose grid may run k the
 * other way round, as a left-handed NIfTI grid written to DICOM reads back): each k plane of `grid` is matched
 * to the series slice at the same position, so references follow space, not storage order.
 */
export function referencedCtFor(grid: Grid, series: Volume, patientStudy: PatientStudyAttributes): ReferencedCt {
  const m = series.meta;
  if (!m.studyInstanceUid || !m.seriesInstanceUid || !m.sopInstanceUids || m.sopInstanceUids.length !== series.grid.dims[2])
    throw gctError('GCT_INTEROP_REFERENCE_MISSING', `the CT ${m.source.path} carries no DICOM UIDs for its ${series.grid.dims[2]} slices; SEG and SR need a DICOM CT series to reference`, { path: m.source.path });
  const rasToIjk = invertMat4(series.grid.ijkToRas);
  const a = grid.ijkToRas;
  const sops = Array.from({ length: grid.dims[2] }, (_, k) => {
    const ras = [a[2] * k + a[3], a[6] * k + a[7], a[10] * k + a[11]];
    const ijk = [0, 1, 2].map((r) => rasToIjk[r * 4] * ras[0] + rasToIjk[r * 4 + 1] * ras[1] + rasToIjk[r * 4 + 2] * ras[2] + rasToIjk[r * 4 + 3]);
    const kSeries = Math.round(ijk[2]);
    if (Math.abs(ijk[2] - kSeries) > 0.01 || kSeries < 0 || kSeries >= series.grid.dims[2])
      throw gctError('GCT_INTEROP_REFERENCE_MISSING', `plane k=${k} of the masks lies on no slice of the CT series ${m.seriesInstanceUid} (series k ${ijk[2].toFixed(3)})`, { k });
    return m.sopInstanceUids![kSeries];
  });
  return {
    studyInstanceUid: m.studyInstanceUid,
    seriesInstanceUid: m.seriesInstanceUid,
    frameOfReferenceUid: m.frameOfReferenceUid ?? '',
    sopClassUid: CT_IMAGE_STORAGE,
    sopInstanceUids: sops,
    grid,
    patientStudy,
    ...(m.studyDate ? { studyDate: m.studyDate } : {}),
  };
}
