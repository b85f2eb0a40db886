import { describe, expect, it } from 'vitest';
import { isGroundctError } from '../errors.ts';
import { resolveManifest } from './manifest.ts';

describe('manifest', () => {
  const raw = {
    name: 't',
    dataDir: '../data',
    cases: [
      { id: 'a', reference: { ct: '${GROUNDCT_DATA}/ct.nii.gz', masks: ['masks/seg.nii.gz'] }, candidates: [{ id: 'r', path: 'reports/a.md' }] },
      { id: 'b', reference: { phantom: 'abdomen' }, lesionsComplete: true, candidates: [{ id: 'g', generate: 'groundct' }] },
    ],
  };

  it('resolves paths against the manifest folder and ${GROUNDCT_DATA} against dataDir or the given folder', () => {
    const m = resolveManifest(raw, '/x/eval/m.json');
    expect(m.dataDir).toBe('/x/data');
    const a = m.manifest.cases[0]!;
    expect(a.reference).toEqual({ ct: '/x/data/ct.nii.gz', masks: ['/x/eval/masks/seg.nii.gz'] });
    expect(a.candidates[0]).toEqual({ id: 'r', path: '/x/eval/reports/a.md' });
    expect(a.lesionsComplete).toBe(false);
    expect(resolveManifest(raw, '/x/eval/m.json', { dataDir: '/shared' }).manifest.cases[0]!.reference).toMatchObject({ ct: '/shared/ct.nii.gz' });
  });

  it('rejects unknown fields, bad presets and duplicate ids with GCT_EVAL_MANIFEST_INVALID listing the fields', () => {
    const bad = (x: unknown) => {
      try {
        resolveManifest(x, '/m.json');
      } catch (e) {
        expect(isGroundctError(e) && e.code).toBe('GCT_EVAL_MANIFEST_INVALID');
        return (e as Error).message;
      }
      throw new Error('expected a throw');
    };
    expect(bad({ cases: [{ id: 'a', reference: { phantom: 'liver' }, candidates: [{ id: 'g', generate: 'groundct' }] }] })).toMatch(/cases\.0\.reference/);
    expect(bad({ cases: [] })).toMatch(/cases/);
    expect(bad({ ...raw, cases: [raw.cases[1], raw.cases[1]] })).toMatch(/case id 'b' occurs twice/);
  });
});
