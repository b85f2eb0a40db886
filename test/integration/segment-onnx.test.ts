/**
 * The ONNX runner against references computed independently in numpy/scipy/nibabel
 * (test/fixtures/segment/generate.py): a fixed 3x3x3 convolution, four CT grids (RAS at the model spacing,
 * LPS finer, PSL anisotropic and permuted, a volume smaller than the patch), with and without mirroring.
 * The label of every voxel must be identical.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { loadOnnxSegmenter, parseModelManifest, type OnnxSegmenter, type SegmentProgress } from '../../src/segment/index.ts';
import { readVolume } from '../../src/volume/index.ts';
import { REPO_ROOT } from '../helpers/data.ts';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/segment');
const CASES = ['ras_model_spacing', 'lps_fine', 'psl_anisotropic', 'ras_small_padded'];
const MODELS = ['tiny-conv', 'tiny-conv-mirror'];
const config = defaultConfig();

describe('ONNX sliding-window segmenter vs the numpy reference', () => {
  const segmenters = new Map<string, OnnxSegmenter>();
  beforeAll(async () => {
    for (const m of MODELS) segmenters.set(m, await loadOnnxSegmenter(join(FIXTURES, m), { threads: 1, batch: 3 }));
  });
  afterAll(async () => {
    for (const s of segmenters.values()) await s.close();
  });

  for (const model of MODELS)
    for (const name of CASES)
      it(`${model} on ${name}: every voxel equals the reference`, async () => {
        const ct = await readVolume(join(FIXTURES, 'cases', `${name}_ct.nii.gz`), config.volume);
        const ref = await readVolume(join(FIXTURES, 'cases', `${name}_${model}_ref.nii.gz`), config.volume);
        const progress: SegmentProgress[] = [];
        const labels = await segmenters.get(model)!.segment(ct, { onProgress: (p) => progress.push(p) });
        expect(labels.grid).toEqual(ct.grid);
        expect(labels.labels.map((l) => [l.id, l.name])).toEqual([[1, 'liver'], [2, 'spleen']]);
        const got = labels.layers[0];
        let differing = 0;
        const counts = [0, 0, 0];
        for (let n = 0; n < got.length; n++) {
          if (got[n] !== ref.data[n]) differing++;
          counts[got[n]]++;
        }
        expect(differing).toBe(0);
        // The reference's own class counts (summary.json) so that an all-background answer cannot pass twice.
        const summary = JSON.parse(readFileSync(join(FIXTURES, 'cases', 'summary.json'), 'utf8')) as Record<string, number[]>;
        expect(counts).toEqual(summary[`${name}/${model}`]);
        const infer = progress.filter((p) => p.step === 'infer');
        expect(infer.at(-1)!.done).toBe(infer.at(-1)!.total);
      });
});

describe('model manifest', () => {
  const good = JSON.parse(readFileSync(join(FIXTURES, 'tiny-conv', 'model.json'), 'utf8')) as Record<string, unknown>;
  it('accepts the fixture manifest and applies defaults', () => {
    const { stepFraction, layout, ...rest } = good;
    void stepFraction; void layout;
    const m = parseModelManifest(rest, 'fixture');
    expect(m.stepFraction).toBe(0.5);
    expect(m.layout).toBe('NCDHW');
  });
  it('lists every bad field at once', () => {
    try {
      parseModelManifest({ ...good, orientation: 'RRS', classes: ['liver', 'not_an_organ'], patchSize: [16, 0, 8] }, 'bad.json');
      expect.unreachable();
    } catch (e) {
      const err = e as { code: string; details: { fields: { field: string }[] } };
      expect(err.code).toBe('GCT_SEGMENT_MANIFEST_INVALID');
      expect([...new Set(err.details.fields.map((f) => f.field))].sort()).toEqual(['classes.0', 'classes.1', 'orientation', 'patchSize.1']);
    }
  });
  it('refuses weights whose SHA-256 differs from the manifest, a missing folder and bad threads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gct-seg-'));
    copyFileSync(join(FIXTURES, 'tiny-conv', 'model.onnx'), join(dir, 'model.onnx'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...good, sha256: '0'.repeat(64) }));
    await expect(loadOnnxSegmenter(dir, { threads: 1 })).rejects.toMatchObject({ code: 'GCT_SEGMENT_MODEL_LOAD_FAILED' });
    rmSync(dir, { recursive: true });
    await expect(loadOnnxSegmenter(join(FIXTURES, 'missing-model'), { threads: 1 })).rejects.toMatchObject({ code: 'GCT_SEGMENT_MODEL_NOT_FOUND' });
    await expect(loadOnnxSegmenter(join(FIXTURES, 'tiny-conv'), { threads: 0 })).rejects.toMatchObject({ code: 'GCT_SEGMENT_OPTION_INVALID' });
  });
});
