import { describe, expect, it } from 'vitest';
import { analyseText, foldText, stemPlural, withoutLocationWords } from './medical-text.ts';
import { porterStem } from './porter-stemmer.ts';

/** The analysis without Porter stems (plural stripping and the synonym table, as in version 2), whose tokens read as words. */
const v2 = { porter: false } as const;

describe('stemPlural (Harman S stemmer)', () => {
  it.each([
    ['kidneys', 'kidney'],
    ['arteries', 'artery'],
    ['lesions', 'lesion'],
    ['fissures', 'fissure'],
    ['nodes', 'node'],
    ['metastasis', 'metastasis'], // -is kept
    ['mass', 'mass'], // -ss kept
    ['hilus', 'hilus'], // -us kept
    ['shoes', 'shoe'], // -oes -> drops only the s
    ['ribs', 'rib'],
    ['cms', 'cms'], // three letters or fewer kept
  ])('%s -> %s', (word, stem) => expect(stemPlural(word)).toBe(stem));
});

describe('analyseText', () => {
  it('maps organ adjectives, attenuation words and units onto the passages\' vocabulary', () => {
    expect(analyseText('Hypodense hepatic lesions', v2)).toEqual(['hypoattenuating', 'liver', 'lesion']);
    expect(analyseText('Splenomegaly, 480 cc', v2)).toEqual(['spleen', 'enlarged', '480', 'ml']);
    expect(analyseText('renal volume 240 cm3', v2)).toEqual(['kidney', 'volume', '240', 'ml']);
    expect(analyseText('below 50 cubic millimetres', v2)).toEqual(['below', '50', 'mm3']);
  });

  it('reads roman Couinaud numbers only after "segment(s)"', () => {
    expect(analyseText('lesion in segment IVb and segments VI', v2)).toEqual(['lesion', 'segment', '4b', 'segment', '6']);
    expect(analyseText('class IV cyst', v2)).toEqual(['class', 'iv', 'cyst']);
  });

  it('spells out abbreviations and folds British spellings and accents', () => {
    expect(analyseText('SMA encasement', v2)).toEqual(['superior', 'mesenteric', 'artery', 'encasement']);
    expect(foldText('Haemangioma, oedema, Ménétrier')).toBe('hemangioma, edema, menetrier');
  });

  it('drops function words unless asked not to, and synonyms can be switched off', () => {
    expect(analyseText('the liver is enlarged', v2)).toEqual(['liver', 'enlarged']);
    expect(analyseText('the liver', { ...v2, dropStopwords: false })).toEqual(['the', 'liver']);
    expect(analyseText('hepatic cyst', { ...v2, synonyms: false })).toEqual(['hepatic', 'cyst']);
  });
});

describe('medical text v2: report vocabulary and location words', () => {
  it('maps derived forms, density phrases, calibre and "natural" onto the passages\' words and drops report hedges', () => {
    expect(analyseText('Emphysematous and atelectatic changes', v2)).toEqual(['emphysema', 'atelectasis', 'change']);
    expect(analyseText('Multiple low-density shadow, considering cysts', v2)).toEqual(['multiple', 'hypoattenuating', 'cyst']);
    expect(analyseText('Calibration of the mediastinal vascular structures is natural', v2)).toEqual(['diameter', 'mediastinum', 'vascular', 'structure', 'normal']);
    expect(analyseText('No space-occupying lesion was observed', v2)).toEqual(['no', 'mass', 'lesion']);
    expect(analyseText('Calcified atherosclerotic plaques; bilateral nephrolithiasis', v2)).toEqual(['calcification', 'atherosclerosis', 'plaque', 'bilateral', 'kidney', 'stone']);
  });

  it('withoutLocationWords keeps the finding and drops side, lobe and segment words; unchanged text is returned as is', () => {
    expect(withoutLocationWords('Bronchiectasis in the left lower lobe')).toBe('bronchiectasis');
    expect(withoutLocationWords('Hypodense lesion in segment IVb of the right lobe of the liver')).toBe('hypodense lesion liver');
    expect(withoutLocationWords('Subpleural nodule, perifissural')).toBe('Subpleural nodule, perifissural');
    expect(withoutLocationWords('No infiltrate in the lung parenchyma; parenchymal band')).toBe('no infiltrate lung parenchymal band');
    expect(withoutLocationWords('Right upper lobe')).toBe('');
  });
});

describe('porterStem (Porter 1980)', () => {
  it.each([
    ['caresses', 'caress'], ['ponies', 'poni'], ['agreed', 'agre'], ['motoring', 'motor'], ['sized', 'size'], ['hopping', 'hop'],
    ['filing', 'file'], ['happy', 'happi'], ['relational', 'relat'], ['conditional', 'condit'], ['vietnamization', 'vietnam'],
    ['decisiveness', 'decis'], ['triplicate', 'triplic'], ['electrical', 'electr'], ['allowance', 'allow'], ['replacement', 'replac'],
    ['adoption', 'adopt'], ['homologous', 'homolog'], ['probate', 'probat'], ['controll', 'control'], ['generalizations', 'gener'],
    ['oscillators', 'oscil'], ['4b', '4b'], ['ct', 'ct'],
  ])('%s -> %s (the published vocabulary)', (word, stem) => expect(porterStem(word)).toBe(stem));
});

describe('medical text v3: Porter stems', () => {
  it('conflates the derived forms of reports and passages', () => {
    const same = (a: string, b: string) => expect(analyseText(a)).toEqual(analyseText(b));
    same('compared with the previous examination', 'comparing to previous examinations');
    same('non-enhanced', 'non enhancing');
    same('enhancement', 'enhancing');
    same('infiltration', 'infiltrates');
    same('dated', 'date');
    expect(analyseText('Hypodense hepatic lesions')).toEqual(['hypoattenu', 'liver', 'lesion']);
    expect(analyseText('the liver is enlarged')).toEqual(['liver', 'enlarg']);
  });
});

describe('medical text v3: report vocabulary', () => {
  it('maps organ adjectives a Porter stem leaves apart onto their nouns, and comparison onto compare', () => {
    expect(analyseText('upper abdominal organs')).toEqual(analyseText('upper abdomen organs'));
    expect(analyseText('aortic wall')).toEqual(analyseText('aorta wall'));
    expect(analyseText('mediastinal fat')).toEqual(analyseText('mediastinum fat'));
    expect(analyseText('comparison with the prior study')).toEqual(analyseText('compared with the prior study'));
  });

  it('drops the hedge "significant" and reads a cross-section as a section', () => {
    expect(analyseText('No significant change', v2)).toEqual(['no', 'change']);
    expect(analyseText('the spleen seen within the cross-sectional field', v2)).toEqual(['spleen', 'within', 'sectional', 'field']);
  });

  it('withoutLocationWords drops the scanned sections', () => {
    expect(withoutLocationWords('No cyst of the spleen seen within the cross-sectional field')).toBe('no cyst spleen within field');
    expect(withoutLocationWords('Adrenal glands in the sections are natural')).toBe('adrenal glands natural');
  });
});
