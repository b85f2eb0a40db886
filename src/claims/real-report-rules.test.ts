import { describe, expect, it } from 'vitest';
import { parseClaims } from './parse-claims.ts';
import { splitSentences } from './split-sentences.ts';
import type { Claim } from './types.ts';

/**
 * The general rules the claim parser learned from real report text (issue 13), each held by made-up sentences
 * in the style of translated chest reports and radiologists' notes (the corpus itself is never copied here).
 */
const brief = (c: Claim) => [c.kind, c.organ, c.side ?? null, c.negated];
/** One-study claims (change, response and comparison claims of follow-up text are read beside them: change-claims.ts). */
const FOLLOW_UP = new Set(['change', 'response', 'comparison']);
const claims = (s: string) => parseClaims(s).filter((c) => !FOLLOW_UP.has(c.kind)).map(brief);

describe('lesion words as adjectives, plurals, compounds and density phrases', () => {
  it.each([
    ['Nodular densities are seen in the left lower lobe.', ['lesion', 'lung_left', 'left', false]],
    ['Micronodules are present in both lungs.', ['lesion', 'lung', 'bilateral', false]],
    ['Polycystic kidneys.', ['lesion', 'kidneys', null, false]],
    ['No tumoral wall thickening of the esophagus.', ['lesion', 'esophagus', null, true]],
    ['Round low-density foci in the spleen.', ['lesion', 'spleen', null, false]],
    ['A hypodense appearance in segment 6 of the liver.', ['lesion', 'liver', null, false]],
    ['A small abscess of the right kidney.', ['lesion', 'kidney_right', 'right', false]],
  ])('%s', (s, want) => {
    expect(claims(s)).toEqual([want]);
  });
});

describe('an interpretation that names a lesion keeps it', () => {
  it.each([
    ['A single nodule in the left upper lobe, inflammatory lesions first considered.', ['lesion', 'lung_left', 'left', false]],
    ['Round low-density nodules in the spleen, considering cysts.', ['lesion', 'spleen', null, false]],
  ])('%s', (s, want) => {
    expect(claims(s)).toEqual([want]);
  });
  it('a non-lesion alone in the interpretation still explains the density away', () => {
    const read = parseClaims('Punctate high-density focus in the right kidney, considering a calculus.');
    expect(read.filter((c) => c.kind === 'lesion')).toEqual([]);
    expect(read.map((c) => c.kind)).toEqual(['kidney_stone']);
  });
});

describe('two serous spaces sharing one noun, and occlusive pathology', () => {
  it('"no pleural or pericardial effusion" denies both', () => {
    const fluids = parseClaims('Today no pleural or pericardial effusion of note.').filter((c) => c.kind === 'fluid');
    expect(fluids.map((c) => [c.fluid, c.negated])).toEqual([['pleural_effusion', true], ['pericardial_effusion', true]]);
  });
  it('"no occlusive pathology" in the airways is a normal statement', () => {
    expect(claims('No occlusive pathology in the trachea.')).toEqual([['normal', 'trachea', null, false]]);
  });
});

describe('words that are not lesions', () => {
  it.each([
    'Calcification foci in the wall of the abdominal aorta.',
    'Dense nodules in the gallbladder, gallstones are considered.',
    'Patient with a history of pancreatic malignancy.',
    'The described nodules are stable.',
    'This mass shows no change.',
    'Linear high-density shadows in the right lower lobe.',
    'The mediastinal fat shows no mass effect.',
    'Port catheter tip in the superior vena cava.',
    'Several dense nodules in the gallbladder lumen, considered cholelithiasis.',
  ])('%s -> no lesion claim', (s) => {
    expect(parseClaims(s).filter((c) => c.kind === 'lesion')).toEqual([]);
  });

  it('numbers that are no measurement of the organ named: a dose, a reference range, an earlier value, a limit', () => {
    const nums = (s: string) => parseClaims(s).flatMap((c) => c.numbers.map((n) => n.value));
    expect(nums('The spleen measures 11 cm (normal 10-12 cm).')).toEqual([110]);
    expect(nums('A 14 mm nodule in the right upper lobe (9 mm on the prior CT).')).toEqual([14]);
    expect(nums('Nodes with a short axis under 10 mm.')).toEqual([]);
    expect(nums('100 mL of intravenous contrast was given; the liver measures 16 cm.')).toEqual([160]);
    expect(nums('Several nodules of 2-3 mm in both lungs.')).toEqual([]);
  });
});

describe('numbers as real reports write them', () => {
  it('"measuring up to", "23x16.5mm", series/image references, shared units', () => {
    const nums = (s: string) => parseClaims(s).flatMap((c) => c.numbers.map((n) => [n.kind, n.value]));
    expect(nums('A mass measuring up to 4.7 cm in maximal diameter in the left lower lobe.')).toEqual([['diameterMm', 47]]);
    expect(nums('A 23x16.5mm hypodense lesion in the spleen (series 3, image 86).')).toEqual([['longAxisMm', 23], ['shortAxisMm', 16.5]]);
    expect(nums('Two liver cysts of 8 and 12 mm.')).toEqual([['diameterMm', 8], ['diameterMm', 12]]);
    expect(nums('Hepatic lesion in segment 7, 2.0 cm.')).toEqual([['diameterMm', 20]]);
  });
});

describe('sides stated apart from the lesion', () => {
  it.each([
    ['In the upper lobe of the right lung, a 6 mm nodule.', 'lung_right', 'right'],
    ['The left kidney: a renal cyst of 2 cm.', 'kidney_left', 'left'],
    ['Bilateral renal cysts.', 'kidneys', 'bilateral'],
    ['Millimetric nodules in both lungs, the largest in the left lower lobe.', 'lung', 'bilateral'],
    ['A nodule in the middle lobe of the left lung.', 'lung_left', 'left'],
  ])('%s', (s, organ, side) => {
    const l = parseClaims(s).find((c) => c.kind === 'lesion')!;
    expect([l.organ, l.side]).toEqual([organ, side]);
  });

  it('fluid and nodes take the side of their statement; a list of stations gives none', () => {
    expect(parseClaims('Left pleural effusion.')[0]).toMatchObject({ kind: 'fluid', side: 'left' });
    expect(parseClaims('Pleural effusion was not seen in both hemithoraces.')[0]).toMatchObject({ kind: 'fluid', side: 'bilateral', negated: true });
    expect(parseClaims('Lymph nodes in the right axilla, the largest with a short axis of 12 mm.')[0]).toMatchObject({ kind: 'lymph_node', side: 'right' });
    expect(parseClaims('No enlarged nodes in the paratracheal, subcarinal or bilateral hilar stations.')[0]!.side).toBeUndefined();
  });
});

describe('organ carried across clauses and headings', () => {
  it('an earlier clause names the subject of a later one', () => {
    expect(claims('Both adrenal glands are normal and no space-occupying lesion was detected.')).toEqual([
      ['normal', 'adrenal_glands', 'bilateral', false],
      ['lesion', 'adrenal_glands', 'bilateral', true],
    ]);
    expect(claims('When examined in the lung window; no nodule was seen.')).toEqual([['lesion', 'lung', null, true]]);
  });

  it('a heading names the subject of the sentences under it', () => {
    const text = 'Kidneys:\nA 15 mm cyst on the left. No hydronephrosis.\nLiver: Normal size. No focal lesion.';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.heading)).toEqual(['kidneys', 'kidneys', 'liver', 'liver']);
    const all = sentences.flatMap((s) => parseClaims(s.text, s.heading ? { subject: s.heading } : {}).map(brief));
    expect(all).toEqual([
      ['lesion', 'kidney_left', 'left', false],
      ['organ_size', 'liver', null, false],
      ['lesion', 'liver', null, true],
    ]);
  });
});

describe('negation and hedges with the right scope (NegEx / ConText)', () => {
  it('"without enhancement" does not deny the cyst; "no change in" denies nothing', () => {
    expect(claims('A simple cyst without enhancement in the right kidney.')).toEqual([['lesion', 'kidney_right', 'right', false]]);
    expect(claims('No significant change in the pulmonary nodules.')).toEqual([['lesion', 'lung', null, false]]);
    expect(claims('A 4 mm nodule in the right lower lobe, not seen on the previous examination.')).toEqual([['lesion', 'lung_right', 'right', false]]);
  });

  it('"cannot be excluded", "suspicious for", "?" are uncertain, not negated', () => {
    for (const s of ['A pancreatic mass cannot be excluded.', 'Sigmoid wall thickening, suspected tumour.', 'Small nodule in the right lower lobe?', 'Possible nodule in the left upper lobe.']) {
      const l = parseClaims(s).find((c) => c.kind === 'lesion')!;
      expect([l.negated, l.certainty], s).toEqual([false, 'uncertain']);
    }
    // A question mark on the interpretation only ("(metastasis?)") leaves the lesion itself stated.
    expect(parseClaims('Small hypodense liver lesion (metastasis?).')[0]!.certainty).toBeUndefined();
    expect(parseClaims('A 2 cm cyst of the left kidney.')[0]!.certainty).toBeUndefined();
  });

  it('post-negation: "... was not detected" denies what comes before it', () => {
    expect(claims('Pleural effusion-thickening was not detected.')).toEqual([['fluid', null, null, true]]);
  });
});

describe('translated and terse normal statements, sizes and coverage', () => {
  it.each([
    ['Bone structures in the study area are natural.', ['normal', 'skeleton', null, false]],
    ['Trachea and both main bronchi are open.', null],
    // Also a routine vertebral_fracture claim (denied: heights preserved), routine-claims.test.ts.
    ['Vertebral corpus heights are preserved.', ['normal', 'vertebral_column', null, false]],
    ['The size of the spleen has increased.', ['organ_size', 'spleen', null, false]],
    ['CTR is increased.', ['organ_size', 'heart', null, false]],
    // A vessel's size is its calibre: the routine vessel_calibre claim (routine-claims.ts) states it.
    ['Thoracic aorta diameter is normal.', ['vessel_calibre', 'aorta', null, false]],
    ['Hepatosteatosis.', ['steatosis', 'liver', null, false]],
  ])('%s', (s, want) => {
    if (want === null) expect(claims(s)).toEqual([['normal', 'trachea', null, false], ['normal', 'bronchi', 'bilateral', false]]);
    else expect(claims(s).filter((c) => c[0] !== 'vertebral_fracture')).toEqual([want]);
  });

  it('vessel calibre is the vessel\'s size; dilatation of a renal pelvis is not the kidney\'s', () => {
    // Read as the routine vessel_calibre claim (routine-claims.ts), which supersedes the one-study organ_size claim.
    expect(parseClaims('The ascending aorta is ectatic (42 mm).')).toMatchObject([{ kind: 'vessel_calibre', organ: 'aorta', routine: { section: 'ascending_aorta', calibre: 'dilated' }, numbers: [{ kind: 'diameterMm', value: 42 }] }]);
    expect(parseClaims('Dilated left renal pelvis.').filter((c) => c.kind === 'organ_size')).toEqual([]);
  });

  it('coverage: partly imaged organs, and the whole organ in the scan', () => {
    expect(claims('The liver is partially included in the field of view.')).toEqual([['coverage', 'liver', null, false]]);
    expect(claims('The spleen extends beyond the lower edge of the scan.')).toEqual([['coverage', 'spleen', null, false]]);
    expect(claims('The right kidney is completely included.')).toEqual([['coverage', 'kidney_right', 'right', true]]);
  });
});

describe('broken input never throws', () => {
  it.each([
    '',
    '\u0000\u0001\uFFFD binary \u0007 junk',
    'x'.repeat(20000),
    '((((( left right left 12 mm x x x cm ))))',
    'No no no not without; ; ; ?',
    '1.2.3.4 cm 5,5,5 mm -3 HU 1e9 mL',
  ])('%j', (s) => {
    expect(() => parseClaims(s)).not.toThrow();
    expect(() => splitSentences(s)).not.toThrow();
  });
});
