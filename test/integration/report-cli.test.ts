import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNifti } from '../../src/volume/index.ts';
import { abdomenPreset, generateStudy, writeStudy } from '../../src/phantom/index.ts';
import { ReportSchema } from '../../src/report/index.ts';
import { dataPath, HAS_SHARED_DATA } from '../helpers/data.ts';
import { groundct } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'gct-report-'));
const study = generateStudy(abdomenPreset());
beforeAll(async () => {
  await writeStudy(study, join(work, 'study'), { formats: ['nifti'] });
});

describe('groundct report on a synthetic study (NIfTI CT + two mask sets)', () => {
  it('writes a schema-valid, fully grounded report with every planted finding', async () => {
    const s = (f: string) => join(work, 'study', f);
    const out = join(work, 'report');
    const r = await groundct('report', s('ct.nii.gz'), '--masks', s('labels.nii.gz'), '--label-map', s('labels.json'), '--masks', s('labels-subsegments.nii.gz'), '--label-map', s('labels-subsegments.json'), '--phase', 'non-contrast', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    for (const sentence of report.sentences) {
      expect(sentence.evidence!.length, sentence.text).toBeGreaterThan(0);
      expect(sentence.citations!.length, sentence.text).toBeGreaterThan(0);
      expect(md).toContain(sentence.text);
    }
    // Planted: 2.1 cm hypoattenuating lesion in Couinaud 7, pancreatic head mass encasing the SMA (T4), left renal cyst, enlarged spleen.
    expect(md).toMatch(/hypoattenuating lesion in Couinaud segment 7/);
    expect(md).toMatch(/pancreatic head.*encasing the superior mesenteric artery/);
    expect(md).toMatch(/T4/);
    expect(md).toMatch(/cyst in the left kidney/);
    expect(md).toMatch(/The spleen is enlarged/);
    const liverLesion = report.lesions.find((l) => l.organ === 'liver')!;
    const truth = study.truth.lesions.find((l) => l.organ === 'liver')!;
    expect(liverLesion.volumeMl).toBeCloseTo(truth.volumeMl, 6);
    // The lesion sentence's evidence is the lesion component (its bounding box holds the truth centroid).
    const lesionSentence = report.sentences.find((x) => x.text.includes('Couinaud segment 7') && x.section === 'findings')!;
    const component = lesionSentence.evidence!.find((e) => e.componentId === liverLesion.id)!;
    for (let d = 0; d < 3; d++) {
      expect(truth.rasCentroid[d]).toBeGreaterThanOrEqual(component.rasBounds!.min[d] - 1e-6);
      expect(truth.rasCentroid[d]).toBeLessThanOrEqual(component.rasBounds!.max[d] + 1e-6);
    }
  });

  it('--fhir --validate-fhir writes a Bundle that passed the official R4 checks', async () => {
    const s = (f: string) => join(work, 'study', f);
    const out = join(work, 'report-fhir');
    const r = await groundct('report', s('ct.nii.gz'), '--masks', s('labels.nii.gz'), '--label-map', s('labels.json'), '--phase', 'non-contrast', '--fhir', '--validate-fhir', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(join(out, 'fhir.json'), 'utf8'));
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Observation').length).toBeGreaterThan(5);
  });

  it('an empty mask set gives a report that says nothing could be assessed', async () => {
    const empty = join(work, 'empty.nii.gz');
    await writeNifti(empty, { grid: study.ct.grid, data: new Uint8Array(study.ct.data.length) });
    writeFileSync(join(work, 'empty.json'), '{"1": "liver"}');
    const out = join(work, 'report-empty');
    const r = await groundct('report', join(work, 'study', 'ct.nii.gz'), '--masks', empty, '--label-map', join(work, 'empty.json'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/could be assessed|not in the scanned field/i);
  });

  it('masks without a CT are refused with their own code, and nothing is written', async () => {
    const out = join(work, 'report-bad');
    const r = await groundct('report', '--masks', join(work, 'study', 'labels.nii.gz'), '--out', out);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('GCT_MASKS_WITHOUT_CT');
    expect(existsSync(out)).toBe(false);
  });

  it('a label map with names the catalogue does not know keeps and reports them', async () => {
    writeFileSync(join(work, 'odd.json'), JSON.stringify(Object.fromEntries(study.labels.labels.filter((l) => l.layer === 0).map((l) => [String(l.id), l.name === 'gallbladder' ? 'mystery_structure' : l.name]))));
    const out = join(work, 'report-odd');
    const r = await groundct('report', join(work, 'study', 'ct.nii.gz'), '--masks', join(work, 'study', 'labels.nii.gz'), '--label-map', join(work, 'odd.json'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(JSON.stringify(report.findings)).toContain('mystery_structure');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('mystery_structure');
  });
});

describe.skipIf(!HAS_SHARED_DATA)('groundct report without masks (the built-in segmenter runs first)', () => {
  it('reports the lungs the default segmenter finds, cut by the scan, with evidence and citations', async () => {
    const out = join(work, 'report-nomasks');
    const r = await groundct('report', dataPath('totalseg/example_ct_sm.nii.gz'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    const lungSentences = report.sentences.filter((s) => /left lung|right lung/.test(s.text));
    expect(lungSentences.length).toBeGreaterThanOrEqual(2);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/left lung is only partially imaged/);
    for (const s of report.sentences) {
      expect(s.evidence!.length).toBeGreaterThan(0);
      expect(s.citations!.length).toBeGreaterThan(0);
    }
    // The lung evidence is on the patient's side the sentence names (RAS x: + is right).
    const left = report.sentences.find((s) => s.section === 'findings' && s.text.includes('left lung'))!;
    const right = report.sentences.find((s) => s.section === 'findings' && s.text.includes('right lung'))!;
    expect(left.evidence![0].rasCentroid![0]).toBeLessThan(right.evidence![0].rasCentroid![0]);
  });
});
