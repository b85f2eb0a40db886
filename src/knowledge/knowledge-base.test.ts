import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config.ts';
import { GroundctError } from '../errors.ts';
import {
  DEFAULT_PASSAGES_DIR,
  loadKnowledgeBase,
  parsePassage,
  requireThreshold,
  thresholdValue,
  type KnowledgeBase,
} from './knowledge-base.ts';

/** Ids the findings rules cite, grouped by the coverage the knowledge base must have. */
const REQUIRED_IDS: Record<string, readonly string[]> = {
  radgpt: [
    'radgpt-overview', 'radgpt-spleen-volume', 'radgpt-kidney-volume', 'radgpt-liver-volume', 'radgpt-pancreas-volume',
    'radgpt-fatty-liver', 'radgpt-fatty-pancreas', 'radgpt-lesion-component', 'radgpt-lesion-location', 'radgpt-lesion-size',
    'radgpt-lesion-attenuation', 'radgpt-pancreas-subsegments', 'radgpt-vessel-contact', 'radgpt-partial-organ',
    'radgpt-pancreas-t-stage', 'radgpt-small-tumor-detection',
  ],
  organSizeNorms: ['lugano-spleen-length', 'liver-craniocaudal-span', 'kidney-length-norm', 'pancreas-normal-dimensions'],
  attenuation: [
    'hounsfield-scale', 'tissue-hu-ranges', 'attenuation-terms', 'contrast-phase-caveat', 'steatosis-unenhanced-ct',
    'steatosis-liver-spleen-difference', 'steatosis-contrast-enhanced-ct',
  ],
  recist: [
    'recist11-measurable-lesion', 'recist11-lymph-node', 'recist11-target-lesion', 'recist11-sum-of-diameters',
    'recist11-response-categories', 'recist11-non-measurable',
  ],
  ajcc: ['ajcc8-pancreas-t', 'ajcc8-kidney-t', 'ajcc8-lung-t', 'ajcc8-liver-t', 'ajcc8-soft-tissue-sarcoma-t', 'ajcc8-staging-limits'],
  resectability: ['nccn-pancreas-resectability', 'vessel-contact-terms', 'sar-apa-pancreas-template'],
  anatomy: [
    'couinaud-segments', 'couinaud-caudate-segment-1', 'couinaud-left-lateral-segments-2-3', 'couinaud-left-medial-segment-4',
    'couinaud-right-anterior-segments-5-8', 'couinaud-right-posterior-segments-6-7', 'pancreas-anatomy-parts',
    'lung-lobes-fissures', 'vertebral-levels', 'totalsegmentator-vocabulary', 'totalsegmentator-statistics',
  ],
  fleischner: ['fleischner2017-solid-nodule', 'fleischner2017-subsolid-nodule', 'fleischner2017-nodule-measurement', 'fleischner-nodule-vs-mass'],
  nodesAndFluid: ['lymph-node-short-axis', 'ascites-free-fluid', 'pleural-effusion'],
  ibsi: ['ibsi-mesh-volume-surface', 'ibsi-sphericity-compactness', 'ibsi-maximum-3d-diameter', 'ibsi-pca-axes'],
  lesionAppearance: [
    'hepatic-cyst', 'hepatic-hemangioma', 'hepatocellular-carcinoma-lirads', 'liver-metastases', 'pancreatic-adenocarcinoma',
    'pancreatic-cystic-lesions', 'bosniak2019-renal-cyst', 'renal-cell-carcinoma', 'adrenal-adenoma', 'splenic-lesions',
    'soft-tissue-sarcoma', 'fleischner-nodule-vs-mass',
  ],
  methods: [
    'groundct-partial-organ', 'groundct-26-connectivity', 'groundct-longest-diameter', 'groundct-volume-voxels-vs-mesh',
    'groundct-min-component-size', 'groundct-organ-parenchyma', 'groundct-negative-findings', 'radfact-grounded-factuality',
  ],
};

/** DOIs the brief names; a typo here would send readers to the wrong paper. */
const EXPECTED_DOIS: Record<string, string> = {
  'recist11-measurable-lesion': '10.1016/j.ejca.2008.10.026',
  'sar-apa-pancreas-template': '10.1148/radiol.13131184',
  'totalsegmentator-vocabulary': '10.1148/ryai.230024',
  'fleischner2017-solid-nodule': '10.1148/radiol.2017161659',
  'ibsi-sphericity-compactness': '10.1148/radiol.2020191145',
  'bosniak2019-renal-cyst': '10.1148/radiol.2019182646',
};

function expectGct(fn: () => unknown, code: string, details?: Record<string, unknown>): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GroundctError);
    expect((e as GroundctError).code).toBe(code);
    if (details) expect((e as GroundctError).details).toMatchObject(details);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

async function expectGctAsync(p: Promise<unknown>, code: string, details?: Record<string, unknown>): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GroundctError);
  expect((e as GroundctError).code).toBe(code);
  if (details) expect((e as GroundctError).details).toMatchObject(details);
}

describe('the shipped knowledge base', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase();
  });

  it('parses every passage, with unique ids and at least 180 passages', () => {
    expect(kb.passages.length).toBeGreaterThanOrEqual(180);
    expect(kb.byId.size).toBe(kb.passages.length);
    expect(kb.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(Object.entries(REQUIRED_IDS))('covers the required topic %s', (_topic, ids) => {
    const missing = ids.filter((id) => !kb.byId.has(id));
    expect(missing).toEqual([]);
  });

  it('carries the RadGPT numbers stated in MISSION.md', () => {
    expect(thresholdValue(kb, 'radgpt-spleen-volume', 'enlargedVolumeCm3')).toBe(314.5);
    expect(thresholdValue(kb, 'radgpt-spleen-volume', 'massiveVolumeCm3')).toBe(430.8);
    expect(thresholdValue(kb, 'radgpt-kidney-volume', 'enlargedVolumeCm3')).toBe(207.6);
    expect(thresholdValue(kb, 'radgpt-liver-volume', 'enlargedVolumeCm3')).toBe(3000);
    expect(thresholdValue(kb, 'radgpt-pancreas-volume', 'enlargedVolumeCm3')).toBe(83);
    expect(thresholdValue(kb, 'radgpt-fatty-liver', 'maxMeanHu')).toBe(40);
    expect(thresholdValue(kb, 'radgpt-fatty-pancreas', 'maxPancreasSpleenHuRatio')).toBe(0.7);
    expect(thresholdValue(kb, 'radgpt-lesion-component', 'minComponentVolumeMm3')).toBe(50);
    expect(thresholdValue(kb, 'radgpt-lesion-location', 'minVoxelSharePercent')).toBe(10);
    expect(requireThreshold(kb, 'radgpt-lesion-location', 'minVoxelSharePercent').unit).toBe('%');
    expect(thresholdValue(kb, 'radgpt-lesion-attenuation', 'isoBandSdFraction')).toBe(0.1);
    expect(thresholdValue(kb, 'radgpt-vessel-contact', 'ringWidthMm')).toBe(2);
    expect(thresholdValue(kb, 'radgpt-vessel-contact', 'encasementAngleDeg')).toBe(180);
    // Pancreatic T bands (MISSION.md: <= 0.5 cm T1a, <= 1 T1b, <= 2 T1c, <= 4 T2, > 4 T3).
    expect(['t1aMaxCm', 't1bMaxCm', 't1cMaxCm', 't2MaxCm'].map((n) => thresholdValue(kb, 'radgpt-pancreas-t-stage', n))).toEqual([0.5, 1, 2, 4]);
  });

  it('agrees with the guideline numbers other stages rely on', () => {
    expect(thresholdValue(kb, 'recist11-measurable-lesion', 'minLongAxisMm')).toBe(10);
    expect(thresholdValue(kb, 'recist11-lymph-node', 'targetMinShortAxisMm')).toBe(15);
    expect(thresholdValue(kb, 'recist11-lymph-node', 'pathologicalMinShortAxisMm')).toBe(10);
    expect(thresholdValue(kb, 'recist11-target-lesion', 'maxTargetLesions')).toBe(5);
    expect(thresholdValue(kb, 'recist11-target-lesion', 'maxTargetLesionsPerOrgan')).toBe(2);
    expect(thresholdValue(kb, 'fleischner2017-solid-nodule', 'noRoutineFollowUpBelowMm')).toBe(6);
    expect(thresholdValue(kb, 'fleischner2017-solid-nodule', 'largeNoduleAboveMm')).toBe(8);
    expect(thresholdValue(kb, 'fleischner-nodule-vs-mass', 'massAboveCm')).toBe(3);
    expect(thresholdValue(kb, 'lymph-node-short-axis', 'retrocruralMaxShortAxisMm')).toBe(6);
    expect(thresholdValue(kb, 'lugano-spleen-length', 'maxNormalLengthCm')).toBe(13);
    expect(thresholdValue(kb, 'adrenal-adenoma', 'lipidRichMaxHu')).toBe(10);
    expect(['t1aMaxCm', 't1bMaxCm', 't2aMaxCm'].map((n) => thresholdValue(kb, 'ajcc8-kidney-t', n))).toEqual([4, 7, 10]);
    expect(['t1aMaxCm', 't1bMaxCm', 't1cMaxCm', 't2aMaxCm', 't2bMaxCm', 't3MaxCm'].map((n) => thresholdValue(kb, 'ajcc8-lung-t', n))).toEqual([1, 2, 3, 4, 5, 7]);
    expect(thresholdValue(kb, 'hounsfield-scale', 'airHu')).toBe(-1000);
  });

  it('holds the same lesion noise floor as the default configuration', () => {
    const config = ConfigSchema.parse({});
    expect(thresholdValue(kb, 'groundct-min-component-size', 'minComponentVolumeMm3')).toBe(config.measure.minLesionVolumeMm3);
  });

  it('gives every literature passage a DOI or PubMed id of valid form', () => {
    // Crossref's pattern for modern DOIs (prefix 10.NNNN+, suffix of URL-safe characters) and PubMed's integer ids.
    const DOI = /^10\.\d{4,9}\/[-._;()/:A-Za-z0-9]+$/;
    const PMID = /^[1-9]\d{0,8}$/;
    const literature = kb.passages.filter((p) => p.kind === 'literature');
    expect(literature.length).toBeGreaterThanOrEqual(150);
    const missing = literature.filter((p) => p.source.doi === undefined && p.source.pmid === undefined).map((p) => p.id);
    expect(missing).toEqual([]);
    const malformed = literature.filter((p) => (p.source.doi !== undefined && !DOI.test(p.source.doi)) || (p.source.pmid !== undefined && !PMID.test(p.source.pmid))).map((p) => p.id);
    expect(malformed).toEqual([]);
  });

  it('links every method passage to the literature it follows (the citation fallback of src/ground)', () => {
    const orphans = kb.passages.filter((p) => p.kind === 'method' && !p.related.some((r) => kb.byId.get(r)?.kind === 'literature')).map((p) => p.id);
    expect(orphans).toEqual([]);
  });

  it('lists for review only passages that exist and are literature', async () => {
    const readme = await readFile(path.join(DEFAULT_PASSAGES_DIR, '..', 'README.md'), 'utf8');
    const section = readme.split('## Sources to verify')[1]?.split('\n## ')[0] ?? '';
    const ids = [...section.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id) => kb.byId.get(id)?.kind !== 'literature')).toEqual([]);
  });

  it('cites the DOIs named in the brief exactly', () => {
    for (const [id, doi] of Object.entries(EXPECTED_DOIS)) expect(kb.byId.get(id)?.source.doi).toBe(doi);
  });

  it('keeps every body at 2 to 6 sentences', () => {
    // Sentence ends: . ! ? followed by space and a capital, a quote or a parenthesis (no abbreviations used in bodies).
    const tooShortOrLong = kb.passages
      .map((p) => ({ id: p.id, sentences: p.body.split(/(?<=[.!?])\s+(?=[A-Z"(])/).length }))
      .filter((x) => x.sentences < 2 || x.sentences > 6);
    expect(tooShortOrLong).toEqual([]);
  });

  it('lists every passage id in knowledge-base/README.md', async () => {
    const readme = await readFile(path.join(DEFAULT_PASSAGES_DIR, '..', 'README.md'), 'utf8');
    const unlisted = kb.passages.map((p) => p.id).filter((id) => !readme.includes(`\`${id}\``));
    expect(unlisted).toEqual([]);
  });

  it('throws GCT_KB_REFERENCE_UNKNOWN for an absent passage or threshold', () => {
    expectGct(() => thresholdValue(kb, 'no-such-passage', 'x'), 'GCT_KB_REFERENCE_UNKNOWN', { passageId: 'no-such-passage' });
    expectGct(() => thresholdValue(kb, 'radgpt-spleen-volume', 'noSuchThreshold'), 'GCT_KB_REFERENCE_UNKNOWN', {
      available: ['enlargedVolumeCm3', 'massiveVolumeCm3'],
    });
  });
});

const GOOD = `---
# a comment line
id: good-passage
kind: literature
title: "A passage: with a colon"
topics: [alpha, beta-gamma]
source:
  authors: Doe J, Roe R
  title: 'It''s a title'
  year: 2020
  journal: Some Journal
  doi: 10.1000/xyz123
thresholds:
  - name: firstLimitMm
    value: 12.5
    unit: mm
    meaning: "the first limit, in mm"
  - name: negativeHu
    value: -1000
    unit: HU
    meaning: air
related: []
---
This body has two sentences and is long enough to pass the minimum length check. It is the second sentence here.
`;

describe('parsePassage', () => {
  it('reads the YAML subset: quoted strings, flow lists, a nested map and a list of maps', () => {
    const p = parsePassage(GOOD, 'good-passage.md');
    expect(p.id).toBe('good-passage');
    expect(p.title).toBe('A passage: with a colon');
    expect(p.topics).toEqual(['alpha', 'beta-gamma']);
    expect(p.source).toEqual({ authors: 'Doe J, Roe R', title: "It's a title", year: 2020, journal: 'Some Journal', doi: '10.1000/xyz123' });
    expect(p.thresholds).toEqual([
      { name: 'firstLimitMm', value: 12.5, unit: 'mm', meaning: 'the first limit, in mm' },
      { name: 'negativeHu', value: -1000, unit: 'HU', meaning: 'air' },
    ]);
    expect(p.related).toEqual([]);
    expect(p.body.startsWith('This body has two sentences')).toBe(true);
  });

  it('reads block lists of scalars and CRLF line ends', () => {
    const text = GOOD.replace('topics: [alpha, beta-gamma]', 'topics:\n  - alpha\n  - beta-gamma').replace(/\n/g, '\r\n');
    expect(parsePassage(text, 'good-passage.md').topics).toEqual(['alpha', 'beta-gamma']);
  });

  it('reads JSON front matter', () => {
    const json = {
      id: 'json-passage',
      kind: 'method',
      title: 'JSON',
      topics: ['x'],
      source: { body: 'Some Society', title: 'T', year: 2001, url: 'https://example.org/t' },
      thresholds: [{ name: 'limitCm', value: 3, unit: 'cm', meaning: 'm' }],
    };
    const p = parsePassage(`---\n${JSON.stringify(json, null, 2)}\n---\n${'Body text that is long enough to be a passage. '.repeat(2)}`, 'json-passage.md');
    expect(p.source.body).toBe('Some Society');
    expect(p.thresholds[0].value).toBe(3);
    expect(p.related).toEqual([]);
  });

  it.each([
    ['no opening fence', GOOD.slice(4), 'front matter'],
    ['no closing fence', GOOD.replace('\n---\nThis', '\nThis'), 'front matter'],
    ['a tab', GOOD.replace('  authors:', '\tauthors:'), 'front matter'],
    ['an unquoted colon', GOOD.replace('title: "A passage: with a colon"', 'title: A passage: with a colon'), 'title'],
    ['a duplicate key', GOOD.replace('topics: [alpha, beta-gamma]', 'topics: [alpha]\ntopics: [beta]'), 'topics'],
    ['a missing source', GOOD.replace(/source:\n(  .*\n)+/, ''), 'source'],
    ['a source without authors or body', GOOD.replace('  authors: Doe J, Roe R\n', ''), 'source.authors'],
    ['a non-numeric threshold', GOOD.replace('value: 12.5', 'value: twelve'), 'thresholds.0.value'],
    ['an unknown key', GOOD.replace('related: []', 'relatd: []'), 'relatd'],
    ['a bad id', GOOD.replace('id: good-passage', 'id: Good_Passage'), 'id'],
    ['a missing kind', GOOD.replace('kind: literature\n', ''), 'kind'],
    ['an unknown kind', GOOD.replace('kind: literature', 'kind: guideline'), 'kind'],
    ['a bad DOI', GOOD.replace('doi: 10.1000/xyz123', 'doi: doi.org/10.1000/xyz'), 'source.doi'],
    ['a short body', GOOD.replace(/---\nThis body[\s\S]*$/, '---\nToo short.\n'), 'body'],
    ['duplicate threshold names', GOOD.replace('name: negativeHu', 'name: firstLimitMm'), 'thresholds.1.name'],
  ])('rejects %s with GCT_KB_PASSAGE_INVALID naming the field', (_what, text, field) => {
    expectGct(() => parsePassage(text, 'good-passage.md'), 'GCT_KB_PASSAGE_INVALID', { file: 'good-passage.md', field });
  });
});

describe('loadKnowledgeBase on a temporary folder', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const withFiles = async (files: Record<string, string>): Promise<string> => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'groundct-kb-'));
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    return dir;
  };
  const other = GOOD.replace('id: good-passage', 'id: other-passage');

  it('hashes the sorted files deterministically and notices a change', async () => {
    const d = await withFiles({ 'good-passage.md': GOOD, 'other-passage.md': other, 'notes.txt': 'ignored' });
    const kb = await loadKnowledgeBase(d);
    expect(kb.passages.map((p) => p.id)).toEqual(['good-passage', 'other-passage']);
    const expected = createHash('sha256').update(`good-passage.md\0${GOOD}\0other-passage.md\0${other}\0`).digest('hex');
    expect(kb.contentHash).toBe(expected);
    await writeFile(path.join(d, 'other-passage.md'), other.replace('12.5', '12.6'));
    expect((await loadKnowledgeBase(d)).contentHash).not.toBe(expected);
  });

  it('gives GCT_KB_PASSAGE_INVALID for a passage without source, naming file and field', async () => {
    const d = await withFiles({ 'good-passage.md': GOOD.replace(/source:\n(  .*\n)+/, '') });
    await expectGctAsync(loadKnowledgeBase(d), 'GCT_KB_PASSAGE_INVALID', { file: 'good-passage.md', field: 'source' });
  });

  it('gives GCT_KB_PASSAGE_INVALID for broken front matter', async () => {
    const d = await withFiles({ 'good-passage.md': GOOD.replace('source:\n', 'source\n') });
    await expectGctAsync(loadKnowledgeBase(d), 'GCT_KB_PASSAGE_INVALID', { file: 'good-passage.md', field: 'front matter' });
  });

  it('gives GCT_KB_DUPLICATE_ID when two files declare one id', async () => {
    const d = await withFiles({ 'good-passage.md': GOOD, 'zz-copy.md': GOOD });
    await expectGctAsync(loadKnowledgeBase(d), 'GCT_KB_DUPLICATE_ID', { id: 'good-passage', files: ['good-passage.md', 'zz-copy.md'] });
  });

  it('requires the id to equal the file name', async () => {
    const d = await withFiles({ 'renamed.md': GOOD });
    await expectGctAsync(loadKnowledgeBase(d), 'GCT_KB_PASSAGE_INVALID', { file: 'renamed.md', field: 'id' });
  });

  it('rejects a related id that names no passage', async () => {
    const d = await withFiles({ 'good-passage.md': GOOD.replace('related: []', 'related: [missing-passage]') });
    await expectGctAsync(loadKnowledgeBase(d), 'GCT_KB_PASSAGE_INVALID', { file: 'good-passage.md', field: 'related' });
  });

  it('gives GCT_KB_NOT_FOUND for a missing or empty folder', async () => {
    const d = await withFiles({});
    await expectGctAsync(loadKnowledgeBase(d), 'GCT_KB_NOT_FOUND');
    await expectGctAsync(loadKnowledgeBase(path.join(d, 'absent')), 'GCT_KB_NOT_FOUND');
  });
});
