import { describe, expect, it } from 'vitest';
import { parseClaims } from './parse-claims.ts';
import type { Claim } from './types.ts';

/** The parts of a claim that must not depend on phrasing. */
function core(c: Claim) {
  return {
    kind: c.kind,
    negated: c.negated,
    organ: c.organ,
    side: c.side,
    locations: c.locations.map((l) => l.anyOf.join('|')),
    numbers: c.numbers.map((n) => [n.kind, n.value]),
    attenuation: c.attenuation,
  };
}
const one = (s: string) => {
  const cs = parseClaims(s);
  expect(cs, s).toHaveLength(1);
  return core(cs[0]!);
};

describe('parseClaims: different phrasing, same claims', () => {
  it('segment VII = segment 7 = S7 = Couinaud 7 = hepatic segment 7; cm = mm', () => {
    const want = one('A 2.1 x 1.4 cm hypoattenuating lesion in segment VII of the liver.');
    expect(want).toEqual({ kind: 'lesion', negated: false, organ: 'liver', side: undefined, locations: ['liver_segment_7'], numbers: [['longAxisMm', 21], ['shortAxisMm', 14]], attenuation: 'hypoattenuating' });
    for (const s of [
      'A 21 x 14 mm hypodense lesion in segment 7 of the liver.',
      'Hypoattenuating liver lesion in S7 measuring 2.1 x 1.4 cm.',
      'Couinaud 7: low-attenuation lesion, 14 x 21 mm.',
      'There is a 2.1 by 1.4 cm hypoattenuating lesion in hepatic segment 7.',
    ])
      expect(one(s), s).toEqual(want);
  });

  it('"L kidney" = "left kidney" = "kidney, left" = "left renal"', () => {
    const want = one('A 20 mm cyst in the left kidney.');
    expect(want.organ).toBe('kidney_left');
    expect(want.side).toBe('left');
    for (const s of ['A 2.0 cm cyst in the L kidney.', 'Kidney, left: cyst of 2 cm.', 'Left renal cyst measuring 20 mm.', 'Cyst of the left kidney (20 mm).']) {
      const c = one(s);
      expect([c.kind, c.organ, c.side, c.numbers[0]![1]], s).toEqual(['lesion', 'kidney_left', 'left', 20]);
    }
  });

  it('volumes in mL, cc, cm3 and L all become mL; rounding half-step follows the digits shown', () => {
    for (const [s, ml, half] of [
      ['The spleen measures 346 mL.', 346, 0.5],
      ['The spleen measures 346 cc.', 346, 0.5],
      ['The spleen measures 346 cm3.', 346, 0.5],
      ['Liver volume 1.5 L.', 1500, 50],
      ['Spleen volume 3.46 dl is not read, 346 ml is.', 346, 0.5],
    ] as const) {
      const c = parseClaims(s)[0]!;
      expect(c.numbers.map((n) => [n.kind, n.value, n.roundingHalfStep]), s).toEqual([['volumeMl', ml, half]]);
    }
  });

  it('negation: no, without, negative for, not seen, not enlarged; "no abnormality" is a normal statement', () => {
    expect(parseClaims('No focal lesion in the liver or spleen.').map((c) => [c.kind, c.negated, c.organ])).toEqual([
      ['lesion', true, 'liver'],
      ['lesion', true, 'spleen'],
    ]);
    expect(one('The liver is normal without focal lesion.')).toMatchObject({ kind: 'lesion', negated: true, organ: 'liver' });
    expect(one('Negative for ascites.')).toMatchObject({ kind: 'fluid', negated: true });
    expect(one('A pancreatic mass is not seen.')).toMatchObject({ kind: 'lesion', negated: true, organ: 'pancreas' });
    expect(one('The right kidney is not enlarged.')).toMatchObject({ kind: 'organ_size', negated: true, organ: 'kidney_right', side: 'right' });
    expect(one('No abnormality of the gallbladder.')).toMatchObject({ kind: 'normal', negated: false, organ: 'gallbladder' });
    expect(one('The gallbladder is abnormal.')).toMatchObject({ kind: 'normal', negated: true, organ: 'gallbladder' });
    // "non-contrast" is not a negation
    expect(one('Hepatic steatosis on non-contrast CT (mean 30 HU).')).toMatchObject({ kind: 'steatosis', negated: false, organ: 'liver', numbers: [['huMean', 30]] });
  });

  it('lists of organs: one normal claim each; kidneys stay the pair', () => {
    expect(parseClaims('The liver, spleen and kidneys are unremarkable.').map((c) => [c.kind, c.organ])).toEqual([
      ['normal', 'liver'],
      ['normal', 'spleen'],
      ['normal', 'kidneys'],
    ]);
  });

  it('T categories are stages, T10 is a vertebra; contact words go with the vessel they govern', () => {
    const cs = parseClaims('Pancreatic head mass encasing the SMA (203 degrees) and abutting the portal vein, T4.');
    expect(cs.map((c) => [c.kind, c.stage ?? c.vessel ?? c.organ, c.contact, c.numbers.map((n) => n.value)])).toEqual([
      ['stage', 'T4', undefined, []],
      ['vessel_contact', 'superior_mesenteric_artery', 'encasement', [203]],
      ['vessel_contact', 'portal_vein_and_splenic_vein', 'abutment', []],
      ['lesion', 'pancreas', undefined, []],
    ]);
    expect(parseClaims('Lesion at the level of T10.')[0]!.locations.map((l) => l.label)).toEqual(['vertebrae_T10']);
    expect(parseClaims('Renal mass, T1a.').map((c) => c.stage ?? c.kind)).toEqual(['T1a', 'lesion']);
  });

  it('counts, pancreatic parts, lobes and lists of segments', () => {
    expect(parseClaims('Two hypodense lesions in segments 7 and 8.')[0]).toMatchObject({ count: 2, organ: 'liver', locations: [{ anyOf: ['liver_segment_7', 'liver_segment_8'] }] });
    expect(parseClaims('Multiple lesions in the right hepatic lobe.')[0]).toMatchObject({ count: 'multiple', locations: [{ anyOf: ['liver_segment_5', 'liver_segment_6', 'liver_segment_7', 'liver_segment_8'] }] });
    for (const s of ['Mass in the head of the pancreas.', 'Pancreatic head mass.', 'Mass in the uncinate process of the pancreas.'])
      expect(parseClaims(s)[0]!.locations.map((l) => l.label), s).toEqual(['pancreas_head']);
    expect(parseClaims('A 6 mm nodule in the right lower lobe.')[0]).toMatchObject({ organ: 'lung_right', side: 'right', locations: [{ label: 'lung_lower_lobe_right' }], numbers: [{ kind: 'diameterMm', value: 6 }] });
  });

  it('criteria, limits and comparison values are not measurements', () => {
    const c = parseClaims('The spleen is enlarged (volume 346 mL, above 314.5 mL).')[0]!;
    expect(c.numbers.map((n) => n.value)).toEqual([346]);
    const l = parseClaims('A 2.0 x 2.0 cm lesion in segment 7 (mean 14 HU versus 55 HU in the liver).')[0]!;
    expect(l.numbers.map((n) => [n.kind, n.value])).toEqual([['longAxisMm', 20], ['shortAxisMm', 20], ['huMean', 14]]);
    expect(parseClaims('The spleen measures 10.8 cm craniocaudally (normal up to 13.0 cm).').map((x) => [x.kind, x.numbers.map((n) => [n.kind, n.value])])).toEqual([['organ_size', [['lengthMm', 108]]]]);
  });

  it('a sentence about nothing checkable has no claim', () => {
    expect(parseClaims('Technique: axial images were obtained.')).toEqual([]);
    expect(parseClaims('Comparison: none.')).toEqual([]);
  });
});

describe('parseClaims: which organ a number, a size word and a structure word belong to', () => {
  const brief = (s: string) => parseClaims(s).map((c) => [c.kind, c.negated, c.organ, c.sizeClass, c.numbers.map((n) => [n.kind, n.value])]);

  it('a number belongs to the nearest organ before it in its clause; "respectively" pairs in order', () => {
    expect(brief('Liver volume 1511 mL and spleen volume 346 mL.')).toEqual([
      ['organ_size', false, 'liver', undefined, [['volumeMl', 1511]]],
      ['organ_size', false, 'spleen', undefined, [['volumeMl', 346]]],
    ]);
    expect(brief('Spleen volume 346 mL and liver volume 1511 mL.')).toEqual([
      ['organ_size', false, 'spleen', undefined, [['volumeMl', 346]]],
      ['organ_size', false, 'liver', undefined, [['volumeMl', 1511]]],
    ]);
    expect(parseClaims('Right kidney 115 mL, left kidney 116 mL.').map((c) => [c.organ, c.side, c.numbers[0]!.value])).toEqual([
      ['kidney_right', 'right', 115],
      ['kidney_left', 'left', 116],
    ]);
    expect(brief('The liver and spleen measure 1506 mL and 550 mL, respectively.')).toEqual([
      ['organ_size', false, 'liver', undefined, [['volumeMl', 1506]]],
      ['organ_size', false, 'spleen', undefined, [['volumeMl', 550]]],
    ]);
    // beside a size word about another organ, and a fat statement with a second organ's attenuation
    expect(brief('Splenomegaly and liver volume 1500 mL.')).toEqual([
      ['organ_size', false, 'spleen', 'enlarged', []],
      ['organ_size', false, 'liver', undefined, [['volumeMl', 1500]]],
    ]);
    expect(brief('Hepatic steatosis, liver 30 HU and spleen 52 HU.')).toEqual([
      ['steatosis', false, 'liver', undefined, [['huMean', 30]]],
      ['attenuation', false, 'spleen', undefined, [['huMean', 52]]],
    ]);
    // the second organ of an "A-to-B" ratio is its reference: 40 HU is the pancreas's (45 HU, after "versus", is dropped)
    expect(brief('The pancreas-to-spleen attenuation ratio is 0.89 (40 HU versus 45 HU on non-contrast CT), without fatty pancreas by the 0.70 criterion.')).toEqual([
      ['steatosis', true, 'pancreas', undefined, [['huMean', 40]]],
    ]);
    expect(brief('The liver-to-spleen attenuation ratio is 0.6 (liver 30 HU, spleen 50 HU).')).toEqual([
      ['attenuation', false, 'liver', undefined, [['huMean', 30]]],
      ['attenuation', false, 'spleen', undefined, [['huMean', 50]]],
    ]);
    // a location's number is not its organ's
    expect(brief('Liver 1500 mL, caudate lobe 300 mL.')).toEqual([['organ_size', false, 'liver', undefined, [['volumeMl', 1500]]]]);
    // one organ still takes every number
    expect(brief('Splenomegaly (346 mL, 13.8 cm craniocaudal).')).toEqual([['organ_size', false, 'spleen', 'enlarged', [['volumeMl', 346], ['lengthMm', 138]]]]);
  });

  it('with several size words each organ takes the nearest one', () => {
    expect(brief('Liver normal in size, spleen enlarged.')).toEqual([
      ['organ_size', false, 'liver', 'normal size', []],
      ['organ_size', false, 'spleen', 'enlarged', []],
    ]);
    expect(brief('Enlarged spleen and normal-sized liver.')).toEqual([
      ['organ_size', false, 'spleen', 'enlarged', []],
      ['organ_size', false, 'liver', 'normal size', []],
    ]);
  });

  it('-megaly words name their organs: hepatosplenomegaly is liver and spleen', () => {
    expect(brief('No evidence of hepatosplenomegaly.')).toEqual([
      ['organ_size', true, 'liver', 'enlarged', []],
      ['organ_size', true, 'spleen', 'enlarged', []],
    ]);
    expect(brief('Hepatosplenomegaly is not seen.')).toEqual([
      ['organ_size', true, 'liver', 'enlarged', []],
      ['organ_size', true, 'spleen', 'enlarged', []],
    ]);
    expect(brief('Massive hepatosplenomegaly.').map((c) => [c[2], c[3]])).toEqual([
      ['liver', 'massively enlarged'],
      ['spleen', 'massively enlarged'],
    ]);
    expect(brief('Hepatomegaly.')).toEqual([['organ_size', false, 'liver', 'enlarged', []]]);
    expect(brief('No nephromegaly.')).toEqual([['organ_size', true, 'kidneys', 'enlarged', []]]);
    expect(brief('Mild cardiomegaly.')).toEqual([['organ_size', false, 'heart', 'enlarged', []]]);
    // two organs, two unpaired numbers: the text does not say which is which, so neither gets one
    expect(brief('Hepatosplenomegaly (2500 mL, 500 mL).').map((c) => c[4])).toEqual([[], []]);
  });

  it('bowel words: loops, jejunum, ileum -> small_bowel; caecum, sigmoid, flexures, large bowel loops -> colon', () => {
    const organ = (s: string) => parseClaims(s).map((c) => [c.kind, c.organ]);
    for (const s of ['Bowel loops are unremarkable.', 'Unremarkable bowel loops.', 'Small bowel loops are unremarkable.', 'Jejunal and ileal loops are unremarkable.', 'The terminal ileum is unremarkable.'])
      expect(organ(s), s).toEqual([['normal', 'small_bowel']]);
    for (const s of ['The caecum is unremarkable.', 'The sigmoid colon is unremarkable.', 'Large bowel loops are unremarkable.', 'The cecum is normal.'])
      expect(organ(s), s).toEqual([['normal', 'colon']]);
    // "hepatic flexure" is the colon, not the liver
    expect(organ('Mass at the hepatic flexure.')).toEqual([['lesion', 'colon']]);
    // "bowel" alone may be small bowel, colon or both: not read
    expect(parseClaims('The bowel is unremarkable.')).toEqual([]);
  });
});
