import { namedVessel, VESSEL_SECTIONS } from '../claims/index.ts';
import type { Finding } from '../findings/index.ts';
import { citations, type VqaContext } from './context.ts';
import { answered, fmt1, unanswerable, yesNo, type Reply } from './reply.ts';
import type { Intent, RoutineTopic } from './types.ts';

/**
 * Questions about the routine measurements (issue 16), answered from their findings: "What is the maximal
 * diameter of the abdominal aorta?", "Is there an aortic aneurysm?", "Is the pulmonary artery enlarged?", "Is
 * there emphysema?", "Is there a vertebral fracture at L1?", "What is the L1 attenuation?", "Which contrast phase
 * is this?", "What is the coronary calcium score?", "Is there a kidney stone?", "Is there an aortic dissection?",
 * "What is the skeletal muscle area at L3?". A study whose routine measurements were not made (masks without the
 * structure, `measure.routine` off) gets no answer and says why. Kept in its own file, registered in
 * parse-question.ts, answer.ts and types.ts, so that the question parser's restructuring can take it as it is.
 */

export type RoutineIntent = Extract<Intent, { type: 'routine' }>;

const SPINE = /\bvertebr|\bspine\b|\bspinal\b|\b[ctl]\d{1,2}\b/;
const TOPICS: readonly (readonly [RegExp, RoutineTopic])[] = [
  [/\bdissect|\bfalse lumen\b|\bintimal flap\b|\bstanford\b|\bdebakey\b/, 'dissection'],
  [/\bphase\b|\b(?:iv |intravenous )?contrast (?:given|used|administered|injected)\b|\b(?:native|unenhanced|non[- ]?enhanced|non[- ]?contrast|contrast[- ]enhanced)\b(?! \w+ (?:lesion|mass|tumou?r|nodule|cyst))/, 'contrast_phase'],
  [/\bstones?\b|\bcalcul|\bnephrolith|\burolith/, 'kidney_stone'],
  // Aortic before coronary, so that "the aortic calcium score" is not read as the coronary one.
  [/^(?!.*\bcoronar)(?=.*\baort)(?=.*(?:\bcalci|\bagatston\b))|\batheroscl/, 'aortic_calcium'],
  [/\bcoronar\w*.*\bcalci|\bcalci\w*.*\bcoronar|\bagatston\b|\bcalcium score\b|\bcac\b/, 'coronary_calcium'],
  [/\bgenant\b|\bvertebral (?:body )?heights?\b|\b(?:fractur|compression|wedg|height loss|collapse)/, 'vertebral_fracture'],
  [/\bosteopor|\bosteopen|\bbone (?:mineral )?density\b|\bbmd\b|\btrabecular\b|\bl1 (?:attenuation|hu|density)\b|\battenuation of (?:the )?l1\b/, 'bone_density'],
  [/\bemphysema|\blaa\b|\blow[- ]attenuation area/, 'emphysema'],
  [/\b(?:pa|pulmonary artery)(?: ?: ?| to )(?:ascending )?(?:a|aorta|aortic)\b.*\bratio\b|\bratio\b.*\bpulmonary artery\b.*\baort/, 'pa_aorta_ratio'],
  [/\bmuscle area\b|\bskeletal muscle\b|\bsarcopeni|\bvisceral fat\b|\bsubcutaneous fat\b|\bbody composition\b/, 'body_composition'],
  [/\baneurysm|\baaa\b/, 'aneurysm'],
  [/(?<!(?:right|left) )\bpulmonary (?:artery|trunk)\b/, 'pulmonary_artery'],
  [/\baort/, 'aorta'],
];

/** Questions a topic's words also occur in but that are about something else: left to the other question types. */
const NOT_TOPIC: Partial<Record<RoutineTopic, RegExp>> = {
  kidney_stone: /\bgall\w*|\bbiliary\b|\bbile\b|\bcholedoch\w*|\bureter\w*|\bbladder\b|\bsalivary\b|^(?![^?]*\b(?:kidneys?|renal|nephro\w*|urolith\w*)\b)/,
  emphysema: /\b(?:subcutaneous|soft[- ]tissue|mediastinal|surgical|orbital)\s+emphysema\b/,
  aneurysm: /\b(?:splenic|renal|hepatic|iliac|cerebral|coronary|mesenteric|popliteal|ventricular|cardiac|left|right)\b[^?]*\baneurysm/,
  contrast_phase: /\benhanc(?:e|es|ing|ement)\b(?![- ]?(?:ct|scan|study))|\bwash ?out\b|\b(?:oral|rectal|enteric|barium)\b/,
};

/**
 * Words that make a vessel question about calibre; "How big is the aorta?" stays a size (volume) question of the
 * structure, as before.
 */
const CALIBRE_Q = /\bdiameter|\bcalib(?:re|er)\b|\bhow wide\b|\bwidth\b|\bdilat|\bectat|\benlarg|\bwidened\b/;

/** What a value question asks for where a topic has several answers (RoutineIntent['measure']). */
const MEASURE_WORDS: Partial<Record<RoutineTopic, readonly (readonly [RegExp, NonNullable<RoutineIntent['measure']>])[]>> = {
  coronary_calcium: [[/\bcategor|\bcac[- ]?drs\b|\bhow severe\b|\bseverity\b|\bgrade\b|\bclass\b/, 'category']],
  aortic_calcium: [[/\bcategor|\bhow severe\b|\bseverity\b|\bgrade\b|\bclass\b/, 'category']],
  kidney_stone: [[/\bhow many\b|\bnumber of\b|\bcount\b/, 'count']],
  body_composition: [
    [/\bvisceral\b|\bintra-?abdominal fat\b/, 'visceral_fat'],
    [/\bsubcutaneous\b/, 'subcutaneous_fat'],
    [/\bmuscle\b|\bsarcopeni/, 'skeletal_muscle'],
  ],
};

const PHASE_WORDS: readonly (readonly [RegExp, NonNullable<RoutineIntent['askedPhase']>])[] = [
  [/\bnative\b|\bnon[- ]?contrast\b|\bunenhanced\b|\bnon[- ]?enhanced\b|\bwithout contrast\b/, 'non-contrast'],
  [/\barterial\b/, 'arterial'],
  [/\b(?:portal[- ]?)?venous\b/, 'portal-venous'],
  [/\bdelayed\b|\bexcretory\b/, 'delayed'],
  [/\bcontrast(?:[- ]enhanced)?\b|\benhanced\b|\bcontrast (?:given|used|administered)\b/, 'contrast-enhanced'],
];

/**
 * Reads a routine measurement question (`text` as the question reader normalised it, `question` as written); null
 * when the question is about none (the other types then read it).
 */
export function parseRoutineQuestion(text: string, question: string = text): RoutineIntent | null {
  // Words as written: the question reader's rewrites fold "abdominal aorta" into "aorta" and "bone" into "skeleton".
  const q = question.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[’`]/g, "'").replace(/\s+/g, ' ').trim();
  // "Where is the emphysema?" asks for a place, which these answers do not give.
  if (/^where\b|\bwhere (?:exactly |within |in )/.test(q)) return null;
  const topic = TOPICS.find(([re]) => re.test(q))?.[1];
  if (topic === undefined || NOT_TOPIC[topic]?.test(q) === true) return null;
  // A fracture question names the spine (a rib or hip fracture has no mask here); "compression" alone is not one.
  if (topic === 'vertebral_fracture' && !SPINE.test(q) && !/\bgenant\b/.test(q)) return null;
  if ((topic === 'aorta' || topic === 'pulmonary_artery') && !CALIBRE_Q.test(q)) return null;
  // The yes/no form from the normalised text ("Please tell me, is ..." loses its polite prefix there).
  const yesno = /^(?:is|are|was|were|does|do|did|has|have|can|could)\b/.test(text);
  const vessel = namedVessel(q);
  const level = /\b([ctl]\d{1,2}|s1)\b/.exec(q)?.[1]?.toUpperCase();
  const side = /\bleft\b/.test(q) ? 'left' : /\bright\b/.test(q) ? 'right' : undefined;
  const askedPhase = topic === 'contrast_phase' && yesno ? PHASE_WORDS.find(([re]) => re.test(q))?.[1] : undefined;
  const askedType = topic === 'dissection' && yesno ? /\btype ([ab])\b/.exec(q)?.[1]?.toUpperCase() : undefined;
  const lobe = topic === 'emphysema' && side !== undefined ? /\b(upper|middle|lower) lobe\b/.exec(q)?.[1] : undefined;
  const measure = MEASURE_WORDS[topic]?.find(([re]) => re.test(q))?.[1];
  return {
    type: 'routine',
    topic,
    form: yesno ? 'yesno' : 'what',
    ...(vessel !== null && (topic === 'aorta' || topic === 'aneurysm') && vessel.organ === 'aorta' ? { section: vessel.section } : {}),
    ...(level !== undefined && (topic === 'vertebral_fracture' || topic === 'bone_density') ? { level } : {}),
    ...(side !== undefined && (topic === 'kidney_stone' || topic === 'emphysema') ? { side } : {}),
    ...(lobe === 'upper' || lobe === 'middle' || lobe === 'lower' ? { lobe } : {}),
    ...(measure !== undefined ? { measure } : {}),
    ...(askedPhase !== undefined ? { askedPhase } : {}),
    ...(askedType === 'A' || askedType === 'B' ? { askedType } : {}),
  };
}

const diameterOf = (f: Finding): number => f.values.maxDiameterMm ?? f.values.diameterMm ?? 0;

const calibreLine = (f: Finding) => `${f.subject.displayName}: ${f.statement}, maximal diameter ${fmt1(diameterOf(f))} mm`;
const fractureLine = (f: Finding) => `${String(f.attributes.level)}: ${f.statement}, Genant grade ${f.values.genantGrade}, height loss ${fmt1(f.values.heightLossPercent ?? 0)} %`;

function notMeasured(what: string): Reply {
  return unanswerable('structure_absent', `Not answered: ${what} was not measured in this study (its masks are missing, or the routine measurements were turned off).`);
}

function reply(ctx: VqaContext, fs: readonly Finding[], answer: string, extra: { value?: number; unit?: string; caveats?: readonly string[] } = {}): Reply {
  return answered({
    answer,
    ...(extra.value === undefined ? {} : { value: extra.value }),
    ...(extra.unit === undefined ? {} : { unit: extra.unit }),
    findingIds: fs.map((f) => f.id),
    evidence: fs.flatMap((f) => f.evidence),
    citations: citations(ctx, fs.flatMap((f) => f.criteria)),
    caveats: [...fs.flatMap((f) => f.caveats), ...(extra.caveats ?? [])],
  });
}

function answerAorta(ctx: VqaContext, intent: RoutineIntent): Reply {
  const section = intent.section ?? 'aorta';
  const fs = (VESSEL_SECTIONS[section] ?? []).map((id) => ctx.findingById.get(`${id}.calibre`)).filter((f): f is Finding => f !== undefined);
  const name = section === 'aorta' ? 'the aorta' : `the ${section.replace(/_/g, ' ').replace(/^(thoracic|abdominal)$/, '$1 aorta')}`;
  if (fs.length === 0) return notMeasured(`the calibre of ${name}`);
  const widest = fs.reduce((a, b) => (diameterOf(b) > diameterOf(a) ? b : a));
  const missing = (VESSEL_SECTIONS[section] ?? []).length - fs.length;
  const caveats = missing > 0 ? [`${missing} section(s) of ${name} are not in the scan or not measured`] : [];
  if (intent.topic === 'aneurysm') {
    const aneurysmal = fs.filter((f) => f.statement === 'aneurysmal');
    const basis = aneurysmal.length > 0 ? aneurysmal : fs;
    return reply(ctx, basis, yesNo(aneurysmal.length > 0), { value: diameterOf(aneurysmal[0] ?? widest), unit: 'mm', caveats: [...basis.map(calibreLine), ...caveats] });
  }
  if (intent.form === 'yesno') {
    const wide = fs.filter((f) => f.status === 'abnormal');
    return reply(ctx, wide.length > 0 ? wide : fs, yesNo(wide.length > 0), { value: diameterOf(wide[0] ?? widest), unit: 'mm', caveats: [...(wide.length > 0 ? wide : fs).map(calibreLine), ...caveats] });
  }
  return reply(ctx, [widest], `${fmt1(diameterOf(widest))} mm`, { value: diameterOf(widest), unit: 'mm', caveats: [calibreLine(widest), ...caveats] });
}

function answerPulmonary(ctx: VqaContext, intent: RoutineIntent): Reply {
  if (intent.topic === 'pa_aorta_ratio') {
    const r = ctx.findingById.get('pulmonary_artery.pa_aorta_ratio');
    if (r === undefined) return notMeasured('the pulmonary artery to aorta ratio');
    return reply(ctx, [r], intent.form === 'yesno' ? yesNo(r.status === 'abnormal') : (r.values.ratio ?? 0).toFixed(2), { value: r.values.ratio, unit: 'ratio', caveats: [`${r.statement} (above ${r.values.ratioAbove} is enlarged)`] });
  }
  const f = ctx.findingById.get('pulmonary_artery.calibre');
  if (f === undefined) return notMeasured('the main pulmonary artery');
  const d = diameterOf(f);
  return reply(ctx, [f], intent.form === 'yesno' ? yesNo(f.status === 'abnormal') : `${fmt1(d)} mm`, { value: d, unit: 'mm', caveats: [calibreLine(f)] });
}

function answerEmphysema(ctx: VqaContext, intent: RoutineIntent): Reply {
  const f = ctx.findingById.get('lung.emphysema');
  if (f === undefined) return notMeasured('emphysema by density (LAA-950 of both lungs)');
  if (intent.side !== undefined) return answerEmphysemaRegion(ctx, intent, f, intent.side);
  const pct = f.values.lowAttenuationPercent ?? 0;
  const present = f.statement !== 'no emphysema';
  const caveats = [`${f.statement}: LAA-950 ${fmt1(pct)} % of the lungs`, 'by density (LAA-950); mild emphysema can lie below the reporting threshold'];
  return reply(ctx, [f], intent.form === 'yesno' ? yesNo(present) : f.statement, { value: pct, unit: '%', caveats });
}

/**
 * Emphysema of one lung or lobe: its LAA-950 share, from the finding's per-region values. The extent bands are
 * stated for both lungs; a yes/no question on one lung is answered yes from the band's lower limit (mild).
 */
function answerEmphysemaRegion(ctx: VqaContext, intent: RoutineIntent, f: Finding, side: 'left' | 'right'): Reply {
  const Side = side === 'left' ? 'Left' : 'Right';
  const key = intent.lobe === undefined ? `lung${Side}LowAttenuationPercent` : `lung${intent.lobe[0]!.toUpperCase()}${intent.lobe.slice(1)}Lobe${Side}LowAttenuationPercent`;
  const where = intent.lobe === undefined ? `the ${side} lung` : `the ${side} ${intent.lobe} lobe`;
  const pct = f.values[key];
  if (pct === undefined) return unanswerable('structure_absent', `Not answered: ${where} has no lung mask of its own in this study, so its LAA-950 share was not measured.`, { findingIds: [f.id], evidence: f.evidence });
  const from = f.values.mildFromPercent ?? 0;
  const caveats = [`LAA-950 ${fmt1(pct)} % of ${where} (both lungs: ${fmt1(f.values.lowAttenuationPercent ?? 0)} %, ${f.statement})`, `the extent bands (emphysema from ${from} %) are stated for both lungs`];
  return reply(ctx, [f], intent.form === 'yesno' ? yesNo(pct >= from) : `${fmt1(pct)} %`, { value: pct, unit: '%', caveats });
}

function answerFracture(ctx: VqaContext, intent: RoutineIntent): Reply {
  const fractures = ctx.study.findings.filter((f) => f.type === 'vertebral_fracture' && f.id !== 'spine.vertebral_heights');
  const heights = ctx.findingById.get('spine.vertebral_heights');
  if (fractures.length === 0 && heights === undefined) return notMeasured('the vertebral body heights');
  const levels = (heights?.attributes.levels as string[] | undefined) ?? [];
  if (intent.level !== undefined) {
    const at = fractures.find((f) => f.attributes.level === intent.level);
    if (at !== undefined) return reply(ctx, [at], intent.form === 'yesno' ? 'yes' : `Genant grade ${at.values.genantGrade}`, { value: at.values.genantGrade, unit: 'grade', caveats: [fractureLine(at)] });
    if (!levels.includes(intent.level)) return unanswerable('not_imaged', `Not answered: the height of ${intent.level} was not measured (not in the scan, cut by it, or not segmented).`);
    return reply(ctx, [heights!], intent.form === 'yesno' ? 'no' : 'Genant grade 0 (height preserved)', { value: 0, unit: 'grade' });
  }
  if (fractures.length > 0) return reply(ctx, fractures, intent.form === 'yesno' ? 'yes' : fractures.map((f) => String(f.attributes.level)).join(' and '), { value: fractures.length, unit: 'count', caveats: fractures.map(fractureLine) });
  return reply(ctx, [heights!], 'no', { value: 0, unit: 'count', caveats: [`heights measured at ${levels.join(', ')}`] });
}

function answerDensity(ctx: VqaContext, intent: RoutineIntent): Reply {
  const f = ctx.study.findings.find((x) => x.type === 'bone_density');
  if (f === undefined) return notMeasured('the L1 trabecular attenuation');
  const hu = f.values.trabecularHuMean ?? 0;
  if (intent.form === 'yesno') {
    if (f.statement === 'not assessed') return unanswerable('out_of_scope', `Not answered: L1 is fractured, so its attenuation (${fmt1(hu)} HU) is not used to screen for osteoporosis.`, { findingIds: [f.id], evidence: f.evidence, citations: citations(ctx, f.criteria) });
    const answer = f.statement === 'osteoporosis likely' ? 'yes' : f.statement === 'low bone density possible' ? 'possibly' : 'no';
    return reply(ctx, [f], answer, { value: hu, unit: 'HU', caveats: [`${f.statement}: L1 trabecular attenuation ${fmt1(hu)} HU`, 'an opportunistic screen: DXA confirms osteoporosis'] });
  }
  return reply(ctx, [f], `${fmt1(hu)} HU`, { value: hu, unit: 'HU', caveats: [f.statement] });
}

const ENHANCED = new Set(['contrast-enhanced', 'arterial', 'arterial-early', 'arterial-late', 'portal-venous', 'delayed']);

function answerPhase(ctx: VqaContext, intent: RoutineIntent): Reply {
  const f = ctx.findingById.get('study.contrast_phase');
  const used = f === undefined ? ctx.study.phase : String(f.attributes.phaseUsed ?? f.statement);
  const source = f === undefined ? 'stated' : String(f.attributes.phaseSource);
  if (used === undefined || used === 'unknown') return unanswerable('out_of_scope', 'Not answered: the contrast phase is not stated and could not be estimated (no aorta or portal vein mask).');
  const how = source === 'estimated' && f !== undefined ? `estimated from the blood pool, confidence ${Number(f.values.confidence).toFixed(2)}` : `as stated (${source})`;
  const fs = f === undefined ? [] : [f];
  if (intent.askedPhase !== undefined) {
    const asked = intent.askedPhase;
    const yes = asked === used || (asked === 'contrast-enhanced' && ENHANCED.has(used)) || (asked === 'arterial' && used.startsWith('arterial'));
    return reply(ctx, fs, yesNo(yes), { caveats: [`${used} (${how})`] });
  }
  return reply(ctx, fs, used, { caveats: [how] });
}

function answerCalcium(ctx: VqaContext, intent: RoutineIntent): Reply {
  const coronary = intent.topic === 'coronary_calcium';
  const f = ctx.findingById.get(coronary ? 'heart.coronary_calcium' : 'aorta.calcium');
  // The findings stage scores the aorta on non-contrast scans only and, unlike the coronary score, leaves no 'not
  // assessed' finding otherwise: an imaged aorta without a score on such a scan is out of scope, not absent.
  if (f === undefined && !coronary && ctx.byName.get('aorta')?.present === true && ctx.study.phase !== 'non-contrast')
    return unanswerable('out_of_scope', `Not answered: calcium is scored on non-contrast scans only (this scan: ${ctx.study.phase}).`, { evidence: [ctx.byName.get('aorta')!.evidence] });
  if (f === undefined) return notMeasured(coronary ? 'coronary calcium' : 'aortic calcium');
  if (f.statement === 'not assessed') return unanswerable('out_of_scope', `Not answered: calcium is scored on non-contrast scans only (${String(f.attributes.reason ?? 'phase')}).`, { findingIds: [f.id], evidence: f.evidence, citations: citations(ctx, f.criteria) });
  const score = f.values.agatstonScore ?? 0;
  const caveats = [`${f.statement} (Agatston-style score ${Math.round(score)})`];
  if (intent.form === 'yesno') return reply(ctx, [f], yesNo(score > 0), { value: score, unit: 'Agatston', caveats });
  // "What is the CAC-DRS category?" / "How severe is it?": the band the score falls in (the finding's statement).
  if (intent.measure === 'category') return reply(ctx, [f], f.statement, { value: score, unit: 'Agatston', caveats });
  return reply(ctx, [f], String(Math.round(score)), { value: score, unit: 'Agatston', caveats });
}

function answerStones(ctx: VqaContext, intent: RoutineIntent): Reply {
  const kidneys = intent.side === undefined ? ['kidney_left', 'kidney_right'] : [`kidney_${intent.side}`];
  const fs = kidneys.map((k) => ctx.findingById.get(`${k}.stones`)).filter((f): f is Finding => f !== undefined);
  if (fs.length === 0) return notMeasured('kidney stones');
  const notAssessed = fs.find((f) => f.statement === 'not assessed');
  if (notAssessed !== undefined) return unanswerable('out_of_scope', 'Not answered: stones are looked for on non-contrast scans only (contrast in urine and vessels reaches stone attenuation).', { findingIds: [notAssessed.id], evidence: notAssessed.evidence, citations: citations(ctx, notAssessed.criteria) });
  const withStones = fs.filter((f) => (f.values.count ?? 0) > 0);
  const largest = withStones.reduce<Finding | undefined>((a, b) => (a === undefined || (b.values.largestSizeMm ?? 0) > (a.values.largestSizeMm ?? 0) ? b : a), undefined);
  const caveats = fs.length < kidneys.length ? ['one kidney was not assessed'] : [];
  // "How many stones?" is answered like the yes/no form (value = count), with the number as the answer.
  if (intent.measure === 'count') {
    const count = withStones.reduce((a, f) => a + (f.values.count ?? 0), 0);
    return reply(ctx, withStones.length > 0 ? withStones : fs, String(count), { value: count, unit: 'count', caveats: [...withStones.map((f) => `${f.values.count} in the ${f.subject.displayName}, largest ${fmt1(f.values.largestSizeMm ?? 0)} mm`), ...caveats] });
  }
  if (intent.form === 'yesno' || largest === undefined)
    return reply(ctx, withStones.length > 0 ? withStones : fs, yesNo(withStones.length > 0), { value: withStones.reduce((a, f) => a + (f.values.count ?? 0), 0), unit: 'count', caveats: [...withStones.map((f) => `${f.values.count} in the ${f.subject.displayName}, largest ${fmt1(f.values.largestSizeMm ?? 0)} mm`), ...caveats] });
  return reply(ctx, [largest], `${fmt1(largest.values.largestSizeMm ?? 0)} mm`, { value: largest.values.largestSizeMm, unit: 'mm', caveats: [`largest stone, in the ${largest.subject.displayName}`, ...caveats] });
}

function answerDissection(ctx: VqaContext, intent: RoutineIntent): Reply {
  const f = ctx.findingById.get('aorta.dissection');
  if (f === undefined) return notMeasured('aortic dissection (TotalSegmentator aortic_dissection masks)');
  const present = f.statement !== 'no dissection';
  const caveats = present ? [`${f.statement}${typeof f.attributes.debakey === 'string' ? `, DeBakey ${f.attributes.debakey}` : ''}; false lumen ${fmt1(f.values.falseLumenVolumeMl ?? 0)} mL`] : [];
  if (intent.askedType !== undefined) return reply(ctx, [f], yesNo(present && f.attributes.stanford === intent.askedType), { caveats });
  if (intent.form === 'yesno' || !present) return reply(ctx, [f], yesNo(present), { caveats });
  return reply(ctx, [f], typeof f.attributes.stanford === 'string' ? `Stanford type ${f.attributes.stanford}` : f.statement, { value: f.values.falseLumenVolumeMl, unit: 'mL', caveats });
}

const BODY_AREAS = {
  skeletal_muscle: ['skeletalMuscleAreaCm2', 'skeletal muscle'],
  visceral_fat: ['visceralFatAreaCm2', 'visceral fat'],
  subcutaneous_fat: ['subcutaneousFatAreaCm2', 'subcutaneous fat'],
} as const;

/**
 * Body composition at L3: the area the question names (skeletal muscle when it names none). No yes/no question
 * (sarcopenia, obesity) is answered: their cut-offs are indexed to height, which the scan does not give
 * (groundct-body-composition).
 */
function answerBody(ctx: VqaContext, intent: RoutineIntent): Reply {
  const f = ctx.findingById.get('body.composition');
  if (f === undefined) return notMeasured('body composition at L3');
  const v = f.values;
  if (intent.form === 'yesno')
    return unanswerable('out_of_scope', 'Not answered: groundct measures the muscle and fat areas at L3 but applies no sarcopenia or obesity threshold, since those are indexed to height, which the scan does not give.', { findingIds: [f.id], evidence: f.evidence, citations: citations(ctx, f.criteria) });
  const [key, name] = BODY_AREAS[intent.measure === 'visceral_fat' || intent.measure === 'subcutaneous_fat' ? intent.measure : 'skeletal_muscle'];
  const area = v[key];
  if (area === undefined) return unanswerable('structure_absent', `Not answered: the ${name} area was not measured (no muscle mask in this study).`, { findingIds: [f.id], evidence: f.evidence });
  return reply(ctx, [f], `${fmt1(area)} cm2`, {
    value: area,
    unit: 'cm2',
    caveats: [`${name} at ${String(f.attributes.level)}`, `at ${String(f.attributes.level)}: skeletal muscle ${v.skeletalMuscleAreaCm2 === undefined ? 'not measured' : `${fmt1(v.skeletalMuscleAreaCm2)} cm2 (${String(f.attributes.muscleFrom)})`}, visceral fat ${fmt1(v.visceralFatAreaCm2 ?? 0)} cm2, subcutaneous fat ${fmt1(v.subcutaneousFatAreaCm2 ?? 0)} cm2`],
  });
}

export function answerRoutine(ctx: VqaContext, intent: RoutineIntent): Reply {
  switch (intent.topic) {
    case 'aorta':
    case 'aneurysm':
      return answerAorta(ctx, intent);
    case 'pulmonary_artery':
    case 'pa_aorta_ratio':
      return answerPulmonary(ctx, intent);
    case 'emphysema':
      return answerEmphysema(ctx, intent);
    case 'vertebral_fracture':
      return answerFracture(ctx, intent);
    case 'bone_density':
      return answerDensity(ctx, intent);
    case 'contrast_phase':
      return answerPhase(ctx, intent);
    case 'coronary_calcium':
    case 'aortic_calcium':
      return answerCalcium(ctx, intent);
    case 'kidney_stone':
      return answerStones(ctx, intent);
    case 'dissection':
      return answerDissection(ctx, intent);
    case 'body_composition':
      return answerBody(ctx, intent);
  }
}
