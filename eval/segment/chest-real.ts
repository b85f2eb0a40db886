/**
 * The built-in lung steps on the real chest CT (../shared/data/chest/itkelastix_chest_ct.nii.gz, no labels):
 * every blob-like candidate of the nodule detector (accepted or not) with its features, a key image of each (three
 * axial slices 4 mm apart through its centre, lung window, the candidate outlined: yellow accepted, blue rejected;
 * the nodule envelope in red), the report's lung lesions as the measure stage sizes them, and the effusion note.
 * Each candidate's verdict comes from looking at its key image (chest-real-review.json, written by a person, keyed
 * by the candidate's centre); false positives are counted from those verdicts.
 *
 *   npx tsx eval/segment/chest-real.ts
 *
 * Writes eval/results/lung-nodules-real.md and eval/results/lung-nodules-real/*.png.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config.ts';
import { encodePng } from '../../src/interop/index.ts';
import { measureStudy } from '../../src/measure/index.ts';
import { segmentBuiltin } from '../../src/segment/index.ts';
import { ijkOf, readBox } from '../../src/segment/builtin/axial-box.ts';
import { segmentBody } from '../../src/segment/builtin/body.ts';
import { segmentLungsAndAirways } from '../../src/segment/builtin/lungs.ts';
import { axialLayout } from '../../src/segment/builtin/slices.ts';
import { segmentThorax } from '../../src/segment/builtin/thorax.ts';
import { applyMat4, readVolume } from '../../src/volume/index.ts';
import { dataPath, REPO_ROOT } from '../../test/helpers/data.ts';

const CT = 'chest/itkelastix_chest_ct.nii.gz';
const OUT = join(REPO_ROOT, 'eval/results/lung-nodules-real');
const REVIEW = join(REPO_ROOT, 'eval/segment/chest-real-review.json');
/** Candidates smaller than this (equivalent diameter, mm) are listed but get no key image. */
const IMAGE_MIN_DIAMETER_MM = 4;
const CROP_PX = 64;
const ZOOM = 3;

interface Verdict {
  readonly rasMm: readonly number[];
  readonly verdict: 'nodule' | 'mass' | 'vessel' | 'other' | 'unsure';
  readonly note: string;
  /** Seen on the images by the reviewer but not a candidate of the detector. */
  readonly missed?: boolean;
}

const ct = await readVolume(dataPath(CT), defaultConfig().volume);
const layout = axialLayout(ct.grid);
const lungs = segmentLungsAndAirways(ct, segmentBody(ct, layout), layout);
const thorax = segmentThorax(ct, layout, lungs);
const box = thorax.box!;
const n = box.nx * box.ny * box.nz;
const hu = readBox(ct.data, box, new Int16Array(n));
const review: Verdict[] = JSON.parse(readFileSync(REVIEW, 'utf8')) as Verdict[];

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const rows: string[] = [];
const candidates = [...thorax.candidates].sort((a, b) => Number(b.accepted) - Number(a.accepted) || b.features.equivalentDiameterMm - a.features.equivalentDiameterMm);
let falsePositives = 0, truePositives = 0, unreviewed = 0;
candidates.forEach((c, index) => {
  const v = c.centreVoxel;
  const x = v % box.nx, y = Math.floor(v / box.nx) % box.ny, z = Math.floor(v / (box.nx * box.ny));
  const ijk = ijkOf(box, x, y, z);
  const ras = applyMat4(ct.grid.ijkToRas, ijk);
  const verdict = review.find((r) => Math.hypot(r.rasMm[0] - ras[0], r.rasMm[1] - ras[1], r.rasMm[2] - ras[2]) <= 5);
  if (c.accepted) {
    if (!verdict) unreviewed++;
    else if (verdict.verdict === 'nodule' || verdict.verdict === 'mass') truePositives++;
    else falsePositives++;
  }
  let image = '';
  if (c.features.equivalentDiameterMm >= IMAGE_MIN_DIAMETER_MM || c.accepted) {
    image = `candidate-${String(index + 1).padStart(2, '0')}-${c.accepted ? 'accepted' : 'rejected'}.png`;
    writeFileSync(join(OUT, image), keyImage(c.voxels, x, y, z, c.accepted));
  }
  const f = c.features;
  rows.push(`| ${index + 1} | ${c.accepted ? 'yes' : 'no'} | ${ras.map((a) => a.toFixed(0)).join(', ')} | ${ijk[2]} | ${f.equivalentDiameterMm.toFixed(1)} | ${f.radiusMm.toFixed(2)} / ${f.scaleMm} | ${f.coreElongation.toFixed(2)} | ${Number.isFinite(f.persistence) ? f.persistence.toFixed(2) : 'inf'} | ${f.lungContact.toFixed(2)} | ${f.meanHu.toFixed(0)} | ${c.accepted ? c.confidence.toFixed(2) : '-'} | ${verdict ? `${verdict.verdict}: ${verdict.note}` : 'not reviewed'} | ${image ? `[png](lung-nodules-real/${image})` : ''} |`);
});

function keyImage(voxels: Int32Array, cx: number, cy: number, cz: number, accepted: boolean): Uint8Array {
  const inMask = new Set(voxels);
  const stepSlices = Math.max(1, Math.round(4 / box.spacingMm[2]));
  const zs = [cz - stepSlices, cz, cz + stepSlices].filter((z) => z >= 0 && z < box.nz);
  const w = CROP_PX * ZOOM, h = CROP_PX * ZOOM;
  const rgb = new Uint8Array(w * zs.length * h * 3);
  zs.forEach((z, t) => {
    for (let py = 0; py < h; py++)
      for (let px = 0; px < w; px++) {
        const x = cx - CROP_PX / 2 + Math.floor(px / ZOOM), y = cy - CROP_PX / 2 + Math.floor(py / ZOOM);
        const o = (py * w * zs.length + t * w + px) * 3;
        if (x < 0 || y < 0 || x >= box.nx || y >= box.ny) continue;
        const b = x + box.nx * (y + box.ny * z);
        // Lung window: -1350 to 150 HU.
        const g = Math.max(0, Math.min(255, Math.round(((hu[b] + 1350) / 1500) * 255)));
        rgb[o] = rgb[o + 1] = rgb[o + 2] = g;
        const edge = (m: (q: number) => boolean) => m(b) && [b - 1, b + 1, b - box.nx, b + box.nx].some((q) => !m(q));
        if (edge((q) => inMask.has(q))) { rgb[o] = accepted ? 255 : 40; rgb[o + 1] = accepted ? 230 : 140; rgb[o + 2] = accepted ? 0 : 255; }
        else if (edge((q) => thorax.envelopes.some((e) => e[q] === 1))) { rgb[o] = 220; rgb[o + 1] = 40; rgb[o + 2] = 40; }
      }
  });
  return encodePng({ widthPx: w * zs.length, heightPx: h, rgb });
}

// The report's lung lesions, as the measure stage sizes them.
const labels = await segmentBuiltin(ct);
const m = measureStudy(ct, labels, { measure: defaultConfig().measure, provenance: { ct: CT, masks: null } });
const lesions = m.lesions.filter((l) => l.lesionClass === 'lung_nodule').map((l) =>
  `| ${l.id} | ${l.side} | ${l.longAxisMm.toFixed(1)} x ${l.shortAxisMm.toFixed(1)} | ${l.volumeMl.toFixed(2)} | ${l.huMean.toFixed(0)} | ${l.detection?.composition ?? ''} | ${l.detection?.confidence?.toFixed(2) ?? ''} | ${l.pleuraDistanceMm?.toFixed(1) ?? ''} | ${l.rasCentroid.map((a) => a.toFixed(0)).join(', ')} |`);
const accepted = candidates.filter((c) => c.accepted).length;
const md = `# Built-in lung nodule detector on the real chest CT

Date ${new Date().toISOString().slice(0, 10)}; machine ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, shared); command
\`npx tsx eval/segment/chest-real.ts\`. CT: ../shared/data/${CT} (512 x 512 x 141 at 0.98 x 0.98 x 2 mm, no labels; its
README says at least one solid lesion is visible in an upper lobe). Verdicts come from looking at each candidate's key image
(three axial slices 4 mm apart, lung window; yellow outline = accepted, blue = rejected, red = nodule envelope) and are
kept in eval/segment/chest-real-review.json, keyed by the candidate's centre. The reviewer is the engineer who built the
detector, not a radiologist: read the verdicts as a careful first look, and the images are there to check them.

- Accepted: ${accepted} candidate(s); by review ${truePositives} lesion(s), **${falsePositives} false positive(s)**${unreviewed ? `, ${unreviewed} not reviewed` : ''}.
- Blob-like candidates in all (accepted or not): ${candidates.length}. Pleural effusion: ${thorax.notes.find((t) => t.startsWith('pleural effusion'))?.split(': ').slice(-1)[0] ?? 'n/a'}.
- Seen on review of every third slice (lung window, whole lungs) but not found: ${review.filter((r) => r.missed).length}.
${review.filter((r) => r.missed).map((r) => `  - RAS ${r.rasMm.join(', ')} mm: ${r.note}`).join('\n')}

## Candidates

RAS centre in mm; slice = k index; d = diameter of the sphere of the mask's volume; R = largest inscribed radius,
scale = opening radius (mm); E = core elongation; P = persistence; contact = share of the boundary against aerated
lung; HU = mask mean.

| # | accepted | RAS centre mm | slice | d mm | R / scale mm | E | P | contact | HU | confidence | review | key image |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

## Lung lesions in the report (measure stage)

| lesion | side | long x short axis mm | volume mL | mean HU | composition | confidence | distance to pleura mm | RAS centroid mm |
|---|---|---|---|---|---|---|---|---|
${lesions.join('\n')}
`;
writeFileSync(join(REPO_ROOT, 'eval/results/lung-nodules-real.md'), md);
console.log(md);
