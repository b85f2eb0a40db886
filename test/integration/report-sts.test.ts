import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { deriveFindings } from '../../src/findings/index.ts';
import { loadKnowledgeBase } from '../../src/knowledge/index.ts';
import { measureStudy, type Measurements } from '../../src/measure/index.ts';
import { buildReport, loadTemplates, ReportSchema, sizeText, volumeText, type Report } from '../../src/report/index.ts';
import { readMasks, readVolume } from '../../src/volume/index.ts';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON } from '../helpers/data.ts';

/**
 * STS_002 (TCIA soft-tissue sarcoma, thigh): the expert tumour mask, named through the label map {"1": "tumour"},
 * must be reported with its volume and diameters. Reference: nibabel counts 17090 mask voxels of
 * 0.9766 x 0.9766 x 3.27 mm, 53.295 mL (/usr/bin/python3 with nibabel, voxel count x |det(affine)|).
 */
const REFERENCE_VOXELS = 17090;
const REFERENCE_VOLUME_ML = 53.295;

describe.skipIf(!HAS_SHARED_DATA)(`report on STS_002 image + expert mask${HAS_SHARED_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  let m: Measurements;
  let r: Report;
  beforeAll(async () => {
    const config = defaultConfig();
    const ct = await readVolume(dataPath('sts/STS_002/image/image.nii.gz'), config.volume);
    const labels = await readMasks(dataPath('sts/STS_002/mask/mask.nii.gz'), config.volume, { labelNames: new Map([[1, 'tumour']]), reference: ct.grid });
    m = measureStudy(ct, labels, { measure: config.measure, provenance: { ct: 'sts/STS_002/image', masks: 'sts/STS_002/mask' } });
    const [kb, templates] = await Promise.all([loadKnowledgeBase(), loadTemplates()]);
    r = buildReport(m, deriveFindings(m, kb), { templates });
  }, 120_000);

  it('reports the tumour with its volume and diameters, in FINDINGS and IMPRESSION', () => {
    expect(ReportSchema.parse(r)).toEqual(r);
    expect(m.lesions).toHaveLength(1);
    const l = m.lesions[0];
    expect(l.voxelCount).toBe(REFERENCE_VOXELS);
    expect(l.volumeMl).toBeCloseTo(REFERENCE_VOLUME_ML, 2);

    const f = r.findings.find((x) => x.id === l.id)!;
    expect(f).toMatchObject({ type: 'lesion', statement: 'tumour', subject: { organ: null, side: l.side } });
    expect(f.values).toMatchObject({ volumeMl: l.volumeMl, longAxisMm: l.longAxisMm, shortAxisMm: l.shortAxisMm, max3dDiameterMm: l.max3dDiameterMm });
    expect(r.lesions).toEqual([expect.objectContaining({ id: l.id, volumeMl: l.volumeMl, longAxisMm: l.longAxisMm, shortAxisMm: l.shortAxisMm, findingId: f.id })]);

    const size = sizeText(l.longAxisMm, l.shortAxisMm);
    const findingsSentence = r.sentences.find((s) => s.section === 'findings' && s.findingIds.includes(f.id))!;
    expect(findingsSentence.text).toContain(size);
    expect(findingsSentence.text).toContain(`volume ${volumeText(l.volumeMl)}`);
    expect(findingsSentence.text).toContain('53 mL');
    expect(r.sentences.find((s) => s.section === 'impression' && s.findingIds.includes(f.id))!.text).toContain(size);
  });
});
