import { describe, expect, it } from 'vitest';
import { analyseText, foldText, stemPlural, withoutLocationWords } from './medical-text.ts';

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
    expect(analyseText('Hypodense hepatic lesions')).toEqual(['hypoattenuating', 'liver', 'lesion']);
    expect(analyseText('Splenomegaly, 480 cc')).toEqual(['spleen', 'enlarged', '480', 'ml']);
    expect(analyseText('renal volume 240 cm3')).toEqual(['kidney', 'volume', '240', 'ml']);
    expect(analyseText('below 50 cubic millimetres')).toEqual(['below', '50', 'mm3']);
  });

  it('reads roman Couinaud numbers only after "segment(s)"', () => {
    expect(analyseText('lesion in segment IVb and segments VI')).toEqual(['lesion', 'segment', '4b', 'segment', '6']);
    expect(analyseText('class IV cyst')).toEqual(['class', 'iv', 'cyst']);
  });

  it('spells out abbreviations and folds British spellings and accents', () => {
    expect(analyseText('SMA encasement')).toEqual(['superior', 'mesenteric', 'artery', 'encasement']);
    expect(foldText('Haemangioma, oedema, Ménétrier')).toBe('hemangioma, edema, menetrier');
  });

  it('drops function words unless asked not to, and synonyms can be switched off', () => {
    expect(analyseText('the liver is enlarged')).toEqual(['liver', 'enlarged']);
    expect(analyseText('the liver', { dropStopwords: false })).toEqual(['the', 'liver']);
    expect(analyseText('hepatic cyst', { synonyms: false })).toEqual(['hepatic', 'cyst']);
  });
});

describe('medical text v2: report vocabulary and location words', () => {
  it('maps derived forms, density phrases, calibre and "natural" onto the passages\' words and drops report hedges', () => {
    expect(analyseText('Emphysematous and atelectatic changes')).toEqual(['emphysema', 'atelectasis', 'change']);
    expect(analyseText('Multiple low-density shadow, considering cysts')).toEqual(['multiple', 'hypoattenuating', 'cyst']);
    expect(analyseText('Calibration of the mediastinal vascular structures is natural')).toEqual(['diameter', 'mediastinal', 'vascular', 'structure', 'normal']);
    expect(analyseText('No space-occupying lesion was observed')).toEqual(['no', 'mass', 'lesion']);
    expect(analyseText('Calcified atherosclerotic plaques; bilateral nephrolithiasis')).toEqual(['calcification', 'atherosclerosis', 'plaque', 'bilateral', 'kidney', 'stone']);
  });

  it('withoutLocationWords keeps the finding and drops side, lobe and segment words; unchanged text is returned as is', () => {
    expect(withoutLocationWords('Bronchiectasis in the left lower lobe')).toBe('bronchiectasis');
    expect(withoutLocationWords('Hypodense lesion in segment IVb of the right lobe of the liver')).toBe('hypodense lesion liver');
    expect(withoutLocationWords('Subpleural nodule, perifissural')).toBe('Subpleural nodule, perifissural');
    expect(withoutLocationWords('Right upper lobe')).toBe('');
  });
});
