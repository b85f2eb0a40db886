import { beforeAll, describe, expect, it } from 'vitest';
import { structureOrNull } from '../../src/anatomy/index.ts';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy, type Measurements } from '../../src/measure/index.ts';
import { buildReport, loadTemplates, renderMarkdown, ReportSchema, volumeText, type Report } from '../../src/report/index.ts';
import { readMasks, readVolume } from '../../src/volume/index.ts';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON } from '../helpers/data.ts';

/**
 * TotalSegmentator's example slab (30 slices of the upper abdomen) with its 41-class segmentation, read through
 * the total-task label map: the report must list every structure present, carry the measured liver and spleen
 * volumes unchanged, and call organs cut by the scan border partially imaged (never sizing them).
 */
describe.skipIf(!HAS_SHARED_DATA)(`report on totalseg example_ct_sm + example_seg${HAS_SHARED_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  let m: Measurements;
  let r: Report;
  beforeAll(async () => {
    const config = defaultConfig();
    const ct = await readVolume(dataPath('totalseg/example_ct_sm.nii.gz'), config.volume);
    const labels = await readMasks(dataPath('totalseg/example_seg.nii.gz'), config.volume, {
      labelMapPath: dataPath('totalseg/label_map_total_v2.json'),
      reference: ct.grid,
    });
    m = measureStudy(ct, labels, { measure: config.measure, provenance: { ct: 'totalseg/example_ct_sm.nii.gz', masks: 'totalseg/example_seg.nii.gz' } });
    const [kb, templates] = await Promise.all([loadKnowledgeBase(), loadTemplates()]);
    r = buildReport(m, deriveFindings(m, kb), { templates });
  }, 120_000);

  it('is a valid, fully grounded report', () => {
    expect(ReportSchema.parse(r)).toEqual(r);
    const ids = new Set(r.findings.map((f) => f.id));
    for (const s of r.sentences) {
      expect(s.findingIds.length).toBeGreaterThan(0);
      for (const id of s.findingIds) expect(ids.has(id)).toBe(true);
    }
    expect(renderMarkdown(r)).toContain('## IMPRESSION');
  });

  it('every structure present appears, with its measured volume; every present organ is named in FINDINGS', () => {
    const present = m.structures.filter((s) => s.present);
    expect(present.length).toBeGreaterThan(20);
    for (const s of present) {
      const row = r.structures.find((x) => x.labelId === s.labelId)!;
      expect(row, s.sourceName).toBeDefined();
      expect(row.volumeMl).toBe(s.volumeMl);
      expect(row.complete).toBe(!s.partiallyImaged);
    }
    const findingsText = r.sentences.filter((x) => x.section === 'findings').map((x) => x.text).join(' ');
    for (const s of present.filter((x) => x.name !== null && structureOrNull(x.name)?.kind === 'organ')) {
      expect(findingsText, s.name!).toContain(structureOrNull(s.name!)!.displayName);
    }
  });

  it('liver and spleen volumes in the report equal the measured values', () => {
    for (const name of ['liver', 'spleen']) {
      const s = m.structures.find((x) => x.name === name)!;
      expect(s.present).toBe(true);
      expect(r.structures.find((x) => x.name === name)!.volumeMl).toBe(s.volumeMl);
      const size = r.findings.find((f) => f.id === `${name}.size`);
      if (size !== undefined) {
        // A complete organ: its size sentence shows the measured volume, as formatted.
        expect(size.values.volumeMl).toBe(s.volumeMl);
        expect(r.sentences.find((x) => x.findingIds.includes(size.id))!.text).toContain(volumeText(s.volumeMl));
      }
    }
  });

  it('organs cut by the scan border are called partially imaged and are not sized', () => {
    const cut = m.structures.filter((s) => s.present && s.partiallyImaged && s.name !== null && ['organ', 'organ_part'].includes(structureOrNull(s.name)?.kind ?? ''));
    expect(cut.length).toBeGreaterThan(0);
    for (const s of cut) {
      const f = r.findings.find((x) => x.id === `${s.name}.partial`)!;
      expect(f, s.name!).toBeDefined();
      expect(r.findings.some((x) => x.id === `${s.name}.size` || x.id === `${s.name}.normal`)).toBe(false);
      const sentence = r.sentences.find((x) => x.section === 'findings' && x.findingIds.includes(f.id))!;
      expect(sentence.text).toMatch(/only partially imaged/i);
      expect(sentence.group).toBe('study');
      expect(sentence.text).not.toContain(' mL');
    }
  });

  it('a NIfTI states no phase; it is estimated native from the blood pools (TotalSegmentator predicts native for this scan), so steatosis is assessed', () => {
    expect(m.study.phase).toBe('unknown');
    expect(r.study.phase).toBe('non-contrast');
    expect(r.study.phaseSource).toBe('estimated');
    expect(r.study.phaseConfidence!).toBeGreaterThanOrEqual(0.8);
    const phase = r.findings.find((f) => f.id === 'study.contrast_phase')!;
    // The aorta and portal vein medians are those of unenhanced blood (TotalSegmentator's statistics: ~40 HU).
    expect(phase.values.arterialHuMedian).toBeLessThan(60);
    expect(phase.values.venousHuMedian).toBeLessThan(60);
    expect(r.sentences.find((s) => s.findingIds.includes(phase.id))!.text).toMatch(/^The contrast phase is estimated as native \(non-contrast\)/);
    expect(r.findings.find((f) => f.id === 'liver.steatosis')?.attributes.phaseSource).toBe('estimated');
    expect(r.findings.some((f) => f.type === 'phase_unknown')).toBe(false);
  });
});
