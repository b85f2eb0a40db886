import type { QuestionItem, Expected } from './question-set.ts';
import { displayOf, type PhantomOracle, type TruthLesion } from './oracle.ts';

/**
 * Questions over one phantom study, with expected answers from its truth (PhantomOracle). Each type is asked in
 * several phrasings; the phrasing is picked by a counter, so the set is the same on every run.
 */

/** Tolerances: volumes are exact voxel counts (display 3 decimals); means to 0.005 HU; diameters to 0.05 mm. */
export const TOL = { volumeMl: 0.0005, hu: 0.005, mm: 0.05 } as const;

type Draft = Omit<QuestionItem, 'id' | 'study'>;

const yes = (b: boolean): Expected => ({ answerable: true, answer: b ? 'yes' : 'no' });
const no = (reason: NonNullable<Expected['reason']>): Expected => ({ answerable: false, reason });

/** How questions name an organ (several spellings each: synonyms, 'L', numerals, 'head of the pancreas'). */
const ORGAN_PHRASES: Readonly<Record<string, readonly string[]>> = {
  liver: ['liver', 'hepatic parenchyma'],
  pancreas: ['pancreas'],
  spleen: ['spleen'],
  kidney_left: ['left kidney', 'L kidney'],
  kidney_right: ['right kidney', 'R kidney'],
  gallbladder: ['gallbladder', 'gall bladder'],
  pancreas_head: ['pancreatic head', 'head of the pancreas'],
  pancreas_body: ['pancreatic body', 'body of the pancreas'],
  pancreas_tail: ['pancreatic tail', 'tail of the pancreas'],
  liver_segment_2: ['Couinaud segment 2', 'segment II'],
  liver_segment_4: ['segment IV', 'liver segment 4'],
  liver_segment_6: ['segment VI', 'Couinaud segment 6'],
  liver_segment_7: ['segment VII', 'segment 7'],
  liver_segment_8: ['segment 8', 'Couinaud segment VIII'],
  portal_vein_and_splenic_vein: ['portal vein'],
  aorta: ['aorta'],
  kidneys: ['kidneys', 'both kidneys'],
};

/** How questions name a lesion of an organ. */
function lesionPhrases(l: TruthLesion): string[] {
  if (l.organ === 'liver') return ['liver lesion', 'hepatic lesion', 'lesion in the liver'];
  if (l.organ === 'pancreas') return ['pancreatic tumour', 'pancreatic lesion', 'pancreas mass', 'lesion in the pancreas'];
  if (l.organ === 'spleen') return ['splenic lesion', 'spleen lesion'];
  const side = l.organ === 'kidney_left' ? 'left' : 'right';
  return l.cyst ? [`${side} renal cyst`, `cyst in the ${side} kidney`, `${side[0].toUpperCase()} kidney cyst`] : [`${side} kidney lesion`, `${side} renal mass`, `tumour of the ${side} kidney`];
}

export function phantomQuestions(o: PhantomOracle): Draft[] {
  let n = 0;
  const pick = <T>(xs: readonly T[]): T => xs[n++ % xs.length];
  const out: Draft[] = [];
  const add = (type: Draft['type'], question: string, expected: Expected, basis: string) => out.push({ type, question, expected, basis });

  // Which lesion phrase names a lesion uniquely: its organ's phrase when it is alone there, else by rank.
  const named = o.lesions.map((l) => {
    const peers = o.lesionsIn(l.organ).filter((p) => p.cyst === l.cyst);
    const rank = peers.indexOf(l);
    const base = pick(lesionPhrases(l));
    if (peers.length === 1) return { l, phrase: base };
    const word = rank === 0 ? 'largest' : rank === peers.length - 1 ? 'smallest' : rank === 1 ? 'second largest' : null;
    return word === null ? null : { l, phrase: `${word} ${base.replace(/^lesion in the liver$/, 'liver lesion')}` };
  }).filter((x) => x !== null);

  // presence
  const presenceOrgans = ['liver', 'pancreas', 'spleen', 'kidney_left', 'kidney_right', 'gallbladder', 'pancreas_head', 'pancreas_tail', 'liver_segment_7', 'liver_segment_2', 'liver_segment_4'];
  for (const organ of presenceOrgans) {
    const phrase = pick(ORGAN_PHRASES[organ]);
    const matches = o.lesionsIn(organ);
    const expected = matches.length > 0 ? yes(true) : (o.absence(organ) ?? yes(false));
    const q = pick([`Is there a lesion in the ${phrase}?`, `Does the ${phrase} contain a lesion?`, `Is a lesion present in the ${phrase}?`, `Are there any lesions in the ${phrase}?`]);
    add('presence', q, expected, `truth lesions in ${organ}; ${organ} ${o.status(o.coverageOf(organ))}`);
  }
  for (const [organ, kind, word] of [['kidney_left', 'solid', 'tumour'], ['kidney_right', 'cyst', 'cyst'], ['pancreas', 'solid', 'mass']] as const) {
    if (kind === 'cyst' && o.lesionsIn(organ).some((l) => !l.cyst)) continue; // a label that does not say "cyst" cannot answer it
    const matches = o.lesionsIn(organ, kind);
    add('presence', `Is there a ${word} in the ${pick(ORGAN_PHRASES[organ])}?`, matches.length > 0 ? yes(true) : (o.absence(organ) ?? yes(false)), `truth ${kind} lesions in ${organ}`);
  }

  // count
  for (const organ of ['liver', 'pancreas', 'kidney_left', 'spleen']) {
    const count = o.lesionsIn(organ).length;
    const expected: Expected = count > 0 ? { answerable: true, value: count, unit: 'count', toleranceAbs: 0 } : (o.absence(organ) ?? { answerable: true, value: 0, unit: 'count', toleranceAbs: 0 });
    const adj = { liver: 'liver', pancreas: 'pancreatic', kidney_left: 'left renal', spleen: 'splenic' }[organ];
    add('count', pick([`How many ${adj} lesions are there?`, `How many lesions are in the ${pick(ORGAN_PHRASES[organ])}?`, `What is the number of lesions in the ${pick(ORGAN_PHRASES[organ])}?`]), expected, `truth lesion count in ${organ}`);
  }
  add('count', 'How many lesions are there in total?', o.lesions.length > 0 ? { answerable: true, value: o.lesions.length, unit: 'count', toleranceAbs: 0 } : no('structure_absent'), 'truth lesion count (study; no lesion label means no search)');

  // lesion location, size, attenuation, staging, show
  for (const { l, phrase } of named) {
    const loc = l.segments.length > 0 ? l.segments.map(displayOf).join(' and ') : displayOf(l.organ);
    const locQ = l.organ === 'liver' ? [`Where is the ${phrase}?`, `In which Couinaud segment is the ${phrase}?`] : l.organ === 'pancreas' ? [`Where is the ${phrase} located?`, `Which part of the pancreas holds the ${phrase}?`] : [`Where is the ${phrase}?`];
    add('location', pick(locQ), { answerable: true, answer: loc }, 'truth segments (> 10 % of voxels) / organ');
    add('size', pick([`How large is the ${phrase}?`, `What is the long axis of the ${phrase}?`, `What is the size of the ${phrase}?`]), { answerable: true, value: l.longAxisMm, unit: 'mm', toleranceAbs: TOL.mm }, 'truth axial long axis');
    add('size', pick([`What is the volume of the ${phrase}?`, `What is the ${phrase} volume in mL?`]), { answerable: true, value: l.volumeMl, unit: 'mL', toleranceAbs: TOL.volumeMl }, 'truth lesion voxels x voxel volume');
    add('size', `What is the short axis of the ${phrase}?`, { answerable: true, value: l.shortAxisMm, unit: 'mm', toleranceAbs: TOL.mm }, 'truth axial short axis');
    const word = { hypo: 'hypoattenuating', iso: 'isoattenuating', hyper: 'hyperattenuating' }[l.attenuation];
    add('attenuation', `What is the attenuation of the ${phrase}?`, { answerable: true, answer: word }, 'truth attenuation vs parenchyma');
    const asked = pick(['hypo', 'hyper'] as const);
    add('attenuation', asked === 'hypo' ? pick([`Is the ${phrase} hypodense?`, `Is the ${phrase} hypoattenuating?`]) : pick([`Is the ${phrase} hyperdense?`, `Is the ${phrase} hyperattenuating?`]), yes(l.attenuation === asked), 'truth attenuation vs parenchyma');
    const t = o.tCategory(l);
    add('staging', pick([`What is the T stage of the ${phrase}?`, `What T category is the ${phrase}?`, `What is the imaging T category of the ${phrase}?`]), t === null ? no('out_of_scope') : { answerable: true, answer: t }, 'AJCC 8 / RadGPT bands on truth long axis and constructed SMA angle');
    add('show', pick([`Show me the ${phrase}`, `Display the ${phrase}`, `Highlight the ${phrase}`]), { answerable: true, mask: { labelName: l.labelName, componentId: l.componentId } }, 'truth lesion label');
  }
  // lesion questions about lesions that do not exist
  for (const [organ, phrase] of [['kidney_right', 'right kidney lesion'], ['spleen', 'splenic lesion'], ['pancreas', 'pancreatic tumour']] as const) {
    if (o.lesionsIn(organ).length > 0) continue;
    const absent = o.absence(organ) ?? no('structure_absent');
    add(pick(['location', 'size', 'staging'] as const), pick([`Where is the ${phrase}?`, `How large is the ${phrase}?`, `What is the T stage of the ${phrase}?`]), absent, `no truth lesion in ${organ}`);
  }

  // organ size, attenuation, normality, comparison, show
  for (const organ of ['spleen', 'liver', 'pancreas', 'kidney_left', 'kidney_right', 'gallbladder', 'portal_vein_and_splenic_vein', 'aorta', 'kidneys']) {
    const s = o.status(organ);
    const phrase = pick(ORGAN_PHRASES[organ]);
    const vol: Expected = s === 'complete' ? { answerable: true, value: o.volumeMl(organ), unit: 'mL', toleranceAbs: TOL.volumeMl } : no(s === 'partial' ? 'partially_imaged' : 'structure_absent');
    add('size', pick([`What is the ${phrase} volume?`, `What is the volume of the ${phrase}?`, `How big is the ${phrase}?`]), vol, 'truth voxel count x voxel volume; withheld when cut by the border');
    if (organ === 'kidneys') continue;
    const hu = o.structure(organ)?.meanHu;
    add('attenuation', pick([`What is the mean attenuation of the ${phrase}?`, `What is the mean HU of the ${phrase}?`, `What is the average density of the ${phrase} in Hounsfield units?`]), hu === undefined ? no('structure_absent') : { answerable: true, value: hu, unit: 'HU', toleranceAbs: TOL.hu }, 'truth mean of stored CT values in the label');
  }
  for (const organ of ['spleen', 'liver', 'pancreas', 'kidney_left', 'kidney_right', 'gallbladder']) {
    const s = o.status(organ);
    const phrase = pick(ORGAN_PHRASES[organ]);
    const e = o.enlarged(organ);
    const polarity = pick(['normal', 'abnormal'] as const);
    const question = polarity === 'normal' ? pick([`Is the ${phrase} normal in size?`, `Is the ${phrase} of normal size?`]) : organ === 'spleen' ? pick(['Is there splenomegaly?', 'Is the spleen enlarged?']) : organ === 'liver' ? 'Is there hepatomegaly?' : `Is the ${phrase} enlarged?`;
    const expected = s !== 'complete' ? no(s === 'partial' ? 'partially_imaged' : 'structure_absent') : e === null ? no('out_of_scope') : yes(polarity === 'normal' ? !e : e);
    add('normality', question, expected, 'truth volume vs RadGPT enlarged-above limit');
    if (organ !== 'spleen') {
      const overall = s !== 'complete' ? no(s === 'partial' ? 'partially_imaged' : 'structure_absent') : yes(o.normalOverall(organ));
      add('normality', pick([`Is the ${phrase} normal?`, `Does the ${phrase} look normal?`]), overall, 'truth: complete, no lesion, not enlarged, not fatty');
    }
  }
  for (const organ of ['liver', 'pancreas'] as const) {
    const f = o.fatty(organ);
    const question = organ === 'liver' ? pick(['Is the liver fatty?', 'Is there hepatic steatosis?', 'Does the patient have a fatty liver?']) : 'Is the pancreas fatty?';
    add('normality', question, f === null ? no('out_of_scope') : yes(f), 'truth mean HU vs RadGPT steatosis limits (non-contrast only)');
  }
  const cmp = (a: string, b: string, prop: 'volume' | 'hu'): Expected => {
    for (const x of [a, b]) {
      const s = o.status(x);
      if (s === 'absent') return no('structure_absent');
      if (prop === 'volume' && s === 'partial') return no('partially_imaged');
    }
    return { answerable: true };
  };
  const value = (x: string, prop: 'volume' | 'hu') => (prop === 'volume' ? o.volumeMl(x) : o.structure(x)!.meanHu);
  const which = (a: string, b: string, prop: 'volume' | 'hu', larger: boolean): Expected => {
    const base = cmp(a, b, prop);
    if (!base.answerable) return base;
    return { answerable: true, answer: displayOf((value(a, prop) > value(b, prop)) === larger ? a : b) };
  };
  const yesno = (a: string, b: string, prop: 'volume' | 'hu'): Expected => {
    const base = cmp(a, b, prop);
    return base.answerable ? yes(value(a, prop) > value(b, prop)) : base;
  };
  add('comparison', 'Which kidney is larger?', which('kidney_left', 'kidney_right', 'volume', true), 'truth kidney volumes');
  add('comparison', 'Which kidney is smaller?', which('kidney_left', 'kidney_right', 'volume', false), 'truth kidney volumes');
  add('comparison', pick(['Is the left kidney larger than the right kidney?', 'Is the L kidney bigger than the R kidney?']), yesno('kidney_left', 'kidney_right', 'volume'), 'truth kidney volumes');
  add('comparison', 'Which is larger, the liver or the spleen?', which('liver', 'spleen', 'volume', true), 'truth volumes');
  add('comparison', 'Which has higher attenuation, the liver or the spleen?', which('liver', 'spleen', 'hu', true), 'truth mean HU');
  add('comparison', 'Is the spleen denser than the liver?', yesno('spleen', 'liver', 'hu'), 'truth mean HU');
  for (const organ of ['spleen', 'pancreas', 'liver']) add('show', pick([`Show me the ${organ}`, `Display the ${organ}`]), { answerable: true, mask: { labelName: organ } }, 'truth label');
  add('show', 'Show me the ascites', no('structure_absent'), 'no ascites label in the phantom');

  // free phrasings: abbreviations, ellipsis, colloquial words (written to test the parser, not from its patterns)
  const liverAbsent = o.lesionsIn('liver').length > 0 ? yes(true) : (o.absence('liver') ?? yes(false));
  add('presence', pick(['Any lesions in the liver?', 'Any focal liver lesion?', 'Liver lesions present?']), liverAbsent, 'truth lesions in liver');
  const spleenVol: Expected = o.status('spleen') === 'complete' ? { answerable: true, value: o.volumeMl('spleen'), unit: 'mL', toleranceAbs: TOL.volumeMl } : no('partially_imaged');
  add('size', pick(['Spleen volume?', "What's the size of the spleen?", 'How many mL is the spleen?']), spleenVol, 'truth spleen volume');
  const bigSpleen = o.status('spleen') === 'complete' ? yes(o.enlarged('spleen')!) : no('partially_imaged');
  add('normality', pick(['Is the spleen big?', 'Is the spleen abnormally large?', 'Does the patient have an enlarged spleen?']), bigSpleen, 'truth spleen volume vs RadGPT limit');
  const kidneyPair = which('kidney_left', 'kidney_right', 'volume', true);
  add('comparison', pick(['Which of the two kidneys is bigger?', 'Left or right kidney: which one is larger?', 'Which kidney has the greater volume?']), kidneyPair, 'truth kidney volumes');
  if (named.length > 0) {
    const { l, phrase } = named[0];
    add('show', pick([`Can you show me the ${phrase}?`, `Where is the mask of the ${phrase}?`, `Outline the ${phrase}.`]), { answerable: true, mask: { labelName: l.labelName, componentId: l.componentId } }, 'truth lesion label');
    add('size', pick([`Size of the ${phrase}?`, `How big is the ${phrase} in mm?`, `Measure the ${phrase}.`]), { answerable: true, value: l.longAxisMm, unit: 'mm', toleranceAbs: TOL.mm }, 'truth axial long axis');
  }

  // questions masks cannot answer, and questions nobody can parse
  const anyLesion = named[0]?.phrase ?? 'liver lesion';
  add('out_of_scope', pick([`Is the ${anyLesion} malignant?`, 'What is the N stage of the pancreatic tumour?', 'Has the liver lesion grown since the prior scan?']), no('out_of_scope'), 'not determinable from one study\'s masks');
  add('out_of_scope', pick([`Does the ${anyLesion} enhance?`, 'How old is the patient?', 'Is there a rib fracture?', 'What colour is the spleen?']), no('out_of_scope'), 'not determinable from masks');
  add('unparsed', pick(['What is it?', 'Tell me about the gallbladder.', 'Hello?']), no('unparsed'), 'no question type');
  // coverage, abnormality, contact (appended last so the phrasings picked above stay as they were)
  for (const organ of ['liver', 'spleen'] as const) {
    const s = o.status(organ);
    const q = pick([`Is the whole ${organ} included in the scan?`, `Is the ${organ} completely imaged?`, `Is the ${organ} cut off at the edge of the scan?`]);
    const complete = s === 'complete';
    const expected = s === 'absent' ? no('structure_absent') : yes(q.includes('cut off') ? !complete : complete);
    add('coverage', q, expected, `truth: ${organ} label touches a face of the volume or not`);
  }
  add('abnormality', pick(['What abnormalities are present in this scan?', 'What is abnormal in this scan?']), { answerable: true }, 'the abnormal findings of the study (an answer either way)');
  const liverStatus = o.status('liver');
  add('abnormality', pick(['What abnormalities are seen in the liver?', 'Which abnormalities are present in the liver?']), liverStatus === 'absent' ? no('structure_absent') : { answerable: true }, 'the abnormal findings of the liver');
  const panc = o.lesionsIn('pancreas', 'solid');
  const smaLabelled = o.structure('superior_mesenteric_artery') !== undefined;
  const contact: Expected = panc.length === 0 ? (o.absence('pancreas') ?? no('structure_absent')) : panc[0].smaContactDeg !== null || smaLabelled ? { answerable: true } : no('out_of_scope');
  add('contact', pick(['Is the SMA encased by the pancreatic tumour?', 'Does the pancreatic mass abut the superior mesenteric artery?']), contact, 'truth pancreatic lesion; contact measured where the SMA is labelled');
  add('contact', pick(['Is the superior mesenteric artery in contact with the pancreatic lesion?', 'Does the pancreas mass wrap around the SMA?']), contact, 'truth pancreatic lesion; contact measured where the SMA is labelled');
  return out;
}
