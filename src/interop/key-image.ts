/**
 * Key images: one axial slice through the centre of a mask, windowed, with the mask outlined and a scale bar,
 * as PNG.
 *
 * Display orientation follows the radiological convention for axial images (viewed from the feet): the
 * patient's right on the image's left, anterior at the top. It is read from the affine, never assumed from the
 * storage order: the "axial" voxel axis is the one whose direction is closest to the patient's S-I axis; of the
 * other two, the one closer to R-L runs across the image, reversed when it points to the patient's right (RAS
 * +x), and the other runs down the image, reversed when it points anterior (RAS +y).
 *
 * Windows (display width/level in HU) are the usual CT presets: soft tissue W400/L40, lung W1500/L-600
 * (e.g. Radiopaedia "Windowing (CT)"; the values vary slightly between institutions).
 */
import { splitIjkToRas, type Volume } from '../volume/index.ts';
import { encodePng } from './png.ts';

export interface DisplayWindow {
  readonly name: 'soft tissue' | 'lung';
  readonly widthHu: number;
  readonly levelHu: number;
}
export const SOFT_TISSUE_WINDOW: DisplayWindow = { name: 'soft tissue', widthHu: 400, levelHu: 40 };
export const LUNG_WINDOW: DisplayWindow = { name: 'lung', widthHu: 1500, levelHu: -600 };

/** Outline colour: not a grey, so no CT pixel can be mistaken for it. */
export const OUTLINE_RGB: readonly [number, number, number] = [255, 214, 0];
export const SCALE_BAR_RGB: readonly [number, number, number] = [255, 255, 255];
/** The image is magnified by a whole factor until it is at least this wide. */
const MIN_WIDTH_PX = 384;
/** Black strip below the image that holds the scale bar, so the bar never covers anatomy. */
export const SCALE_STRIP_PX = 24;
/** Scale bar lengths: 50 mm on images at least this wide in mm, else 10 mm. */
const LONG_BAR_MIN_FIELD_MM = 150;

/** How display pixels map to voxels. */
export interface KeyImageGeometry {
  /** Voxel axis (0 = i, 1 = j, 2 = k) the slice is taken across, and the slice index along it. */
  readonly axialAxis: 0 | 1 | 2;
  readonly sliceIndex: number;
  /** Voxel axis running across the image (left to right), and whether its index decreases left to right. */
  readonly columnAxis: 0 | 1 | 2;
  readonly columnReversed: boolean;
  /** Voxel axis running down the image, and whether its index decreases top to bottom. */
  readonly rowAxis: 0 | 1 | 2;
  readonly rowReversed: boolean;
  /** Display pixels per voxel across and down. */
  readonly pixelsPerVoxel: readonly [number, number];
  /** Size of one display pixel in mm across and down. */
  readonly pixelSizeMm: readonly [number, number];
}

export interface RenderedKeyImage {
  readonly png: Uint8Array;
  readonly widthPx: number;
  /** Image rows plus the scale strip. */
  readonly heightPx: number;
  readonly imageHeightPx: number;
  readonly geometry: KeyImageGeometry;
  readonly window: DisplayWindow;
  readonly scaleBarMm: number;
  readonly scaleBarPx: number;
  /** Display pixels painted in OUTLINE_RGB. */
  readonly outlinePixelCount: number;
}

export interface RenderOptions {
  readonly window?: DisplayWindow;
  /** Text chunks to add (e.g. the finding id as Title). */
  readonly text?: Readonly<Record<string, string>>;
}

type Axis = 0 | 1 | 2;

/** Renders the axial slice through the centre of `voxels` (sorted linear indices on `ct.grid`). */
export function renderKeyImage(ct: Volume, voxels: Uint32Array, options: RenderOptions = {}): RenderedKeyImage {
  const { dims } = ct.grid;
  const { spacingMm, direction: d } = splitIjkToRas(ct.grid.ijkToRas);
  const column = (a: number) => [d[a], d[3 + a], d[6 + a]];
  const axes: Axis[] = [0, 1, 2];
  const axialAxis = axes.reduce((best, a) => (Math.abs(column(a)[2]) > Math.abs(column(best)[2]) ? a : best), 0 as Axis);
  const inPlane = axes.filter((a) => a !== axialAxis);
  const columnAxis = Math.abs(column(inPlane[0])[0]) >= Math.abs(column(inPlane[1])[0]) ? inPlane[0] : inPlane[1];
  const rowAxis = inPlane[0] === columnAxis ? inPlane[1] : inPlane[0];
  const columnReversed = column(columnAxis)[0] > 0;
  const rowReversed = column(rowAxis)[1] > 0;

  const strides = [1, dims[0], dims[0] * dims[1]];
  const ijkOf = (v: number) => [v % dims[0], Math.floor(v / dims[0]) % dims[1], Math.floor(v / strides[2])];
  const sliceIndex = centreSlice(voxels, ijkOf, axialAxis, dims[axialAxis]);

  const nc = dims[columnAxis];
  const nr = dims[rowAxis];
  const inSlice = new Uint8Array(nc * nr);
  for (let n = 0; n < voxels.length; n++) {
    const ijk = ijkOf(voxels[n]);
    if (ijk[axialAxis] === sliceIndex) inSlice[ijk[rowAxis] * nc + ijk[columnAxis]] = 1;
  }
  const isBoundary = (c: number, r: number) =>
    inSlice[r * nc + c] === 1 &&
    (c === 0 || r === 0 || c === nc - 1 || r === nr - 1 || !inSlice[r * nc + c - 1] || !inSlice[r * nc + c + 1] || !inSlice[(r - 1) * nc + c] || !inSlice[(r + 1) * nc + c]);

  const sc = spacingMm[columnAxis];
  const sr = spacingMm[rowAxis];
  const fine = Math.min(sc, sr);
  const magnify = Math.max(1, Math.ceil(MIN_WIDTH_PX / ((nc * sc) / fine)));
  const ppvC = Math.max(1, Math.round((sc / fine) * magnify));
  const ppvR = Math.max(1, Math.round((sr / fine) * magnify));
  const widthPx = nc * ppvC;
  const imageHeightPx = nr * ppvR;
  const heightPx = imageHeightPx + SCALE_STRIP_PX;
  const rgb = new Uint8Array(widthPx * heightPx * 3);
  const window = options.window ?? SOFT_TISSUE_WINDOW;
  const low = window.levelHu - window.widthHu / 2;

  let outlinePixelCount = 0;
  for (let y = 0; y < imageHeightPx; y++) {
    const vr = Math.floor(y / ppvR);
    const r = rowReversed ? nr - 1 - vr : vr;
    for (let x = 0; x < widthPx; x++) {
      const vc = Math.floor(x / ppvC);
      const c = columnReversed ? nc - 1 - vc : vc;
      const at = (y * widthPx + x) * 3;
      if (isBoundary(c, r)) {
        rgb.set(OUTLINE_RGB, at);
        outlinePixelCount++;
        continue;
      }
      const index = c * strides[columnAxis] + r * strides[rowAxis] + sliceIndex * strides[axialAxis];
      const grey = Math.round(Math.min(1, Math.max(0, (ct.data[index] - low) / window.widthHu)) * 255);
      rgb[at] = rgb[at + 1] = rgb[at + 2] = grey;
    }
  }

  const pixelSizeMm: [number, number] = [sc / ppvC, sr / ppvR];
  const scaleBarMm = widthPx * pixelSizeMm[0] >= LONG_BAR_MIN_FIELD_MM ? 50 : 10;
  const scaleBarPx = Math.round(scaleBarMm / pixelSizeMm[0]);
  const barRight = widthPx - 8;
  for (let y = imageHeightPx + 10; y < imageHeightPx + 14; y++)
    for (let x = Math.max(0, barRight - scaleBarPx); x < barRight; x++) rgb.set(SCALE_BAR_RGB, (y * widthPx + x) * 3);

  const geometry: KeyImageGeometry = { axialAxis, sliceIndex, columnAxis, columnReversed, rowAxis, rowReversed, pixelsPerVoxel: [ppvC, ppvR], pixelSizeMm };
  const png = encodePng(
    { widthPx, heightPx, rgb },
    {
      ...options.text,
      Comment: JSON.stringify({
        orientation: 'radiological: patient right on image left, anterior up',
        window: `${window.name} W${window.widthHu}/L${window.levelHu}`,
        scaleBarMm,
        scaleBarPx,
        geometry,
      }),
    },
  );
  return { png, widthPx, heightPx, imageHeightPx, geometry, window, scaleBarMm, scaleBarPx, outlinePixelCount };
}

/** The slice through the mask's centroid along `axis`; the nearest slice holding the mask when that one is empty. */
function centreSlice(voxels: Uint32Array, ijkOf: (v: number) => number[], axis: Axis, n: number): number {
  if (voxels.length === 0) return Math.floor(n / 2);
  const counts = new Uint32Array(n);
  let sum = 0;
  for (let v = 0; v < voxels.length; v++) {
    const s = ijkOf(voxels[v])[axis];
    counts[s]++;
    sum += s;
  }
  const centre = Math.round(sum / voxels.length);
  for (let delta = 0; delta < n; delta++) {
    if (centre - delta >= 0 && counts[centre - delta] > 0) return centre - delta;
    if (centre + delta < n && counts[centre + delta] > 0) return centre + delta;
  }
  return centre;
}
