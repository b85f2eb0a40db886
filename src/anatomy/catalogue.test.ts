import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataPath, HAS_SHARED_DATA, NO_DATA_REASON } from '../../test/helpers/data.ts';
import { isGroundctError } from '../errors.ts';
import {
  BODY_SYSTEMS,
  LATERALITIES,
  LESION_TYPES,
  STRUCTURE_KINDS,
  allStructures,
  ancestors,
  compositeMembers,
  contactVesselsFor,
  descendants,
  getStructure,
  isLesionClass,
  lesionClassFor,
  lesionClasses,
  nameKey,
  normaliseName,
  organOfLesion,
  structureOrNull,
} from './index.ts';

/** TotalSegmentator v2 `total` task class names in label-id order 1..117 (label_map_total_v2.json). */
const TOTAL_V2_NAMES = [
  'spleen', 'kidney_right', 'kidney_left', 'gallbladder', 'liver', 'stomach', 'pancreas', 'adrenal_gland_right',
  'adrenal_gland_left', 'lung_upper_lobe_left', 'lung_lower_lobe_left', 'lung_upper_lobe_right',
  'lung_middle_lobe_right', 'lung_lower_lobe_right', 'esophagus', 'trachea', 'thyroid_gland', 'small_bowel',
  'duodenum', 'colon', 'urinary_bladder', 'prostate', 'kidney_cyst_left', 'kidney_cyst_right', 'sacrum',
  'vertebrae_S1', 'vertebrae_L5', 'vertebrae_L4', 'vertebrae_L3', 'vertebrae_L2', 'vertebrae_L1', 'vertebrae_T12',
  'vertebrae_T11', 'vertebrae_T10', 'vertebrae_T9', 'vertebrae_T8', 'vertebrae_T7', 'vertebrae_T6', 'vertebrae_T5',
  'vertebrae_T4', 'vertebrae_T3', 'vertebrae_T2', 'vertebrae_T1', 'vertebrae_C7', 'vertebrae_C6', 'vertebrae_C5',
  'vertebrae_C4', 'vertebrae_C3', 'vertebrae_C2', 'vertebrae_C1', 'heart', 'aorta', 'pulmonary_vein',
  'brachiocephalic_trunk', 'subclavian_artery_right', 'subclavian_artery_left', 'common_carotid_artery_right',
  'common_carotid_artery_left', 'brachiocephalic_vein_left', 'brachiocephalic_vein_right', 'atrial_appendage_left',
  'superior_vena_cava', 'inferior_vena_cava', 'portal_vein_and_splenic_vein', 'iliac_artery_left',
  'iliac_artery_right', 'iliac_vena_left', 'iliac_vena_right', 'humerus_left', 'humerus_right', 'scapula_left',
  'scapula_right', 'clavicula_left', 'clavicula_right', 'femur_left', 'femur_right', 'hip_left', 'hip_right',
  'spinal_cord', 'gluteus_maximus_left', 'gluteus_maximus_right', 'gluteus_medius_left', 'gluteus_medius_right',
  'gluteus_minimus_left', 'gluteus_minimus_right', 'autochthon_left', 'autochthon_right', 'iliopsoas_left',
  'iliopsoas_right', 'brain', 'skull', 'rib_left_1', 'rib_left_2', 'rib_left_3', 'rib_left_4', 'rib_left_5',
  'rib_left_6', 'rib_left_7', 'rib_left_8', 'rib_left_9', 'rib_left_10', 'rib_left_11', 'rib_left_12', 'rib_right_1',
  'rib_right_2', 'rib_right_3', 'rib_right_4', 'rib_right_5', 'rib_right_6', 'rib_right_7', 'rib_right_8',
  'rib_right_9', 'rib_right_10', 'rib_right_11', 'rib_right_12', 'sternum', 'costal_cartilages',

];

/** TotalSegmentator liver_segments task (class_map_all_tasks.json): Couinaud 1..8. */
const LIVER_SEGMENT_NAMES = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `liver_segment_${n}`);

/** Side a TotalSegmentator-style name states: a `left` or `right` word between underscores. */
function sideInName(name: string): 'left' | 'right' | null {
  const words = name.split('_');
  if (words.includes('left')) return 'left';
  if (words.includes('right')) return 'right';
  return null;
}

function expectUnknownStructure(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(isGroundctError(e) && e.code).toBe('GCT_ANATOMY_UNKNOWN_STRUCTURE');
    return;
  }
  throw new Error('expected GCT_ANATOMY_UNKNOWN_STRUCTURE');
}

describe('catalogue: TotalSegmentator vocabulary', () => {
  it('lists 117 distinct total-task names', () => {
    expect(TOTAL_V2_NAMES).toHaveLength(117);
    expect(new Set(TOTAL_V2_NAMES).size).toBe(117);
  });

  it.each([...TOTAL_V2_NAMES, ...LIVER_SEGMENT_NAMES])('%s has a complete entry', (name) => {
    const s = getStructure(name);
    expect(s.name).toBe(name);
    expect(s.displayName.length).toBeGreaterThan(0);
    expect(s.displayName).not.toContain('_');
    expect(BODY_SYSTEMS).toContain(s.system);
    expect(STRUCTURE_KINDS).toContain(s.kind);
    expect(s.parent).not.toBeNull();
    expect(structureOrNull(s.parent!)).not.toBeNull();
    const side = sideInName(name);
    if (side !== null) expect(s.laterality).toBe(side);
    else expect(['midline', 'bilateral', 'none']).toContain(s.laterality);
    expect(s.totalsegTask).toBe(name.startsWith('liver_segment_') ? 'liver_segments' : 'total');
  });

  it('tags exactly the 117 total-task names with totalsegTask "total"', () => {
    const tagged = allStructures().filter((s) => s.totalsegTask === 'total').map((s) => s.name);
    expect(tagged.sort()).toEqual([...TOTAL_V2_NAMES].sort());
  });
});

describe('catalogue: integrity of every entry', () => {
  const all = allStructures();

  it('has unique names and unique name keys (so normalisation is unambiguous)', () => {
    expect(new Set(all.map((s) => s.name)).size).toBe(all.length);
    expect(new Set(all.map((s) => nameKey(s.name))).size).toBe(all.length);
  });

  it('has one root, body, and every parent chain ends there', () => {
    expect(all.filter((s) => s.parent === null).map((s) => s.name)).toEqual(['body']);
    for (const s of all) {
      if (s.name === 'body') continue;
      const chain = ancestors(s.name);
      expect(chain.at(-1), s.name).toBe('body');
      expect(chain, s.name).not.toContain(s.name);
    }
  });

  it('uses only known laterality, system and kind values, and sides agree with names', () => {
    for (const s of all) {
      expect(LATERALITIES, s.name).toContain(s.laterality);
      expect(BODY_SYSTEMS, s.name).toContain(s.system);
      expect(STRUCTURE_KINDS, s.name).toContain(s.kind);
      const side = sideInName(s.name);
      if (side !== null) expect(s.laterality, s.name).toBe(side);
      else expect(['left', 'right'], s.name).not.toContain(s.laterality);
    }
  });

  it('refers only to existing structures; contact vessels are vessels; members only on composites', () => {
    for (const s of all) {
      for (const ref of [...(s.members ?? []), ...(s.subSegments ?? []), ...(s.contactVessels ?? [])]) {
        expect(structureOrNull(ref), `${s.name} -> ${ref}`).not.toBeNull();
      }
      for (const v of s.contactVessels ?? []) expect(getStructure(v).kind, `${s.name} -> ${v}`).toBe('vessel');
      if (s.kind === 'composite') expect(s.members?.length ?? 0, s.name).toBeGreaterThanOrEqual(2);
      else expect(s.members, s.name).toBeUndefined();
    }
  });

  it('gives SNOMED CT codes as unique SCTID digit strings', () => {
    const coded = all.filter((s) => s.snomedCt !== undefined);
    for (const s of coded) expect(s.snomedCt!.code, s.name).toMatch(/^[1-9]\d{5,17}$/);
    expect(new Set(coded.map((s) => s.snomedCt!.code)).size).toBe(coded.length);
  });

  it('has the SNOMED CT codes of the main abdominal organs', () => {
    expect(getStructure('liver').snomedCt?.code).toBe('10200004');
    expect(getStructure('spleen').snomedCt?.code).toBe('78961009');
    expect(getStructure('pancreas').snomedCt?.code).toBe('15776009');
    expect(getStructure('kidney_left').snomedCt?.code).toBe('18639004');
    expect(getStructure('kidney_right').snomedCt?.code).toBe('9846003');
  });
});

describe('catalogue: display names in radiologists\' words', () => {
  it.each([
    ['kidney_left', 'left kidney'],
    ['liver_segment_7', 'Couinaud segment 7'],
    ['vertebrae_L3', 'L3 vertebra'],
    ['vertebrae_T12', 'T12 vertebra'],
    ['lung_upper_lobe_right', 'right upper lobe'],
    ['lung_middle_lobe_right', 'right middle lobe'],
    ['lung_lower_lobe_left', 'left lower lobe'],
    ['rib_left_1', 'left 1st rib'],
    ['rib_left_2', 'left 2nd rib'],
    ['rib_right_3', 'right 3rd rib'],
    ['rib_right_11', 'right 11th rib'],
    ['rib_right_12', 'right 12th rib'],
    ['adrenal_gland_right', 'right adrenal gland'],
    ['clavicula_left', 'left clavicle'],
    ['pancreas_head', 'pancreatic head'],
    ['kidney_cyst_left', 'left renal cyst'],
    ['esophagus', 'oesophagus'],
  ])('%s -> %s', (name, display) => {
    expect(getStructure(name).displayName).toBe(display);
  });
});

describe('hierarchy', () => {
  it('places lobes, segments, vertebrae and pancreatic regions under their parents', () => {
    expect(ancestors('lung_upper_lobe_left')).toEqual(['lung_left', 'lung', 'body']);
    expect(ancestors('lung_middle_lobe_right')).toEqual(['lung_right', 'lung', 'body']);
    expect(getStructure('liver_segment_7').parent).toBe('liver');
    expect(ancestors('vertebrae_L3')).toEqual(['vertebral_column', 'skeleton', 'body']);
    expect(getStructure('pancreas_head').parent).toBe('pancreas');
    expect(ancestors('rib_right_7')).toEqual(['ribs_right', 'ribs', 'skeleton', 'body']);
  });

  it('expands composites to their member masks', () => {
    expect(compositeMembers('lung_left')).toEqual(['lung_upper_lobe_left', 'lung_lower_lobe_left']);
    expect(compositeMembers('lung_right')).toEqual(['lung_upper_lobe_right', 'lung_middle_lobe_right', 'lung_lower_lobe_right']);
    expect(compositeMembers('lung')).toHaveLength(5);
    expect(compositeMembers('kidneys')).toEqual(['kidney_left', 'kidney_right']);
    expect(compositeMembers('adrenal_glands')).toEqual(['adrenal_gland_left', 'adrenal_gland_right']);
    expect(compositeMembers('ribs')).toHaveLength(24);
    // C1-C7, T1-T12, L1-L6, S1 and the rest of the sacrum
    expect(compositeMembers('vertebral_column')).toHaveLength(7 + 12 + 6 + 1 + 1);
    expect(compositeMembers('vertebral_column').slice(0, 2)).toEqual(['vertebrae_C1', 'vertebrae_C2']);
    expect(compositeMembers('liver')).toEqual([]);
  });

  it('lists sub-segments: Couinaud 1-8 for the liver, head/body/tail for the pancreas', () => {
    expect(getStructure('liver').subSegments).toEqual(LIVER_SEGMENT_NAMES);
    expect(getStructure('pancreas').subSegments).toEqual(['pancreas_head', 'pancreas_body', 'pancreas_tail']);
    expect(getStructure('lung_left').subSegments).toEqual(['lung_upper_lobe_left', 'lung_lower_lobe_left']);
  });

  it('lists descendants including lesion classes but not unrelated organs', () => {
    const lung = descendants('lung');
    expect(lung).toHaveLength(2 + 5 + 1);
    expect(lung).toContain('lung_nodule');
    expect(descendants('liver')).toEqual(expect.arrayContaining([...LIVER_SEGMENT_NAMES, 'liver_vessels', 'liver_lesion']));
    expect(descendants('liver')).not.toContain('gallbladder');
    expect(descendants('kidney_left')).toEqual(['kidney_lesion_left', 'kidney_cyst_left']);
  });

  it('gives the pancreas the vessels that decide resectability, and its parts and lesions inherit them', () => {
    const vessels = getStructure('pancreas').contactVessels ?? [];
    expect(vessels).toEqual(expect.arrayContaining(['superior_mesenteric_artery', 'celiac_trunk', 'common_hepatic_artery',
      'superior_mesenteric_vein', 'portal_vein_and_splenic_vein', 'aorta', 'inferior_vena_cava', 'splenic_artery']));
    expect(contactVesselsFor('pancreas_head')).toEqual(vessels);
    expect(contactVesselsFor('pancreas_lesion')).toEqual(vessels);
    expect(contactVesselsFor('liver_segment_7')).toContain('portal_vein_and_splenic_vein');
    expect(contactVesselsFor('kidney_cyst_right')).toContain('renal_arteries');
    expect(contactVesselsFor('femur_left')).toEqual([]);
  });

  it('rejects names that are not canonical', () => {
    expectUnknownStructure(() => descendants('Liver'));
    expectUnknownStructure(() => compositeMembers('left lung'));
    expectUnknownStructure(() => ancestors(''));
  });
});

describe('lesion classes', () => {
  it('attach every organ lesion class to a non-lesion structure of the catalogue', () => {
    const classes = lesionClasses();
    expect(classes.length).toBeGreaterThanOrEqual(15);
    for (const c of classes) {
      expect(LESION_TYPES, c.name).toContain(c.lesionType);
      if (c.name === 'lesion') {
        expect(c.lesionOf).toBeNull();
        continue;
      }
      const organ = getStructure(c.lesionOf!);
      expect(organ.kind, c.name).not.toBe('lesion');
      expect(c.parent, c.name).toBe(c.lesionOf);
      expect(c.system, c.name).toBe(organ.system);
    }
  });

  it('has exactly one general class (lesion or nodule) per organ', () => {
    const general = new Map<string, number>();
    for (const c of lesionClasses()) {
      if (c.lesionOf == null) continue;
      if (c.lesionType === 'lesion' || c.lesionType === 'nodule') general.set(c.lesionOf, (general.get(c.lesionOf) ?? 0) + 1);
      else general.set(c.lesionOf, general.get(c.lesionOf) ?? 0);
    }
    for (const [organ, n] of general) expect(n, organ).toBe(1);
  });

  it('treats TotalSegmentator kidney cysts as cysts of each kidney', () => {
    expect(getStructure('kidney_cyst_left')).toMatchObject({ kind: 'lesion', lesionOf: 'kidney_left', lesionType: 'cyst' });
    expect(organOfLesion('kidney_cyst_right')).toBe('kidney_right');
  });

  it.each([
    ['liver', undefined, 'liver_lesion'],
    ['liver_segment_7', undefined, 'liver_lesion'],
    ['pancreas_head', 'tumour', 'pancreas_lesion'],
    ['kidney_left', undefined, 'kidney_lesion_left'],
    ['kidney_left', 'cyst', 'kidney_cyst_left'],
    ['kidneys', 'cyst', 'kidney_cyst'],
    ['lung_upper_lobe_left', undefined, 'lung_nodule'],
    ['lung', 'mass', 'lung_nodule'],
    ['spleen', undefined, 'spleen_lesion'],
    ['adrenal_gland_right', undefined, 'adrenal_lesion_right'],
    ['vertebrae_L3', 'metastasis', 'bone_lesion'],
    ['rib_left_4', undefined, 'bone_lesion'],
    ['thyroid_gland', undefined, 'thyroid_nodule'],
    ['kidney_cyst_left', undefined, 'kidney_cyst_left'],
    ['kidney_cyst_left', 'lesion', 'kidney_lesion_left'],
    ['aorta', undefined, null],
    ['colon', 'tumour', null],
    ['body', undefined, null],
  ] as const)('lesionClassFor(%s, %s) = %s', (organ, type, expected) => {
    expect(lesionClassFor(organ, type)).toBe(expected);
  });

  it('answers isLesionClass and organOfLesion', () => {
    expect(isLesionClass('liver_lesion')).toBe(true);
    expect(isLesionClass('lesion')).toBe(true);
    expect(isLesionClass('liver')).toBe(false);
    expect(isLesionClass('no_such_thing')).toBe(false);
    expect(organOfLesion('liver_lesion')).toBe('liver');
    expect(organOfLesion('lung_nodule')).toBe('lung');
    expect(organOfLesion('lesion')).toBeNull();
    expect(organOfLesion('liver')).toBeNull();
    expectUnknownStructure(() => organOfLesion('liver tumour'));
    expectUnknownStructure(() => lesionClassFor('Liver'));
  });
});

describe('getStructure', () => {
  it('throws a coded 404 error that suggests the canonical name', () => {
    try {
      getStructure('Kidney_L');
      throw new Error('expected a throw');
    } catch (e) {
      expect(isGroundctError(e)).toBe(true);
      if (!isGroundctError(e)) return;
      expect(e.code).toBe('GCT_ANATOMY_UNKNOWN_STRUCTURE');
      expect(e.statusCode).toBe(404);
      expect(e.details).toEqual({ name: 'Kidney_L', suggestion: 'kidney_left' });
      expect(e.message).toContain("'kidney_left'");
    }
    expect(structureOrNull('Kidney_L')).toBeNull();
  });

  it('returns frozen entries', () => {
    const liver = getStructure('liver');
    expect(Object.isFrozen(liver)).toBe(true);
    expect(Object.isFrozen(liver.subSegments)).toBe(true);
  });
});

// Skipped without ../shared/data; test/helpers/data.ts prints NO_DATA_REASON once.
describe.skipIf(!HAS_SHARED_DATA)(`catalogue against TotalSegmentator files (${HAS_SHARED_DATA ? 'shared data' : NO_DATA_REASON})`, () => {
  it('names every class of label_map_total_v2.json, in the same order as our reference list', () => {
    const labelMap = JSON.parse(readFileSync(dataPath('totalseg', 'label_map_total_v2.json'), 'utf8')) as Record<string, string>;
    const ids = Object.keys(labelMap).map(Number).sort((a, b) => a - b);
    expect(ids).toEqual(TOTAL_V2_NAMES.map((_, i) => i + 1));
    for (const id of ids) {
      const name = labelMap[String(id)]!;
      expect(structureOrNull(name), `id ${id}`).not.toBeNull();
      expect(name).toBe(TOTAL_V2_NAMES[id - 1]);
    }
  });

  it('names every class of the liver_segments task', () => {
    const tasks = JSON.parse(readFileSync(dataPath('totalseg', 'class_map_all_tasks.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.values(tasks.liver_segments!)).toEqual(LIVER_SEGMENT_NAMES);
    for (const name of Object.values(tasks.kidney_cysts!)) expect(getStructure(name).kind).toBe('lesion');
  });

  it('matches every per-class mask file name of example_seg_fast exactly', () => {
    const files = readdirSync(dataPath('totalseg', 'example_seg_fast')).filter((f) => f.endsWith('.nii.gz'));
    expect(files).toHaveLength(117);
    for (const f of files) {
      const r = normaliseName(f.replace(/\.nii\.gz$/, ''));
      expect(r.matchedBy, f).toBe('exact');
    }
  });
});
