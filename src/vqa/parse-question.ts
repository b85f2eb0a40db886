import { compositeMembers, getStructure, structureOrNull } from '../anatomy/index.ts';
import { parseChangeQuestion } from './answer-change.ts';
import { parseRoutineQuestion } from './answer-routine.ts';
import { outOfScope } from './question-scope.ts';
import { DIAGNOSIS_WORDS, findPhrases, lesionKindOf, looseSide, mostSpecific, questionWords, unknownName, type Phrase } from './question-text.ts';
import { IntentSchema, type Intent, type LesionTarget, type OutOfScopeCategory, type QuestionType, type SizeMeasure, type Target } from './types.ts';

/**
 * The deterministic question parser: question text -> Intent, validated with IntentSchema. Questions that masks
 * cannot answer come back 'out_of_scope' with a category and a reason (question-scope.ts). The question type comes
 * from keyword patterns tried in a fixed order (the first that matches wins), the anatomy from the catalogue's
 * vocabulary (question-text.ts). Questions it cannot read come back 'unparsed' (an LLM fallback may try them).
 *
 * What it reads (measured on VQA-RAD, SLAKE and RadGenome-ChestCT questions: eval/language): lesions and
 * structures alike ("Where is the esophagus?", "How many kidneys are visible?", "Is the whole liver included?"),
 * several structures compared ("Which is the biggest, lung, heart or liver?"), the abnormal findings of a region
 * ("What abnormalities are present in the lung?"), lower case, typos, no question mark. An attribute word does not
 * change a presence question's type ("Are there any abnormal hypodense lesions in the liver?" asks for presence).
 */

export type ParseResult =
  | { readonly ok: true; readonly intent: Intent }
  | { readonly ok: false; readonly reason: 'unparsed'; readonly detail: string }
  | { readonly ok: false; readonly reason: 'out_of_scope'; readonly category: OutOfScopeCategory; readonly detail: string };

/** An existential question: its attribute words describe what is looked for, they do not ask for an attribute. */
const EXISTENTIAL = /^(?:is|are) there\b|^(?:does|do|did) (?:the |this |these )?[\w -]+ (?:contain|have|has|show|harbou?r|exhibit|display)\b|^(?:can|could) (?:you|we|i|one) (?:see|detect|identify|observe|recognize|recognise|appreciate|find)\b|^(?:can|could) [\w -]+ be (?:identified|observed|detected|founded|found|recognized|recognised|seen|appreciated)\b|\bany (?:signs?|evidence|indication|indicators?|cues?|features?)\b|\bexist(?:s|ence)?\b|\bpresence of\b/;

const TYPE_PATTERNS: readonly (readonly [QuestionType, RegExp])[] = [
  ['show', /^(?:show|display|highlight|outline|mark|point (?:out|to)|visuali[sz]e|where is the mask)\b|\bshow me\b|^which is the (?!(?:\w+ )?(?:largest|biggest|smallest|larger|bigger|smaller|densest|brightest|darkest)\b)[\w ]+ in (?:this|the) (?:image|picture|scan)\b/],
  ['coverage', /\b(?:whole|entire|entirely|completely|fully|wholly|partially|partly)\b.*\b(?:included|imaged|covered|in the (?:field of view|scan|image|study)|visuali[sz]ed|examined)\b|\b(?:cut off|truncated)\b/],
  // 'How many mL is the spleen?' asks for a volume, not a count.
  ['size', /\bhow many (?:ml|millilit(?:re|er)s?|cc|mm|cm|millimet(?:re|er)s?)\b/],
  ['count', /\bhow many\b|\bnumber of\b|\bcount\b|\bmultiple [\w ]+ or (?:just )?(?:a |one )?single\b/],
  ['staging', /\btstage\b|\bstag(?:e|ing)\b|\bt[0-4][abc]?\b/],
  ['contact', /\b(?:encas\w*|encompass\w*|surround(?:s|ed|ing)? (?:the|by)|abut\w*|invad\w*|invasion|grow\w* (?:around|into)|in contact with|contact with|wrap\w* around)\b/],
  ['comparison', /\b(?:larger|bigger|smaller|greater|denser|brighter|darker|higher|lower)\b.*\bthan\b|^which\b.*\b(?:larger|bigger|smaller|largest|biggest|smallest|denser|greater|higher|lower)\b|\bwhich (?:one |of the two |of them )?(?:is|are|has) (?:the )?(?:larger|bigger|smaller|denser|greater|higher|lower)\b|\bcompare|^what is the (?:largest|biggest|smallest) (?:organ|structure)\b/],
  ['abnormality', /^(?:what|which|where|why|describe|in (?:what|which)|there is)\b.*\b(?:abnormal\w*|anomal\w*|irregular\w*|patholog\w*|disorders?|diseases?|involved|swelling|alarming|concerning|worrisome|wrong)\b|^(?:what|which) (?:\w+ ){0,3}(?:is|are|can be) (?:seen|visible|observed) in the\b|^describe\b/],
  ['normality', /\bnormal\b|\bnatural\b|\bhealthy\b|\benlarged\b|\benlargement\b|megaly\b|\bfatty\b|\bsteatosis\b|\babnormal(?:ly)?\b|\batroph\w*|\baneurysm\w*|\bpatholog\w*|^(?:is|are|does|do) (?:the )?[a-z ]+ (?:too )?(?:big|large|bulky|small)(?: in size)?\??$/],
  ['location', /^where\b|\bwhere is\b|\bwhat (?:specific |particular |precise |exact )?(?:region|area|spot|location)\b|\b(?:which|what) (?:segment|lobe|part|region|side|kidney|lung|organ|adrenal)|\blocated\b|\blocation\b|\bin (?:which|what)\b|\bfrom (?:which|what) organ\b|\blies? in\b/],
  ['size', /\bvolume\b|\bhow (?:large|big|long)\b|\bsize\b|diameter|\baxis\b|\bmeasure|dimension|\blength\b|\bml\b|\bcc\b|\bspan\b|\bscale\b|\bmagnitude\b/],
  ['attenuation', /attenuat|\bhu\b|densit|\bdense\b|hypodense|hyperdense|isodense|\bhypo|\bhyper|\biso|ct (?:value|number)|radiodens/],
  ['presence', /^(?:is|are) there\b|\bany\b|^(?:does|do|did|has|have) .*\b(?:have|has|contain|show|harbou?r|exist|appear|display|exhibit)|^(?:is|are) (?:a |an |the )?.*\b(?:present|seen|visible|visuali[sz]ed|detected|shown|included|recognizable|in view)\b|^(?:can|could) (?:you|i|we|one) (?:see|detect|identify|observe|recognize|appreciate)\b|^(?:can|could) [\w -]+ be (?:identified|observed|detected|founded|found|recognized|seen|appreciated)\b|\bpresence\b|\bexist\w*\b|\bcontain\w*\b|\b(?:present|seen|visible|detected|identified)\??$|^is (?:this|it) an? [\w ]+ (?:mass|lesion|nodule|tumou?r|cyst)\??$/],
];

function fail(detail: string): ParseResult {
  return { ok: false, reason: 'unparsed', detail };
}

function outside(category: OutOfScopeCategory, detail: string): ParseResult {
  return { ok: false, reason: 'out_of_scope', category, detail };
}

function rankOf(text: string): number | undefined {
  if (/\bsecond (?:largest|biggest)\b/.test(text)) return 2;
  if (/\b(?:largest|biggest|dominant|main)\b/.test(text)) return 1;
  if (/\bsmallest\b/.test(text)) return -1;
  return undefined;
}

function sizeMeasure(text: string, lesion: boolean): SizeMeasure {
  if (/\bvolume\b|\bml\b|\bcc\b|cubic/.test(text)) return 'volume';
  if (/short[- ]?axis|short(?:est)? diameter|\bwidth\b/.test(text)) return 'short_axis';
  if (/\blength\b|\bhow long\b|craniocaudal|\bspan\b/.test(text)) return lesion ? 'long_axis' : 'length';
  return lesion ? 'long_axis' : 'volume';
}

function attenuationClass(text: string): 'hypo' | 'iso' | 'hyper' | undefined {
  if (!/^(?:is|are|does|do)\b/.test(text)) return undefined;
  if (/\bhypo/.test(text) || /\blow(?:er)? (?:attenuation|density)\b|\bdark/.test(text)) return 'hypo';
  if (/\bhyper/.test(text) || /\bhigh(?:er)? (?:attenuation|density)\b|\bbright/.test(text)) return 'hyper';
  if (/\biso/.test(text)) return 'iso';
  return undefined;
}

/** The structures a comparison names: all phrases, or the members of one pair ('which kidney' -> left and right). */
function comparisonStructures(phrases: readonly Phrase[], text: string): string[] | null {
  if (phrases.length >= 2) return [...new Set(phrases.map((p) => p.structure))];
  if (phrases.length === 1) {
    const members = structureOrNull(phrases[0].structure)?.members;
    if (members?.length === 2) return [members[0], members[1]];
    const direct = compositeMembers(phrases[0].structure);
    if (direct.length === 2) return [direct[0], direct[1]];
  }
  if (phrases.length === 0 && /\b(?:largest|biggest|smallest) (?:organ|structure)\b/.test(text)) return [];
  return null;
}

/** A paired structure with a side named apart ("ribs on the right" -> ribs_right, "kidneys ... left" -> kidney_left). */
function sidedStructure(name: string, side: 'left' | 'right' | undefined): string {
  if (side === undefined) return name;
  const direct = `${name}_${side}`;
  if (structureOrNull(direct) !== null) return direct;
  const members = structureOrNull(name)?.members ?? [];
  return members.find((m) => m.endsWith(`_${side}`)) ?? name;
}

/** The question type: the first pattern that matches, an existential form taking presence before attributes. */
const SIZE_WORDS = /\bsize\b|\bdimensions?\b|\bmeasure\w*|\bmagnitude\b|\bscale\b|\bhow (?:large|big)\b/;

function questionType(text: string, lesionKind: string | null, hasAnatomy: boolean, nodeOrFluid: boolean): QuestionType | undefined {
  for (const [type, pattern] of TYPE_PATTERNS) {
    if (!pattern.test(text)) continue;
    // "What is the dimension of the wider than normal aorta?", "Describe the size of this lesion": a size question.
    if ((type === 'normality' || type === 'abnormality') && /^(?:what|how|describe)\b/.test(text) && SIZE_WORDS.test(text)) return 'size';
    // "Can we identify enlarged lymph nodes?": presence of the node, its size word describes it.
    if (type === 'normality' && nodeOrFluid && EXISTENTIAL.test(text)) return 'presence';
    // "Are there hypodense lesions ...?" / "Does the liver contain a hypodensity?": presence, whatever the attribute.
    if ((type === 'attenuation' || type === 'normality' || type === 'size') && lesionKind !== null && EXISTENTIAL.test(text)) return 'presence';
    if (type === 'normality' && lesionKind !== null && EXISTENTIAL.test(text)) return 'presence';
    // "Where is the lesion?" with a lesion word is a location; "what abnormality ... in the X" without one is the list.
    if (type === 'abnormality' && lesionKind !== null && /\b(?:which|what) (?:organ|part|segment|lobe)\b|^where\b|\bin (?:which|what)\b|\bfrom what\b/.test(text)) return 'location';
    if (type === 'contact' && lesionKind === null) continue;
    // "Which segment contains the biggest liver lesion?" asks where the largest lesion lies.
    if (type === 'comparison' && lesionKind !== null && /\b(?:which|what) (?:segment|lobe|part|organ|region|side|kidney|lung)\b/.test(text)) return 'location';
    if (type === 'coverage' && !hasAnatomy) continue;
    return type;
  }
  return undefined;
}

export function parseQuestion(question: string): ParseResult {
  const { text, tokens } = questionWords(question);
  if (tokens.length === 0) return fail('the question is empty');
  // Change over time (follow-up): read before the one-study types; unanswerable when no prior was compared. A
  // question that asks for a size ("What is the size of the stable nodule / the mass that appeared ...?") asks for
  // the size: "stable" and "appeared" only describe what it is about.
  const asksSize = /^(?:what is the (?:\w+ )?(?:size|measurement|dimension|magnitude|scale|diameter|volume)|how (?:large|big|long))\b/.test(text);
  const change = asksSize ? null : IntentSchema.safeParse(parseChangeQuestion(question));
  if (change?.success) return { ok: true, intent: change.data };
  // Routine measurements (vessel calibre, emphysema, fractures, bone density, phase, calcium, stones, dissection).
  const routine = IntentSchema.safeParse(parseRoutineQuestion(text, question));
  if (routine.success) return { ok: true, intent: routine.data };
  const scope = outOfScope(text);
  if (scope !== null) return outside(scope.category, scope.detail);

  const lesionKind = lesionKindOf(tokens);
  const allPhrases = findPhrases(tokens);
  const nodeOrFluid = allPhrases.some((p) => ['lymph_node', 'fluid'].includes(structureOrNull(p.structure)?.kind ?? ''));
  const type = questionType(text, lesionKind, allPhrases.length > 0, nodeOrFluid);
  if (type === undefined) return fail('no question type recognised (presence, location, size, count, attenuation, comparison, staging, normality, show, abnormality, contact, coverage)');

  // In a staging question 'T4' is a category, not the T4 vertebra.
  const ignore = new Set(type === 'staging' ? tokens.flatMap((t, i) => (/^t[0-4][abc]?$/.test(t) ? [i] : [])) : []);
  const phrases = ignore.size > 0 ? findPhrases(tokens, ignore) : allPhrases;
  const specific = mostSpecific(phrases.filter((p) => structureOrNull(p.structure)?.kind !== 'vessel' || type !== 'contact'));

  const lesionTarget = (): LesionTarget => {
    const organ = specific[0]?.structure ?? null;
    const organSide = organ === null ? undefined : getStructure(organ).laterality;
    const side = organSide === 'left' || organSide === 'right' ? undefined : looseSide(tokens, phrases);
    const rank = rankOf(text);
    return { kind: 'lesion', organ, lesionKind: (lesionKind ?? 'any') as LesionTarget['lesionKind'], ...(side ? { side } : {}), ...(rank !== undefined ? { rank } : {}) };
  };
  const target = (): Target | null => {
    if (lesionKind !== null) return lesionTarget();
    if (specific[0] !== undefined) return { kind: 'structure', structure: sidedStructure(specific[0].structure, looseSide(tokens, phrases)) };
    const name = unknownName(tokens);
    return name === null ? null : { kind: 'unknown', name };
  };

  if ((type === 'presence' || type === 'count') && tokens.some((t) => DIAGNOSIS_WORDS.has(t)) && !tokens.some((t) => /^(?:lesions?|mass(?:es)?|nodules?|cysts?|tumou?rs?)$/.test(t)))
    return outside('diagnosis', 'masks show lesions, not whether a lesion is a metastasis or a cancer; ask about lesions');

  let candidate: unknown;
  switch (type) {
    case 'comparison': {
      // 'Is the lesion darker than the (surrounding) liver?' compares a lesion with its organ: its attenuation class.
      if (lesionKind !== null && /dens|attenuat|brighter|darker|higher|lower/.test(text)) {
        const askedClass = /darker|lower|less dense|hypo/.test(text) ? 'hypo' : 'hyper';
        candidate = { type: 'attenuation', target: lesionTarget(), askedClass };
        break;
      }
      const structures = comparisonStructures(specific, text);
      if (structures === null || structures.length === 1) return fail('a comparison needs two structures (or a pair such as the kidneys)');
      const property = /denser|dens|attenuat|brighter|darker|\bhu\b|higher|lower/.test(text) ? 'attenuation' : 'volume';
      const direction = /smaller|smallest|lower|darker|less/.test(text) ? 'smaller' : 'larger';
      candidate = { type, structures, property, direction, form: /\bwhich\b|^what\b/.test(text) ? 'which' : 'yesno' };
      break;
    }
    case 'normality': {
      const t = target();
      if (t === null || t.kind === 'lesion') return fail('no structure named for a normality question');
      if (t.kind === 'unknown') {
        candidate = { type, structure: null, unknown: t.name, aspect: /size|enlarge|large|big|small|atroph/.test(text) ? 'size' : 'overall', polarity: /enlarge|abnormal|large|big|small|atroph|patholog/.test(text) ? 'abnormal' : 'normal' };
        break;
      }
      const structure = t.structure;
      const aspect = /fatty|steatosis/.test(text) ? 'steatosis' : /size|enlarge|megaly|\blarge\b|\bbig\b|\bbulky\b|\bsmall\b|atroph|aneurysm/.test(text) ? 'size' : 'overall';
      const polarity = /enlarge|megaly|fatty|steatosis|abnormal|patholog|\blarge\b|\bbig\b|\bbulky\b|\bsmall\b|atroph|aneurysm/.test(text) && !/\bnormal (?:in )?size\b|\bof normal\b|\bwithin normal\b/.test(text) ? 'abnormal' : 'normal';
      candidate = { type, structure, aspect, polarity };
      break;
    }
    case 'abnormality': {
      const region = specific.find((p) => structureOrNull(p.structure)?.kind !== 'vessel')?.structure ?? null;
      candidate = { type, region };
      break;
    }
    case 'contact': {
      const vessel = phrases.find((p) => structureOrNull(p.structure)?.kind === 'vessel')?.structure ?? null;
      candidate = { type, target: lesionTarget(), vessel };
      break;
    }
    case 'coverage': {
      const structure = specific[0]?.structure;
      if (structure === undefined) return fail('no structure named for a coverage question');
      candidate = { type, structure, asked: /\b(?:partially|partly|cut off|truncated|incompletely|not (?:fully|completely|entirely|wholly))\b/.test(text) ? 'partial' : 'complete' };
      break;
    }
    case 'staging':
      candidate = { type, target: lesionTarget() };
      break;
    case 'location':
    case 'count':
    case 'size':
    case 'attenuation':
    case 'presence':
    case 'show': {
      const t = target();
      if (t === null) return fail(`no structure or lesion named for a ${type} question`);
      if (type === 'size') candidate = { type, target: t, measure: sizeMeasure(text, t.kind === 'lesion') };
      else if (type === 'attenuation') {
        const askedClass = attenuationClass(text);
        candidate = { type, target: t, ...(askedClass ? { askedClass } : {}) };
      } else candidate = { type, target: t };
      break;
    }
  }
  const parsed = IntentSchema.safeParse(candidate);
  if (!parsed.success) return fail(`parsed intent is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return { ok: true, intent: parsed.data };
}
