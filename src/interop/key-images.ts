/**
 * Key images of a report: for each finding whose evidence has voxels, the axial slice through the centre of
 * its (first) evidence mask, in the lung window for lung structures and the soft-tissue window otherwise.
 * Findings on the same mask share the rendering.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ancestors } from '../anatomy/index.ts';
import { gctError, isGroundctError } from '../errors.ts';
import type { Finding } from '../findings/index.ts';
import type { Measurements } from '../measure/index.ts';
import type { LabelMap, Volume } from '../volume/index.ts';
import { LUNG_WINDOW, renderKeyImage, SOFT_TISSUE_WINDOW, type RenderedKeyImage } from './key-image.ts';
import { reportSegments, type ReportSegment } from './segments.ts';

export interface KeyImage {
  readonly findingId: string;
  /** File name: the finding id with characters outside [A-Za-z0-9._-] replaced by '_', plus '.png'. */
  readonly fileName: string;
  readonly segmentLabel: string;
  readonly image: RenderedKeyImage;
}

function isLung(name: string | null): boolean {
  if (!name) return false;
  try {
    return name === 'lung' || name.startsWith('lung') || ancestors(name).includes('lung');
  } catch {
    return false;
  }
}

export function keyImageFileName(findingId: string): string {
  return `${findingId.replace(/[^A-Za-z0-9._-]/g, '_')}.png`;
}

/** Key images for `findings` over the masks in `segments` (from reportSegments). */
export function keyImagesFor(ct: Volume, segments: readonly ReportSegment[], findings: readonly Finding[]): KeyImage[] {
  const cache = new Map<number, RenderedKeyImage>();
  const out: KeyImage[] = [];
  for (const f of findings) {
    // The first evidence mask that is a segment (a lesion_count finding cites its whole lesion label first).
    const segment = f.evidence
      .filter((e) => e.voxelCount > 0 && e.study === undefined) // a prior study's evidence is on another grid
      .map((e) => (e.componentId ? segments.find((s) => s.lesionId === e.componentId) : segments.find((s) => s.kind === 'structure' && s.labelId === e.labelId)))
      .find((s) => s !== undefined);
    if (!segment) continue;
    let image = cache.get(segment.number);
    if (!image) {
      const window = isLung(segment.organ) || isLung(segment.structure) ? LUNG_WINDOW : SOFT_TISSUE_WINDOW;
      image = renderKeyImage(ct, segment.voxels, { window, text: { Title: `groundct key image: ${segment.displayName} (${segment.label})` } });
      cache.set(segment.number, image);
    }
    out.push({ findingId: f.id, fileName: keyImageFileName(f.id), segmentLabel: segment.label, image });
  }
  return out;
}

export interface KeyImagesInput {
  readonly ct: Volume;
  readonly labels: LabelMap;
  readonly measurements: Measurements;
  readonly findings: readonly Finding[];
}

export interface WrittenKeyImage {
  readonly findingId: string;
  readonly path: string;
  readonly sliceIndex: number;
  readonly window: string;
}

/** Writes one PNG per finding with evidence into `dir` (new or empty), plus key-images.json listing them. */
export async function writeKeyImages(input: KeyImagesInput, dir: string): Promise<WrittenKeyImage[]> {
  const existing = await readdir(dir).catch(() => null);
  if (existing && existing.length > 0) throw gctError('GCT_INTEROP_WRITE_FAILED', `${dir} exists and is not empty`, { dir });
  const segments = reportSegments(input.ct, input.labels, input.measurements, input.findings);
  const images = keyImagesFor(input.ct, segments, input.findings);
  const temp = join(dirname(dir), `.${basename(dir)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(temp, { recursive: true });
    const written: WrittenKeyImage[] = [];
    for (const k of images) {
      await writeFile(join(temp, k.fileName), k.image.png);
      written.push({ findingId: k.findingId, path: join(dir, k.fileName), sliceIndex: k.image.geometry.sliceIndex, window: k.image.window.name });
    }
    const manifest = images.map((k) => ({
      findingId: k.findingId,
      file: k.fileName,
      segment: k.segmentLabel,
      sliceIndex: k.image.geometry.sliceIndex,
      axialAxis: 'ijk'[k.image.geometry.axialAxis],
      window: `${k.image.window.name} W${k.image.window.widthHu}/L${k.image.window.levelHu}`,
      scaleBarMm: k.image.scaleBarMm,
    }));
    await writeFile(join(temp, 'key-images.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existing) await rmdir(dir);
    await rename(temp, dir);
    return written;
  } catch (cause) {
    await rm(temp, { recursive: true, force: true });
    if (isGroundctError(cause)) throw cause;
    throw gctError('GCT_INTEROP_WRITE_FAILED', `writing key images to ${dir} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { dir }, cause);
  }
}
