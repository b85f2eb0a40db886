import { describe, expect, it } from 'vitest';
import { ALIASES, allStructures, nameKey, normaliseName, structureOrNull, type LesionType, type MatchedBy } from './index.ts';

type Row = readonly [raw: string, canonical: string | null, matchedBy: MatchedBy, lesionType?: LesionType];

/** Names as label maps, RT structure sets, datasets and radiologists write them. */
const TABLE: readonly Row[] = [
  // sides
  ['Lung-Left', 'lung_left', 'exact'],
  ['Lung_L', 'lung_left', 'pattern'],
  ['Lung_R', 'lung_right', 'pattern'],
  ['left lung', 'lung_left', 'pattern'],
  ['L kidney', 'kidney_left', 'pattern'],
  ['Kidney (L)', 'kidney_left', 'pattern'],
  ['kidney_l', 'kidney_left', 'pattern'],
  ['Kidney_R', 'kidney_right', 'pattern'],
  ['rt kidney', 'kidney_right', 'pattern'],
  ['LeftKidney', 'kidney_left', 'pattern'],
  ['KIDNEY LEFT', 'kidney_left', 'exact'],
  ['Glnd_Adrenal_L', 'adrenal_gland_left', 'pattern'],
  ['left clavicle', 'clavicula_left', 'pattern'],
  ['Femur_R', 'femur_right', 'pattern'],
  ['left upper lobe', 'lung_upper_lobe_left', 'pattern'],
  ['RUL', 'lung_upper_lobe_right', 'alias'],
  ['RML', 'lung_middle_lobe_right', 'alias'],
  ['LLL', 'lung_lower_lobe_left', 'alias'],
  ['Lungs', 'lung', 'alias'],
  ['Lung_Total', 'lung', 'pattern'],
  ['kidney', 'kidneys', 'alias'],
  // organs and other names
  ['SpinalCord', 'spinal_cord', 'exact'],
  ['Spinal_Cord', 'spinal_cord', 'exact'],
  ['Esophagus', 'esophagus', 'exact'],
  ['oesophagus', 'esophagus', 'alias'],
  ['liver', 'liver', 'exact'],
  ['Liver_mask', 'liver', 'pattern'],
  ['gall_bladder', 'gallbladder', 'exact'],
  ['Bowel_Small', 'small_bowel', 'alias'],
  ['Bladder', 'urinary_bladder', 'alias'],
  ['Glnd_Thyroid', 'thyroid_gland', 'alias'],
  ['External', 'body', 'alias'],
  ['spine', 'vertebral_column', 'alias'],
  ['head of pancreas', 'pancreas_head', 'alias'],
  ['Pancreas_Tail', 'pancreas_tail', 'exact'],
  // vessels
  ['IVC', 'inferior_vena_cava', 'alias'],
  ['postcava', 'inferior_vena_cava', 'alias'],
  ['SMA', 'superior_mesenteric_artery', 'alias'],
  ['SMV', 'superior_mesenteric_vein', 'alias'],
  ['aorta', 'aorta', 'exact'],
  ['portal vein', 'portal_vein_and_splenic_vein', 'alias'],
  ['coeliac axis', 'celiac_trunk', 'alias'],
  ['hepatic_vessel', 'liver_vessels', 'alias'],
  // vertebrae and ribs
  ['L1', 'vertebrae_L1', 'pattern'],
  ['L5', 'vertebrae_L5', 'pattern'],
  ['T1', 'vertebrae_T1', 'pattern'],
  ['T12', 'vertebrae_T12', 'pattern'],
  ['Th12', 'vertebrae_T12', 'pattern'],
  ['C1', 'vertebrae_C1', 'pattern'],
  ['C7', 'vertebrae_C7', 'pattern'],
  ['L3 vertebra', 'vertebrae_L3', 'pattern'],
  ['vertebra S1', 'vertebrae_S1', 'pattern'],
  ['C8', null, 'none'],
  ['Rib_L5', 'rib_left_5', 'pattern'],
  ['right 12th rib', 'rib_right_12', 'pattern'],
  // Couinaud segments
  ['Segment VII', 'liver_segment_7', 'pattern'],
  ['liver segment 7', 'liver_segment_7', 'exact'],
  ['S7', 'liver_segment_7', 'pattern'],
  ['couinaud 7', 'liver_segment_7', 'pattern'],
  ['segment 4a', 'liver_segment_4', 'pattern'],
  ['Couinaud segment IVb', 'liver_segment_4', 'pattern'],
  // lesions
  ['GTV-1', 'lesion', 'pattern', 'tumour'],
  ['GTV_Mass', 'lesion', 'pattern', 'mass'],
  ['GTV', 'lesion', 'pattern', 'tumour'],
  ['GTVp', 'lesion', 'pattern', 'tumour'],
  ['GTVn', 'lymph_node', 'pattern', 'metastasis'],
  ['GTV_Liver', 'liver_lesion', 'pattern', 'tumour'],
  ['tumor', 'lesion', 'pattern', 'tumour'],
  ['tumour', 'lesion', 'pattern', 'tumour'],
  ['mass', 'lesion', 'pattern', 'mass'],
  ['nodule', 'lesion', 'pattern', 'nodule'],
  ['cyst', 'lesion', 'pattern', 'cyst'],
  ['metastasis', 'lesion', 'pattern', 'metastasis'],
  ['mets', 'lesion', 'pattern', 'metastasis'],
  ['lesion', 'lesion', 'exact', 'lesion'],
  ['cancer', 'lesion', 'pattern', 'tumour'],
  ['liver tumor', 'liver_lesion', 'pattern', 'tumour'],
  ['hepatic lesion', 'liver_lesion', 'pattern', 'lesion'],
  ['liver mets', 'liver_lesion', 'pattern', 'metastasis'],
  ['liver_lesion_2', 'liver_lesion', 'pattern', 'lesion'],
  ['liver_tumor', 'liver_lesion', 'pattern', 'tumour'],
  ['liver_lesions', 'liver_lesion', 'alias', 'lesion'],
  ['pancreatic tumour', 'pancreas_lesion', 'pattern', 'tumour'],
  ['PDAC', 'pancreas_lesion', 'pattern', 'tumour'],
  ['HCC', 'liver_lesion', 'pattern', 'tumour'],
  ['renal cyst', 'kidney_cyst', 'pattern', 'cyst'],
  ['left renal cyst', 'kidney_cyst_left', 'pattern', 'cyst'],
  ['kidney_cyst_right', 'kidney_cyst_right', 'exact', 'cyst'],
  ['kidney tumor', 'kidney_lesion', 'pattern', 'tumour'],
  ['right kidney tumour', 'kidney_lesion_right', 'pattern', 'tumour'],
  ['lung_nodules', 'lung_nodule', 'alias', 'nodule'],
  ['pulmonary nodule', 'lung_nodule', 'pattern', 'nodule'],
  ['bone metastasis', 'bone_lesion', 'pattern', 'metastasis'],
  ['lymph node metastasis', 'lymph_node', 'pattern', 'metastasis'],
  // nodes and fluid
  ['lymph nodes', 'lymph_node', 'alias'],
  ['free fluid', 'ascites', 'alias'],
  ['ascites', 'ascites', 'exact'],
];

describe('normaliseName: alias table', () => {
  it('has at least 60 rows', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
  });

  it.each(TABLE)('%s -> %s (%s)', (...row) => {
    const [raw, canonical, matchedBy, lesionType] = row as unknown as Row;
    const r = normaliseName(raw);
    expect(r.raw).toBe(raw);
    expect(r.canonical).toBe(canonical);
    expect(r.matchedBy).toBe(matchedBy);
    if (lesionType !== undefined) expect(r.lesionType).toBe(lesionType);
    if (canonical !== null) expect(structureOrNull(canonical)).not.toBeNull();
  });
});

describe('normaliseName: datasets', () => {
  // MSD Task03 Liver / LiTS, KiTS21, MSD Task07 Pancreas label names: organ + lesion words.
  it.each([
    [['liver', 'tumor'], ['liver', 'lesion']],
    [['kidney', 'tumor', 'cyst'], ['kidneys', 'lesion', 'lesion']],
    [['pancreas', 'cancer'], ['pancreas', 'lesion']],
    [['aorta', 'gall_bladder', 'kidney_left', 'postcava', 'spleen', 'stomach'], ['aorta', 'gallbladder', 'kidney_left', 'inferior_vena_cava', 'spleen', 'stomach']],
  ])('%j -> %j', (raws, canonicals) => {
    expect(raws.map((r) => normaliseName(r).canonical)).toEqual(canonicals);
  });
});

describe('normaliseName: unknown, ambiguous and deliberately unmatched names are kept', () => {
  it.each(['foo bar', '', '   ', 'intestine', 'Femur_Head_L', 'tumor bed', 'peritumoral edema'])('%j -> canonical null', (raw) => {
    const r = normaliseName(raw);
    expect(r).toMatchObject({ canonical: null, raw, matchedBy: 'none' });
  });

  it('keeps radiotherapy margin volumes unknown with a note (they include margins)', () => {
    for (const raw of ['CTV', 'CTV_High', 'PTV70', 'ITV', 'SpinalCord_PRV5', 'Lungs-GTV']) {
      const r = normaliseName(raw);
      expect(r.canonical, raw).toBeNull();
      expect(r.note, raw).toMatch(/radiotherapy/);
    }
  });

  it('returns candidates for ambiguous names', () => {
    expect(normaliseName('S1')).toMatchObject({ canonical: null, matchedBy: 'none', candidates: ['liver_segment_1', 'vertebrae_S1'] });
    expect(normaliseName('femur')).toMatchObject({ canonical: null, candidates: ['femur_left', 'femur_right'] });
  });

  it('gives an organ hint for a lesion of an organ without a lesion class', () => {
    expect(normaliseName('colon cancer primaries')).toMatchObject({ canonical: 'lesion', organHint: 'colon', lesionType: 'tumour' });
  });
});

describe('normaliseName: whole vocabulary', () => {
  it('maps every canonical name, in any case and with any separators, to itself exactly', () => {
    for (const { name } of allStructures()) {
      for (const raw of [name, name.toUpperCase(), name.replace(/_/g, '-'), name.replace(/_/g, ' ')]) {
        expect(normaliseName(raw), raw).toMatchObject({ canonical: name, matchedBy: 'exact' });
      }
    }
  });

  it('has no alias that is only a spelling of a canonical name (those match exactly)', () => {
    const canonicalKeys = new Set(allStructures().map((s) => nameKey(s.name)));
    expect(Object.keys(ALIASES).filter((a) => canonicalKeys.has(nameKey(a)))).toEqual([]);
  });

  it('maps every alias to an existing structure through the alias table', () => {
    for (const [alias, canonical] of Object.entries(ALIASES)) {
      expect(structureOrNull(canonical), alias).not.toBeNull();
      expect(normaliseName(alias), alias).toMatchObject({ canonical, matchedBy: 'alias' });
    }
  });

  it('keys ignore case, spaces, hyphens, underscores, dots and brackets', () => {
    expect(nameKey('Kidney (L).')).toBe('kidneyl');
    expect(nameKey('Lung-Left')).toBe(nameKey('lung_left'));
  });
});
