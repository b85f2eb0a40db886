import { compositeMembers, getStructure, structureOrNull } from '../anatomy/index.ts';
import { parseChangeQuestion } from './answer-change.ts';
import { DIAGNOSIS_WORDS, findPhrases, lesionKindOf, looseSide, mostSpecific, questionWords, type Phrase } from './question-text.ts';
import { IntentSchema, type Intent, type LesionTarget, type QuestionType, type SizeMeasure, type Target } from './types.ts';

/**
 * The deterministic question parser: question text -> Intent, validated with IntentSchema. It reads the question
 * type from keyword patterns (tried in a fixed order, the first that matches wins) and the anatomy from the
 * catalogue's vocabulary (question-text.ts). Questions it cannot read come back 'unparsed' (an LLM fallback may
 * try them); questions that masks cannot answer come back 'out_of_scope'.
 */

export type ParseResult =
  | { readonly ok: true; readonly intent: Intent }
  | { readonly ok: false; readonly reason: 'unparsed' | 'out_of_scope'; readonly detail: string };

/**
 * Questions no mask can answer: nodal / metastatic stage and stage groups (ajcc8-staging-limits), malignancy,
 * histology, change over time (one study only), enhancement (one phase only), clinical data.
 */
const OUT_OF_SCOPE: readonly (readonly [RegExp, string])[] = [
  [/\b[nm][ -]?(?:stage|category)\b|\b(?:n[0-3]|m[01])\b|\bstage group|\boverall stage|\btnm\b|\bstage (?:i|ii|iii|iv)\b/, 'N and M categories and stage groups need pathology and other studies (ajcc8-staging-limits)'],
  [/malignan|benign|biops|histolog|patholog|\bgrade\b|diagnos|prognos|surviv/, 'masks do not show what a lesion is (malignancy, histology, grade)'],
  [/\bprior\b|previous|last (?:scan|study|exam)|since|interval|\bgr[eo]w|progress|respon[sd]|shrunk|shrink/, 'one study is answered; change over time needs a prior study'],
  [/enhanc|washout|wash-out/, 'enhancement needs several contrast phases'],
  [/how old|\bage\b|\bsex\b|gender|patient'?s? name|symptom|\bpain\b|treat|surgery|resect|recommend|follow[- ]?up/, 'clinical questions are not answered from masks'],
  [/fractur|calcif|hemorrhag|haemorrhag|bleed|thromb|emboli|stone|obstruct|dilat|pneumo|consolidat|emphysema/, 'this finding has no mask in the segmentation vocabulary'],
];

const TYPE_PATTERNS: readonly (readonly [QuestionType, RegExp])[] = [
  ['show', /^(?:show|display|highlight|outline|mark|point (?:out|to)|visuali[sz]e|where is the mask)\b|\bshow me\b/],
  // 'How many mL is the spleen?' asks for a volume, not a count.
  ['size', /\bhow many (?:ml|millilit(?:re|er)s?|cc|mm|cm|millimet(?:re|er)s?)\b/],
  ['count', /\bhow many\b|\bnumber of\b|\bcount\b/],
  ['staging', /\btstage\b|\bstag(?:e|ing)\b|\bt[0-4][abc]?\b/],
  ['comparison', /\b(?:larger|bigger|smaller|greater|denser|brighter|darker|higher|lower)\b.*\bthan\b|^which\b.*\b(?:larger|bigger|smaller|largest|smallest|denser|greater|higher|lower)\b|\bwhich (?:one |of the two |of them )?(?:is|are|has) (?:the )?(?:larger|bigger|smaller|denser|greater|higher|lower)\b|\bcompare/],
  ['normality', /\bnormal\b|\benlarged\b|\benlargement\b|megaly\b|\bfatty\b|\bsteatosis\b|\babnormal(?:ly)?\b|^(?:is|are) (?:the )?[a-z ]+ (?:too )?(?:big|large|bulky)\??$/],
  ['location', /^where\b|\bwhere is\b|\b(?:which|what) (?:segment|lobe|part|region|side|kidney|lung|organ|adrenal)|\blocated\b|\blocation\b|\bin (?:which|what)\b|\blies? in\b/],
  ['attenuation', /attenuat|\bhu\b|densit|\bdense\b|hypodense|hyperdense|isodense|\bhypo|\bhyper|\biso|ct (?:value|number)|radiodens/],
  ['size', /\bvolume\b|\bhow (?:large|big|long)\b|\bsize\b|diameter|\baxis\b|\bmeasure|dimension|\blength\b|\bml\b|\bcc\b|\bspan\b/],
  ['presence', /^(?:is|are) there\b|\bany\b|^(?:does|do|did|has|have) .*\b(?:have|has|contain|show|harbou?r)|^(?:is|are) (?:a |an |the )?.*\b(?:present|seen|visible|detected)\b|^can (?:you|i|we) see\b|\bpresence\b|\b(?:present|seen|visible|detected|identified)\??$/],
];

function fail(reason: 'unparsed' | 'out_of_scope', detail: string): ParseResult {
  return { ok: false, reason, detail };
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

/** The pair a comparison names: two phrases, or one paired composite ('which kidney' -> left and right). */
function comparisonPair(phrases: readonly Phrase[]): [string, string] | null {
  if (phrases.length >= 2) return [phrases[0].structure, phrases[1].structure];
  if (phrases.length === 1) {
    const members = structureOrNull(phrases[0].structure)?.members;
    if (members?.length === 2) return [members[0], members[1]];
    const direct = compositeMembers(phrases[0].structure);
    if (direct.length === 2) return [direct[0], direct[1]];
  }
  return null;
}

export function parseQuestion(question: string): ParseResult {
  const { text, tokens } = questionWords(question);
  if (tokens.length === 0) return fail('unparsed', 'the question is empty');
  // Change over time (follow-up): read before the one-study types; unanswerable when no prior was compared.
  const change = IntentSchema.safeParse(parseChangeQuestion(question));
  if (change.success) return { ok: true, intent: change.data };
  for (const [pattern, detail] of OUT_OF_SCOPE) if (pattern.test(text)) return fail('out_of_scope', detail);

  const type = TYPE_PATTERNS.find(([, p]) => p.test(text))?.[0];
  if (type === undefined) return fail('unparsed', 'no question type recognised (presence, location, size, count, attenuation, comparison, staging, normality, show)');

  // In a staging question 'T4' is a category, not the T4 vertebra.
  const ignore = new Set(type === 'staging' ? tokens.flatMap((t, i) => (/^t[0-4][abc]?$/.test(t) ? [i] : [])) : []);
  const phrases = findPhrases(tokens, ignore);
  const specific = mostSpecific(phrases);
  const lesionKind = lesionKindOf(tokens);

  const lesionTarget = (): LesionTarget => {
    const organ = specific[0]?.structure ?? null;
    const organSide = organ === null ? undefined : getStructure(organ).laterality;
    const side = organSide === 'left' || organSide === 'right' ? undefined : looseSide(tokens, phrases);
    const rank = rankOf(text);
    return { kind: 'lesion', organ, lesionKind: lesionKind ?? 'any', ...(side ? { side } : {}), ...(rank !== undefined ? { rank } : {}) };
  };
  const target = (): Target | null => {
    if (lesionKind !== null) return lesionTarget();
    return specific[0] === undefined ? null : { kind: 'structure', structure: specific[0].structure };
  };

  if ((type === 'presence' || type === 'count') && tokens.some((t) => DIAGNOSIS_WORDS.has(t)))
    return fail('out_of_scope', 'masks show lesions, not whether a lesion is a metastasis or a cancer; ask about lesions');

  let candidate: unknown;
  switch (type) {
    case 'comparison': {
      // 'Is the lesion darker than the (surrounding) liver?' compares a lesion with its organ: its attenuation class.
      if (lesionKind !== null && /dens|attenuat|brighter|darker|higher|lower/.test(text)) {
        const askedClass = /darker|lower|less dense|hypo/.test(text) ? 'hypo' : 'hyper';
        candidate = { type: 'attenuation', target: lesionTarget(), askedClass };
        break;
      }
      const pair = comparisonPair(specific);
      if (pair === null) return fail('unparsed', 'a comparison needs two structures (or a pair such as the kidneys)');
      const property = /denser|dens|attenuat|brighter|darker|\bhu\b|higher|lower/.test(text) ? 'attenuation' : 'volume';
      const direction = /smaller|lower|darker|less/.test(text) ? 'smaller' : 'larger';
      candidate = { type, structures: pair, property, direction, form: /\bwhich\b/.test(text) ? 'which' : 'yesno' };
      break;
    }
    case 'normality': {
      const structure = specific[0]?.structure;
      if (structure === undefined) return fail('unparsed', 'no structure named for a normality question');
      const aspect = /fatty|steatosis/.test(text) ? 'steatosis' : /size|enlarge|megaly|\blarge\b|\bbig\b|\bbulky\b/.test(text) ? 'size' : 'overall';
      const polarity = /enlarge|megaly|fatty|steatosis|abnormal|\blarge\b|\bbig\b|\bbulky\b/.test(text) && !/\bnormal (?:in )?size\b|\bof normal\b/.test(text) ? 'abnormal' : 'normal';
      candidate = { type, structure, aspect, polarity };
      break;
    }
    case 'location':
    case 'count':
      // Where / how many of a structure itself ("Where is the spleen?") is not a lesion question: not read here.
      if (lesionKind === null) return fail('unparsed', `a ${type} question is answered for lesions; name one (lesion, tumour, cyst, nodule, mass)`);
      candidate = { type, target: lesionTarget() };
      break;
    case 'staging':
      candidate = { type, target: lesionTarget() };
      break;
    case 'size': {
      const t = target();
      if (t === null) return fail('unparsed', 'no structure or lesion named for a size question');
      candidate = { type, target: t, measure: sizeMeasure(text, t.kind === 'lesion') };
      break;
    }
    case 'attenuation': {
      const t = target();
      if (t === null) return fail('unparsed', 'no structure or lesion named for an attenuation question');
      const askedClass = attenuationClass(text);
      candidate = { type, target: t, ...(askedClass ? { askedClass } : {}) };
      break;
    }
    case 'presence':
    case 'show': {
      const t = target();
      if (t === null) return fail('unparsed', `no structure or lesion named for a ${type} question`);
      candidate = { type, target: t };
      break;
    }
  }
  const parsed = IntentSchema.safeParse(candidate);
  if (!parsed.success) return fail('unparsed', `parsed intent is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return { ok: true, intent: parsed.data };
}
