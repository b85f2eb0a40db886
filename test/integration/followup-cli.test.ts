import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { axisAngleRotation, FollowupSchema, rigidMatrix, type Followup } from '../../src/followup/index.ts';
import { generateStudy, reorientArray, reorientGrid, writeStudy, type Orientation } from '../../src/phantom/index.ts';
import { ReportSchema } from '../../src/report/index.ts';
import { applyMat4, invertMat4, multiplyMat4, readMasks, readVolume, writeDicomSeries, writeNifti, type Grid } from '../../src/volume/index.ts';
import { groundct } from '../helpers/cli.ts';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON } from '../helpers/data.ts';

/**
 * groundct report --prior and groundct compare end to end. The real case: STS_002 (thigh sarcoma, expert tumour
 * mask, no other label) paired with a copy made here, at test time and in a temp folder (never in the
 * repository): stored in another axis order, moved rigidly, its tumour mask shrunk or grown by a known factor
 * about its centroid. With only a tumour mask the studies share no labelled structure, so they are aligned on
 * the bone surface of the CTs. Then the bad inputs: another patient, another body region, an old folder.
 */

const work = mkdtempSync(join(tmpdir(), 'gct-followup-cli-'));
const config = defaultConfig();
const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

/** The copy's storage order and the move of the patient (7 degrees about a tilted axis, then -18, 9, 31 mm). */
const ORIENTATION: Orientation = { permutation: [1, 2, 0], flips: [false, true, true] };
const MOVE = rigidMatrix(axisAngleRotation([1, -0.4, 0.3], 7), [-18, 9, 31]);

/** Writes STS_002 as a moved, reoriented copy whose tumour is scaled by `factor` about its centroid (RAS). */
async function stsCopy(factor: number, dir: string): Promise<void> {
  const ct = await readVolume(dataPath('sts/STS_002/image/image.nii.gz'), config.volume);
  const mask = (await readMasks(dataPath('sts/STS_002/mask/mask.nii.gz'), config.volume, { reference: ct.grid })).layers[0];
  const g = ct.grid;
  const [ni, nj, nk] = g.dims;
  const centre = [0, 0, 0];
  let n = 0;
  for (let idx = 0; idx < mask.length; idx++) {
    if (mask[idx] === 0) continue;
    const i = idx % ni;
    const j = ((idx - i) / ni) % nj;
    const p = applyMat4(g.ijkToRas, [i, j, (idx - i - j * ni) / (ni * nj)]);
    for (let a = 0; a < 3; a++) centre[a] += p[a];
    n++;
  }
  for (let a = 0; a < 3; a++) centre[a] /= n;
  // Voxel v of the scaled mask is set when its pre-image centre + (v - centre) / factor lies in the expert mask.
  const rasToIjk = invertMat4(g.ijkToRas);
  const scaled = new Uint8Array(mask.length);
  for (let k = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++) {
        const p = applyMat4(g.ijkToRas, [i, j, k]);
        const s = applyMat4(rasToIjk, [0, 1, 2].map((a) => centre[a] + (p[a] - centre[a]) / factor) as unknown as [number, number, number]).map(Math.round);
        if (s.every((v, a) => v >= 0 && v < g.dims[a]) && mask[s[0] + ni * (s[1] + nj * s[2])] !== 0) scaled[i + ni * (j + nj * k)] = 1;
      }
  const grid = reorientGrid(g, ORIENTATION);
  const placed: Grid = { dims: grid.dims, ijkToRas: multiplyMat4(MOVE, grid.ijkToRas) };
  await mkdir(dir, { recursive: true });
  await writeNifti(join(dir, 'image.nii.gz'), { grid: placed, data: reorientArray(ct.data, g, ORIENTATION) });
  await writeNifti(join(dir, 'mask.nii.gz'), { grid: placed, data: reorientArray(scaled, g, ORIENTATION) });
}

const tumourMap = join(work, 'tumour.json');

describe.skipIf(!HAS_SHARED_DATA)(`STS_002 with a moved, reoriented, shrunk / grown copy${HAS_SHARED_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const prior = join(work, 'sts-prior');
  beforeAll(async () => {
    await writeFile(tumourMap, '{"1": "tumour"}');
    await Promise.all([stsCopy(0.6, join(work, 'shrunk')), stsCopy(1.3, join(work, 'grown'))]);
    const r = await groundct('report', dataPath('sts/STS_002/image/image.nii.gz'), '--masks', dataPath('sts/STS_002/mask/mask.nii.gz'), '--label-map', tumourMap, '--study-date', '2025-11-03', '--out', prior);
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  it('the report folder holds the label volumes, the study identity and the bone surface', () => {
    const study = read(prior, 'study.json');
    expect(study).toMatchObject({ kind: 'study', folderSchemaVersion: 2, studyDate: '2025-11-03', labels: { table: 'masks.labels.json', layers: [0] } });
    expect(study.boneSurface.points).toBeGreaterThan(1000);
    expect(read(prior, 'masks.labels.json')).toEqual({ layers: 1, labels: [{ id: 1, name: 'tumour', layer: 0 }] });
    expect(existsSync(join(prior, 'masks-0.nii.gz'))).toBe(true);
  });

  it('groundct compare: aligned on the bone surface, the tumour matched, 0.6 x its long axis: partial response', async () => {
    const current = join(work, 'sts-shrunk');
    const r1 = await groundct('report', join(work, 'shrunk', 'image.nii.gz'), '--masks', join(work, 'shrunk', 'mask.nii.gz'), '--label-map', tumourMap, '--study-date', '2026-02-10', '--out', current);
    expect(r1.code, r1.stderr).toBe(0);
    const out = join(work, 'sts-compare');
    const r = await groundct('compare', prior, current, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/aligned by bone-surface-icp .* 1 matched, 0 new, 0 disappeared.* RECIST 1\.1 PR/);
    const f: Followup = FollowupSchema.parse(read(out, 'followup.json'));
    const a = f.comparisons[0].alignment;
    expect(a.method).toBe('bone-surface-icp');
    expect(a.residualMm).toBeLessThan(0.98); // the CT's in-plane voxel
    for (let n = 0; n < 12; n++) expect(Math.abs(a.earlierToLater[n] - MOVE[n])).toBeLessThan(n % 4 === 3 ? 0.5 : 0.005);
    expect(f.comparisons[0].matches).toEqual([expect.objectContaining({ kind: 'matched', earlierLesionIds: ['tumour-1'], laterLesionIds: ['tumour-1'], overlapFraction: 1 })]);
    const change = f.comparisons[0].lesionChanges[0];
    expect(change.laterMm / change.earlierMm).toBeCloseTo(0.6, 1);
    expect(f.recist.overallResponse).toBe('PR');
    // The output is a complete report folder of the current study, with the change worded and grounded on both grids.
    const report = ReportSchema.parse(read(out, 'report.json'));
    const sentence = report.sentences.find((s) => s.findingIds.includes('change.tumour-1'))!;
    expect(sentence.text).toMatch(/^The tumour on the (left|right) side, outside the segmented organs has decreased from 5\.5 to 3\.3 cm in long axis/);
    expect(new Set(sentence.evidence!.map((e) => e.study ?? 'current'))).toEqual(new Set(['current', 'prior-1']));
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/Partial response by RECIST 1\.1: sum of target diameters 3\d\.\d mm, -40\.\d %/);
    expect(read(out, 'study.json')).toEqual(read(current, 'study.json'));
  }, 300_000);

  it('groundct ground reads change claims against the comparison folder: the shrinkage and PR grounded, growth contradicted', async () => {
    const text = join(work, 'follow-up-text.txt');
    await writeFile(text, 'The tumour has decreased in size. Partial response according to RECIST 1.1. The tumour has grown since the prior study.\n');
    const r = await groundct('ground', text, '--study', join(work, 'sts-compare'), '--no-retrieval');
    expect(r.code, r.stderr).toBe(0);
    const g = JSON.parse(r.stdout) as { sentences: { text: string; status: string; findingIds: string[]; reason?: string }[] };
    const [shrunk, response, grown] = g.sentences;
    expect(shrunk).toMatchObject({ status: 'grounded' });
    expect(shrunk.findingIds).toContain('change.tumour-1');
    expect(response).toMatchObject({ status: 'grounded' });
    expect(grown).toMatchObject({ status: 'ungrounded', reason: 'contradicts_finding' });
  }, 300_000);

  it('groundct report --prior: the grown copy (1.3 x) is progressive disease', async () => {
    const out = join(work, 'sts-grown');
    const r = await groundct('report', join(work, 'grown', 'image.nii.gz'), '--masks', join(work, 'grown', 'mask.nii.gz'), '--label-map', tumourMap, '--study-date', '2026-02-10', '--prior', prior, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/compared with 1 prior: RECIST 1\.1 PD/);
    const f: Followup = read(out, 'followup.json');
    expect(f.comparisons[0].lesionChanges[0].laterMm / f.comparisons[0].lesionChanges[0].earlierMm).toBeCloseTo(1.3, 1);
    expect(f.recist.targetResponse).toBe('PD');
    expect(read(out, 'findings.json').findings.find((x: { id: string }) => x.id === 'followup.recist').statement).toBe('PD');
  }, 300_000);

  it('a prior of another body region (the abdomen phantom) is refused: no alignment, nothing written', async () => {
    const phantom = join(work, 'phantom');
    await writeStudy(generateStudy({ name: 'abdomen', seed: 5 }), phantom);
    const abdomen = join(work, 'abdomen-report');
    const r1 = await groundct('report', join(phantom, 'ct.nii.gz'), '--masks', join(phantom, 'labels.nii.gz'), '--label-map', join(phantom, 'labels.json'), '--out', abdomen);
    expect(r1.code, r1.stderr).toBe(0);
    const out = join(work, 'never-written');
    const r = await groundct('compare', abdomen, prior, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/GCT_FOLLOWUP_ALIGNMENT_FAILED: Could not align .*landmarks-bone: 0 wholly imaged bones.*bone-surface-icp: /);
    expect(existsSync(out)).toBe(false);
  }, 300_000);
});

describe.skipIf(!HAS_SHARED_DATA)(`another patient's anatomy of the same body region${HAS_SHARED_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  it('two chests of different people (no identity in NIfTI): the bone surfaces do not overlap, alignment refused, nothing written', async () => {
    // The shared whole-chest CT (built-in segmenter) as the current study, TotalSegmentator's cropped pulmonary-report
    // chest as the prior: both chests, different patients, no Frame of Reference UID or patient ID to tell them apart.
    const chest = join(work, 'chest');
    const crop = join(work, 'chest-crop');
    const [a, b] = await Promise.all([
      groundct('report', dataPath('chest/itkelastix_chest_ct.nii.gz'), '--out', chest),
      groundct('report', dataPath('totalseg/pulmonary_report/ct_cropped.nii.gz'), '--out', crop),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const out = join(work, 'chest-followup');
    const r = await groundct('report', dataPath('chest/itkelastix_chest_ct.nii.gz'), '--prior', crop, '--out', out);
    expect(r.code).toBe(1);
    // Rigid ICP finds a transform with a small residual on the few points it keeps, but most of the overlapping bone
    // surface stays far apart: the overlap criterion, not the residual, refuses it.
    const m = /bone-surface-icp: (\d+) % of the overlapping bone-surface points within 4 mm \(needs 50 %\)/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(50);
    expect(r.stderr).toMatch(/GCT_FOLLOWUP_ALIGNMENT_FAILED/);
    expect(existsSync(out)).toBe(false);
  }, 300_000);
});

describe('groundct compare: bad inputs are refused with a coded error and nothing written', () => {
  const phantomDir = join(work, 'dicom-phantoms');
  const folders: Record<string, string> = {};
  beforeAll(async () => {
    // One synthetic patient written twice as DICOM under two patient IDs, and once more under the first ID.
    const study = generateStudy({ name: 'patient', seed: 8, lesions: [{ organ: 'liver', segment: 7, diameterMm: 20 }] });
    await mkdir(phantomDir, { recursive: true });
    await writeStudy(study, join(phantomDir, 'nifti'));
    const series = async (name: string, patientId: string, studyDate: string) => {
      await writeDicomSeries({ grid: study.ct.grid, data: study.ct.data }, join(phantomDir, name), { patientId, studyDate });
      const out = join(work, `report-${name}`);
      const s = (f: string) => join(phantomDir, 'nifti', f);
      const r = await groundct('report', join(phantomDir, name), '--masks', s('labels.nii.gz'), '--label-map', s('labels.json'), '--out', out);
      expect(r.code, r.stderr).toBe(0);
      folders[name] = out;
    };
    await series('a-jan', 'PAT-A', '2026-01-05');
    await series('b-mar', 'PAT-B', '2026-03-02');
    await series('a-mar', 'PAT-A', '2026-03-02');
  }, 300_000);

  it('the patient ID is stored only as a keyed hash', () => {
    const text = readFileSync(join(folders['a-jan'], 'study.json'), 'utf8');
    expect(text).not.toContain('PAT-A');
    expect(JSON.parse(text).patientIdHash.algorithm).toBe('hmac-sha256');
    expect(read(folders['a-jan'], 'study.json').patientIdHash).toEqual(read(folders['a-mar'], 'study.json').patientIdHash);
  });

  it('another patient is refused; --allow-other-patient compares and the report says identity was not checked', async () => {
    const out = join(work, 'other-patient');
    const r = await groundct('compare', folders['a-jan'], folders['b-mar'], '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/GCT_FOLLOWUP_OTHER_PATIENT: .* belongs to another patient/);
    expect(r.stderr).toMatch(/hint: .*--allow-other-patient/);
    expect(existsSync(out)).toBe(false);
    const forced = await groundct('compare', folders['a-jan'], folders['b-mar'], '--out', out, '--allow-other-patient');
    expect(forced.code, forced.stderr).toBe(0);
    expect(read(out, 'followup.json').patientCheck).toBe('not-checked');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/patient identity not checked \(override for anonymised data\)/);
  }, 300_000);

  it('the same patient compares: patient check "same", stable lesion, stable disease', async () => {
    const out = join(work, 'same-patient');
    const r = await groundct('compare', folders['a-jan'], folders['a-mar'], '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const f: Followup = read(out, 'followup.json');
    expect(f.patientCheck).toBe('same');
    expect(f.comparisons[0].lesionChanges.map((c) => c.status)).toEqual(['stable']);
    expect(f.recist.overallResponse).toBe('SD');
  }, 300_000);

  it('a folder of the older schema is refused with a hint to run groundct report again', async () => {
    const old = join(work, 'old-folder');
    await cp(folders['a-jan'], old, { recursive: true });
    for (const f of ['study.json', 'masks-0.nii.gz', 'masks-1.nii.gz', 'masks.labels.json', 'bone-surface.u16']) await rm(join(old, f), { force: true });
    const out = join(work, 'from-old');
    const r = await groundct('compare', old, folders['a-mar'], '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/GCT_FOLLOWUP_FOLDER_OUTDATED: Report folder .* has no study\.json/);
    expect(r.stderr).toMatch(/hint: .*groundct report/);
    expect(existsSync(out)).toBe(false);
    const viaReport = await groundct('report', join(phantomDir, 'a-mar'), '--prior', old, '--out', out);
    expect(viaReport.code).toBe(1);
    expect(viaReport.stderr).toMatch(/GCT_FOLLOWUP_FOLDER_OUTDATED/);
    expect(existsSync(out)).toBe(false);
  }, 300_000);

  it('a prior dated after the current study, a study given twice and a lone folder are refused', async () => {
    const out = join(work, 'order');
    const later = await groundct('compare', folders['a-mar'], folders['a-jan'], '--out', out);
    expect(later.code).toBe(1);
    expect(later.stderr).toMatch(/GCT_FOLLOWUP_INPUT_INVALID: The prior .* is dated 2026-03-02, after the current study \(2026-01-05\)/);
    const twice = await groundct('compare', folders['a-jan'], folders['a-jan'], '--out', out);
    expect(twice.stderr).toMatch(/GCT_FOLLOWUP_INPUT_INVALID: .* the same study/);
    const lone = await groundct('compare', folders['a-jan'], '--out', out);
    expect(lone.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  }, 300_000);
});
