import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isGroundctError } from '../errors.ts';
import { generateStudy, normalPreset, writeStudy } from './index.ts';

describe('writeStudy', () => {
  const parent = mkdtempSync(join(tmpdir(), 'groundct-phantom-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));
  // 40 slices of 4 mm, 3 x 3.5 mm pixels: a quick study to write.
  const study = generateStudy(normalPreset({ spacingMm: [3, 3.5, 4], fovMm: [360, 280, 160] }));

  it('writes the NIfTI layout, per-class masks, label maps and the truth, and nothing else', async () => {
    const dir = join(parent, 'normal');
    const written = await writeStudy(study, dir, { perClass: true });
    const top = readdirSync(dir).sort();
    expect(top).toEqual(['ct.nii.gz', 'labels-subsegments.json', 'labels-subsegments.nii.gz', 'labels.json', 'labels.nii.gz', 'segmentations', 'truth.json']);
    expect(readdirSync(join(dir, 'segmentations')).sort()).toEqual(study.labels.labels.map((l) => `${l.name}.nii.gz`).sort());
    expect(written.files).toContain('segmentations/liver.nii.gz');
    const labelsJson = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Record<string, string>;
    expect(labelsJson['5']).toBe('liver');
    expect(labelsJson['1']).toBe('spleen');
    expect(labelsJson['301']).toBeUndefined();
    expect(JSON.parse(readFileSync(join(dir, 'labels-subsegments.json'), 'utf8'))['307']).toBe('liver_segment_7');
    const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
    expect(truth.kind).toBe('phantom-truth');
    expect(truth.structures.find((s: { name: string }) => s.name === 'liver').voxelCount).toBe(
      study.truth.structures.find((s) => s.name === 'liver')!.voxelCount,
    );
    // No temporary folder is left beside the result.
    expect(readdirSync(parent)).toEqual(['normal']);
  });

  it('refuses a non-empty folder unless overwrite is set, leaving nothing behind', async () => {
    const dir = join(parent, 'occupied');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'x');
    let code: string | undefined;
    try {
      await writeStudy(study, dir);
    } catch (e) {
      code = isGroundctError(e) ? e.code : 'other';
    }
    expect(code).toBe('GCT_PHANTOM_WRITE_FAILED');
    expect(readdirSync(dir)).toEqual(['keep.txt']);
    await writeStudy(study, dir, { overwrite: true, formats: [] });
    expect(readdirSync(dir).sort()).toEqual(['labels-subsegments.json', 'labels.json', 'truth.json']);
    expect(readdirSync(parent).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});
