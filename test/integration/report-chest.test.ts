/**
 * `groundct report` on the real chest CT without masks (../shared/data/chest; no labels, one visible lung lesion):
 * the built-in segmenter's lung lesion is stated with its size and side, grounded to its mask, said to come from the
 * built-in detector, and cites the Fleischner and detector passages. Sizes are checked against the review in
 * eval/results/lung-nodules-real.md (the lesion is about 25 mm).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/index.ts';
import { groundct } from '../helpers/cli.ts';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON } from '../helpers/data.ts';

const dir = mkdtempSync(join(tmpdir(), 'gct-report-chest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAS_SHARED_DATA)(`groundct report on the real chest CT without masks${HAS_SHARED_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  it('states the right lung lesion with size and side, found by the built-in detector, grounded to its mask', async () => {
    const out = join(dir, 'report');
    const r = await groundct('report', dataPath('chest/itkelastix_chest_ct.nii.gz'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    // The largest lung lesion: about 26 mm, so a nodule by the Fleischner glossary (a mass is over 3 cm).
    const mass = report.findings.filter((f) => f.type === 'lesion' && f.subject.structure === 'lung_nodule').sort((a, b) => b.values.longAxisMm - a.values.longAxisMm)[0];
    expect(mass).toBeDefined();
    expect(mass.statement).toBe('nodule');
    expect(mass!.subject.side).toBe('right');
    expect(mass!.subject.organ).toBe('lung_right');
    expect(mass!.values.longAxisMm).toBeGreaterThan(20);
    expect(mass!.values.longAxisMm).toBeLessThan(32);
    expect(mass!.attributes.detectedBy).toBe('built-in detector');
    expect(mass!.attributes.composition).toBe('solid');
    expect(mass!.criteria).toEqual(expect.arrayContaining(['fleischner-nodule-vs-mass', 'groundct-builtin-lung-nodule-detector']));
    const sentence = report.sentences.find((s) => s.findingIds.includes(mass!.id) && s.section === 'findings');
    expect(sentence?.text).toMatch(/cm solid nodule in the right lung .*found by the built-in detector with confidence 0\.\d\d, to be confirmed/);
    expect((sentence!.evidence ?? []).some((e) => e.labelName === 'lung_nodule' && (e.voxelCount ?? 0) > 1000)).toBe(true);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('No pleural effusion is segmented.');
  }, 180_000);
});
