/**
 * Key images read back with a PNG decoder written here (zlib inflate + the five PNG filters), so the encoder is
 * checked by independent code: the outline lies on the finding's slice and inside its bounding box, the
 * display follows the radiological convention in two storage orders, the window and the scale bar are right.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings, type Finding } from '../../src/findings/index.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import { OUTLINE_RGB, SCALE_STRIP_PX, writeKeyImages, type WrittenKeyImage } from '../../src/interop/index.ts';
import { measureStudy, type Measurements } from '../../src/measure/index.ts';
import { abdomenPreset, allOrientations, generateStudy, reorientStudy, type Study } from '../../src/phantom/index.ts';
import { SMALL_FOV } from './interop-helpers.ts';

interface Decoded {
  width: number;
  height: number;
  rgb: Uint8Array;
  text: Record<string, string>;
}

/** PNG decoder for 8-bit truecolour, non-interlaced images (PNG spec 11.2.2, 9 filters, 11.3.4.3 tEXt). */
function decodePng(bytes: Uint8Array): Decoded {
  expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  const text: Record<string, string> = {};
  while (at < bytes.length) {
    const length = view.getUint32(at);
    const type = Buffer.from(bytes.subarray(at + 4, at + 8)).toString('latin1');
    const data = bytes.subarray(at + 8, at + 8 + length);
    const crc = view.getUint32(at + 8 + length);
    const zcrc = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
    if (zcrc) expect(zcrc(bytes.subarray(at + 4, at + 8 + length)) >>> 0, `${type} CRC`).toBe(crc);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      expect([data[8], data[9], data[12]]).toEqual([8, 2, 0]); // 8-bit, truecolour, no interlace
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'tEXt') {
      const s = Buffer.from(data).toString('latin1');
      text[s.slice(0, s.indexOf('\0'))] = s.slice(s.indexOf('\0') + 1);
    }
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= 3 ? rgb[y * stride + x - 3] : 0;
      const b = y > 0 ? rgb[(y - 1) * stride + x] : 0;
      const c = x >= 3 && y > 0 ? rgb[(y - 1) * stride + x - 3] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      rgb[y * stride + x] = (v + predictor) & 0xff;
    }
  }
  return { width, height, rgb, text };
}

const isOutline = (d: Decoded, x: number, y: number) => {
  const at = (y * d.width + x) * 3;
  return d.rgb[at] === OUTLINE_RGB[0] && d.rgb[at + 1] === OUTLINE_RGB[1] && d.rgb[at + 2] === OUTLINE_RGB[2];
};

interface Case {
  readonly name: string;
  /** Whether display columns / rows run against the i / j index (derived by hand for each storage order). */
  readonly iReversed: boolean;
  readonly jReversed: boolean;
  readonly flips: string;
}

// The phantom stores i -> patient left, j -> posterior (LPS): radiological display is storage order. Flipping
// i and j stores i -> right, j -> anterior (RAS): the display must run against both indices.
const CASES: readonly Case[] = [
  { name: 'LPS storage', iReversed: false, jReversed: false, flips: 'false,false,false' },
  { name: 'RAS storage', iReversed: true, jReversed: true, flips: 'true,true,false' },
];

describe.each(CASES)('key images ($name)', (c) => {
  let dir: string;
  let study: Study;
  let measurements: Measurements;
  let findings: Finding[];
  let written: WrittenKeyImage[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'groundct-keyimg-'));
    const orientation = allOrientations().find((o) => o.permutation.join() === '0,1,2' && o.flips.join() === c.flips)!;
    study = reorientStudy(generateStudy(abdomenPreset({ fovMm: SMALL_FOV })), orientation);
    measurements = measureStudy(study.ct, study.labels, { measure: defaultConfig().measure, provenance: { ct: 'phantom', masks: null } });
    findings = deriveFindings(measurements, await loadKnowledgeBase()).findings;
    written = await writeKeyImages({ ct: study.ct, labels: study.labels, measurements, findings }, join(dir, 'key-images'));
  }, 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes one PNG per finding with a mask, in the soft-tissue window for abdominal organs', async () => {
    expect(written.map((w) => w.findingId)).toEqual(expect.arrayContaining(['liver_lesion-1', 'pancreas_lesion-1', 'kidney_cyst_left-1', 'kidney_left.lesions']));
    expect(new Set(written.map((w) => w.window))).toEqual(new Set(['soft tissue']));
    const manifest = JSON.parse(await readFile(join(dir, 'key-images', 'key-images.json'), 'utf8'));
    expect(manifest).toHaveLength(written.length);
  });

  it.each(['liver_lesion-1', 'pancreas_lesion-1', 'kidney_cyst_left-1'])('%s: the outline lies on its slice and inside its bounding box', async (id) => {
    const lesion = measurements.lesions.find((l) => l.id === id)!;
    const w = written.find((x) => x.findingId === id)!;
    const d = decodePng(new Uint8Array(await readFile(w.path)));
    const meta = JSON.parse(d.text.Comment);
    const [ni, nj] = study.ct.grid.dims;
    const [ppvX, ppvY] = meta.geometry.pixelsPerVoxel;
    expect(d.width).toBe(ni * ppvX);
    expect(d.height).toBe(nj * ppvY + SCALE_STRIP_PX);
    // The slice through the lesion's centre: within its slice range, at its centroid's k (it is a solid ellipsoid).
    expect(meta.geometry.axialAxis).toBe(2);
    expect(w.sliceIndex).toBe(Math.round(lesion.ijkCentroid[2]));

    const layer = study.labels.layers[0];
    const labelId = lesion.labelId;
    let outline = 0;
    for (let y = 0; y < nj * ppvY; y++)
      for (let x = 0; x < d.width; x++) {
        if (!isOutline(d, x, y)) continue;
        outline++;
        const i = c.iReversed ? ni - 1 - Math.floor(x / ppvX) : Math.floor(x / ppvX);
        const j = c.jReversed ? nj - 1 - Math.floor(y / ppvY) : Math.floor(y / ppvY);
        expect(i).toBeGreaterThanOrEqual(lesion.ijkBounds.min[0]);
        expect(i).toBeLessThanOrEqual(lesion.ijkBounds.max[0]);
        expect(j).toBeGreaterThanOrEqual(lesion.ijkBounds.min[1]);
        expect(j).toBeLessThanOrEqual(lesion.ijkBounds.max[1]);
        expect(layer[i + ni * (j + nj * w.sliceIndex)]).toBe(labelId);
      }
    expect(outline).toBeGreaterThan(0);
    // The outline is closed around the lesion: every lesion voxel of the slice touching a non-lesion voxel is drawn.
    let boundaryVoxels = 0;
    const inLesion = (i: number, j: number) => i >= 0 && j >= 0 && i < ni && j < nj && layer[i + ni * (j + nj * w.sliceIndex)] === labelId;
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++)
        if (inLesion(i, j) && (!inLesion(i - 1, j) || !inLesion(i + 1, j) || !inLesion(i, j - 1) || !inLesion(i, j + 1))) boundaryVoxels++;
    expect(outline).toBe(boundaryVoxels * ppvX * ppvY);
  });

  it('shows the patient right on the image left and anterior up, and the CT in W400/L40', async () => {
    const liver = decodePng(new Uint8Array(await readFile(written.find((x) => x.findingId === 'liver_lesion-1')!.path)));
    const imageRows = liver.height - SCALE_STRIP_PX;
    // The hepatic lesion sits in the right lobe (segment 7, patient right, posterior): image left half, lower half.
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let y = 0; y < imageRows; y++)
      for (let x = 0; x < liver.width; x++)
        if (isOutline(liver, x, y)) {
          sx += x;
          sy += y;
          n++;
        }
    expect(sx / n).toBeLessThan(liver.width / 2);
    expect(sy / n).toBeGreaterThan(imageRows / 2);
    // Grey level of a display pixel = clamp((HU - (40 - 200)) / 400) x 255 for the voxel it shows.
    const meta = JSON.parse(liver.text.Comment);
    const [ni, nj] = study.ct.grid.dims;
    const k = meta.geometry.sliceIndex;
    for (const [x, y] of [[5, 5], [Math.floor(liver.width / 2), Math.floor(imageRows / 2)], [liver.width - 3, imageRows - 3]]) {
      const i = c.iReversed ? ni - 1 - Math.floor(x / meta.geometry.pixelsPerVoxel[0]) : Math.floor(x / meta.geometry.pixelsPerVoxel[0]);
      const j = c.jReversed ? nj - 1 - Math.floor(y / meta.geometry.pixelsPerVoxel[1]) : Math.floor(y / meta.geometry.pixelsPerVoxel[1]);
      const hu = study.ct.data[i + ni * (j + nj * k)];
      const grey = Math.round(Math.min(1, Math.max(0, (hu + 160) / 400)) * 255);
      expect(liver.rgb[(y * liver.width + x) * 3]).toBe(grey);
    }
  });

  it('draws a 50 mm scale bar whose length in pixels x pixel size is 50 mm', async () => {
    const d = decodePng(new Uint8Array(await readFile(written[0].path)));
    const meta = JSON.parse(d.text.Comment);
    const row = d.height - SCALE_STRIP_PX + 12;
    let white = 0;
    for (let x = 0; x < d.width; x++) if (d.rgb[(row * d.width + x) * 3] === 255 && d.rgb[(row * d.width + x) * 3 + 2] === 255) white++;
    // 300 mm field of view -> the 50 mm bar; 2 mm voxels.
    expect(meta.scaleBarMm).toBe(50);
    expect(white * meta.geometry.pixelSizeMm[0]).toBeCloseTo(50, 6);
  });
});
