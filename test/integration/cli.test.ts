import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPath, HAS_SHARED_DATA } from '../helpers/data.ts';
import { groundct } from '../helpers/cli.ts';

describe.skipIf(!HAS_SHARED_DATA)('groundct info on every case in the shared data', () => {
  // Dims, spacing and HU range as nibabel / pydicom read them (see the reader tests for how they were obtained).
  it.each([
    ['totalseg/example_ct_dicom', [512, 512, 20], [0.976563, 0.976563, 2], 'LPS', [-1024, 1839]],
    ['totalseg/example_ct.nii.gz', [122, 101, 112], [3, 3, 3], 'RAS', [-1207, 3382]],
    ['totalseg/example_ct_sm.nii.gz', [122, 101, 30], [3, 3, 3], 'RAS', [-1100, 1207]],
    ['sts/STS_002/image/image.nii.gz', [161, 143, 48], [0.976562, 0.976562, 3.27], 'LPS', [-1000, 1156]],
    ['sts/STS_002_dicom/image', [161, 143, 48], [0.976562, 0.976562, 3.27], 'LPS', [-1000, 1156]],
    ['dcmqi/ct-3slice', [512, 512, 3], [0.810547, 0.810547, 1], 'LPS', [-3024, 1381]],
    ['pydicom/CT_small.dcm', [128, 128, 1], [0.661468, 0.661468, 5], 'LPS', [-896, 1167]],
    ['pydicom/J2K_pixelrep_mismatch.dcm', [512, 512, 1], [0.431, 0.431, 5], 'LPS', [-2000, 1896]],
  ])('%s', async (path, dims, spacing, orientation, huRange) => {
    const { code, stdout, stderr } = await groundct('info', dataPath(path), '--json');
    expect(code, stderr).toBe(0);
    const info = JSON.parse(stdout);
    expect(info.dims).toEqual(dims);
    info.spacingMm.forEach((s: number, n: number) => expect(s).toBeCloseTo(spacing[n], 3));
    expect(info.orientation).toBe(orientation);
    expect([info.huRange.min, info.huRange.max]).toEqual(huRange);
  });

  it('lists the labels of masks with names and voxel counts (DICOM SEG, per-class folder, multilabel + label map)', async () => {
    const seg = JSON.parse((await groundct('info', dataPath('dcmqi/liver.dcm'), '--json')).stdout);
    expect(seg.labels).toEqual([{ id: 1, name: 'Liver', voxelCount: 107098, volumeMl: expect.closeTo(70.362, 3) }]);
    const folder = JSON.parse((await groundct('info', dataPath('totalseg/example_seg_fast'), '--json')).stdout);
    expect(folder.labels.find((l: { name: string }) => l.name === 'liver').voxelCount).toBe(Math.round(JSON.parse(readFileSync(dataPath('totalseg/example_seg_fast/statistics.json'), 'utf8')).liver.volume / 27));
    const multi = JSON.parse((await groundct('info', dataPath('totalseg/example_seg.nii.gz'), '--json', '--label-map', dataPath('totalseg/label_map_total_v2.json'))).stdout);
    expect(multi.labels).toHaveLength(41);
    expect(multi.labels[0]).toMatchObject({ id: 1, name: 'spleen', voxelCount: 9452 });
  });
});

describe.skipIf(!HAS_SHARED_DATA)('groundct measure', () => {
  it('--format totalseg-statistics reproduces TotalSegmentator statistics.json byte for byte', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gct-')), 'statistics.json');
    const D = (p: string) => dataPath('totalseg', p);
    const { code, stderr } = await groundct('measure', D('example_ct_sm.nii.gz'), '--masks', D('example_seg_fast'), '--label-map', D('label_map_total_v2.json'), '--format', 'totalseg-statistics', '--out', out);
    expect(code, stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(D('example_seg_fast/statistics.json'), 'utf8'));
  });

  it('measures the STS_002 expert tumour mask: about 53 mL, with RECIST diameters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gct-'));
    writeFileSync(join(dir, 'labels.json'), '{"1": "tumour"}');
    const { code, stdout, stderr } = await groundct('measure', dataPath('sts/STS_002/image/image.nii.gz'), '--masks', dataPath('sts/STS_002/mask/mask.nii.gz'), '--label-map', join(dir, 'labels.json'));
    expect(code, stderr).toBe(0);
    const m = JSON.parse(stdout);
    expect(m.lesions).toHaveLength(1);
    // 17090 voxels (nibabel count) x 0.9765625 x 0.9765625 x 3.27 mm (float32 header values).
    expect(m.lesions[0].voxelCount).toBe(17090);
    expect(m.lesions[0].volumeMl).toBeCloseTo(53.295, 2);
    expect(m.lesions[0].longAxisMm).toBeGreaterThan(m.lesions[0].shortAxisMm);
    expect(m.lesions[0].lesionType).toBe('tumour');
  });
});

describe('bad input: a coded error, a non-zero exit, nothing half-written', () => {
  it('a missing file', async () => {
    const r = await groundct('info', '/nonexistent/ct.nii.gz');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GCT_VOLUME_NOT_FOUND');
  });
  it('a file that is no image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gct-'));
    writeFileSync(join(dir, 'notes.txt'), 'not a scan');
    const r = await groundct('info', join(dir, 'notes.txt'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GCT_VOLUME_FORMAT_UNKNOWN');
  });
  it.skipIf(!HAS_SHARED_DATA)('a mask grid that does not fit the CT leaves no output file', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gct-')), 'm.json');
    const r = await groundct('measure', dataPath('totalseg/example_ct_sm.nii.gz'), '--masks', dataPath('sts/STS_002/mask/mask.nii.gz'), '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GCT_VOLUME_GRID_MISMATCH');
    expect(existsSync(out)).toBe(false);
  });
  it('usage errors exit 2', async () => {
    expect((await groundct('measure')).code).toBe(2);
    expect((await groundct('frobnicate')).code).toBe(2);
    expect((await groundct('measure', 'a', '--format', 'csv')).code).toBe(2);
  });
});

describe('groundct demo (the README main job)', () => {
  it('writes the synthetic study as NIfTI and DICOM, reads it back and measures what was planted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gct-demo-'));
    const { code, stdout, stderr } = await groundct('demo', '--out', dir);
    expect(code, stderr).toBe(0);
    expect(existsSync(join(dir, 'study', 'ct.nii.gz'))).toBe(true);
    expect(existsSync(join(dir, 'study', 'ct-dicom'))).toBe(true);
    const m = JSON.parse(readFileSync(join(dir, 'measurements.json'), 'utf8'));
    const truth = JSON.parse(readFileSync(join(dir, 'study', 'truth.json'), 'utf8'));
    expect(m.lesions.map((l: { labelName: string }) => l.labelName).sort()).toEqual(truth.lesions.map((l: { labelName: string }) => l.labelName).sort());
    const liver = m.structures.find((s: { sourceName: string }) => s.sourceName === 'liver');
    expect(liver.voxelCount).toBe(truth.structures.find((s: { name: string }) => s.name === 'liver').voxelCount);
    expect(stdout).toContain('liver_segment_7');
  });
});
