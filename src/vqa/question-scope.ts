import type { OutOfScopeCategory } from './types.ts';

/**
 * Questions no segmentation mask can answer, by category, with the reason given back to the asker. Read on the
 * lower-cased question (question-text.ts). Order matters: a question about how the image was made, how it is
 * displayed or what a finding is, is out of scope whatever anatomy it names; a finding no mask class holds is out
 * of scope unless a finding the masks do hold comes first in it ("mass, covid-19 pneumonia" asks about the mass).
 * The categories are those of VQA-RAD's and SLAKE's question types that masks cannot answer (modality, plane,
 * colour, shape, organ-system knowledge) plus what the findings do not cover (N/M stage, change, clinical data).
 */

export interface OutOfScope {
  readonly category: OutOfScopeCategory;
  readonly detail: string;
}

type Rule = readonly [OutOfScopeCategory, RegExp, string];

/** Categories decided before anything else: how the image was made, shown, or what a finding means. */
const FIRST: readonly Rule[] = [
  ['nm_stage', /\b[nm][ -]?(?:stage|category)\b|\b(?:n[0-3]|m[01])\b|\bstage group|\boverall stage|\btnm\b|\bstage (?:i|ii|iii|iv)\b/, 'N and M categories and stage groups need pathology and other studies (ajcc8-staging-limits)'],
  ['modality', /\bmodality\b|\bmri\b|\bmr (?:image|scan)\b|\bx-?ray\b|\bultrasound\b|\bpet\b|^(?:is|was) (?:this|it) (?:an? )?(?:ct|mri|radiograph)\b|\bwhat (?:type|kind|sort) of (?:image|imaging|scan|study)\b|\bhow (?:was|is) (?:this|the) (?:image|scan|study) (?:taken|acquired|obtained|made)\b|\bimaging technique\b/, 'the modality is a property of how the image was made, not of the masks'],
  ['window', /\bwindow(?:ing|ed)?\b(?! of)/, 'the display window is a property of how the image is shown, not of the masks'],
  ['plane', /\b(?:what|which) (?:\w+ )?plane\b|\bplane (?:is|of) (?:this|the) (?:image|section)\b|^(?:is|was) (?:this|it|the) (?:an? )?(?:axial|coronal|sagittal|transverse|oblique)\b|^(?:is|was) (?:this|it) (?:an? )?(?:\w+ )?(?:plane|cut|section|slice|view)\b|\bplane of section\b/, 'the imaging plane is a property of the image, not of the masks'],
  ['contrast', /\bcontrast\b|\benhanc(?:e|es|ed|ement)\b(?! mass| lesion| nodule| tumou?r)|\bopacif\w*|\bhi-?light|\bhyper ?attenuated\b/, 'contrast agent and enhancement are not in the masks (one phase, no contrast label)'],
  ['finding', /\bpatent\b|\bpatency\b|\brenal pelvis\b|\bpelvis of the (?:left |right )?kidney\b|\bpelvicalyceal\b|\bbile ducts?\b|\b(?:peri)?appendi(?:x|ceal)\b(?= .*\b(?:inflam|thicken|dilat|fluid|fat))/, 'this structure or finding has no mask class in the segmentation vocabulary'],
  ['change', /\bprior\b|\bprevious\b|\blast (?:scan|study|exam)\b|\bsince\b|\binterval\b|\bgr[eo]w(?:n|s|th)? (?:since|over|from)\b|\bprogress|\brespon[sd]|\bshrunk|\bshrink/, 'one study is answered; change over time needs a prior study'],
  ['clinical', /\bhow old\b|\bage\b|\bsex\b|\bgender\b|patient'?s? (?:name|history|symptoms?)|\bsymptom|\bpain\b|\btreat|\btherapy\b|\bsurgery\b|\bresect|\bremoved\b|\brecommend|\bfollow[- ]?up|\bgiven\b|\baki\b|\bmedication/, 'clinical questions are not answered from masks'],
  ['knowledge', /\bfunction\b|\bpart of the \w+ system\b|\b(?:common|usual|typical) causes?\b|\brole\b|\beffect of\b|\bused for\b|\bresponsible for\b|\bsecret\w*|\bdigest\w*|\bdischarg\w*|\bbreath\w*\b(?! artifacts?)|\bheartbeat\b|\bwaste\b|\bosmotic\b|\bbelong(?:s)? to the \w+ system\b|\bbelong to the\b|\b(?:which|what) organ system\b|\bsystem (?:is|are) (?:pictured|imaged|shown)\b|\bimage of the \w+ system\b|\bhow (?:common|do you|would you|can you|does one)\b|\balways\b|\bdrain\w* (?:in)?to\b|\bconnect\w* to\b|\bcan an? \w+(?: \w+){0,4} cause\b|\bdefining\b|\btell (?:that|which|if)\b/, 'organ-system and textbook knowledge is not a property of this scan'],
  ['image_display', /\bcorner\b|\b(?:lying|supine)\b|\bprone\b(?! to)|\b(?:left|right|top|bottom|upper|lower)most\b|\bon the (?:left|right|top|bottom|upper left|upper right|lower left|lower right) of (?:the|this) (?:image|picture|body in this image)\b|\b(?:left|right|top|bottom|upper|lower) (?:side|part|portion|half) of (?:the|this) (?:image|picture)\b|\bin this image,\s*(?:left|right|top)|\b(?:which|what) part of the (?:human )?body\b|\bwhere does the (?:image|picture)\b|\bwhere does the picture show\b|\bexist in the (?:head|chest|abdomen|pelvis)\b|\bstudy of the (?:pelvic|abdominal|thoracic|head)\b|\bperiphery\b|\bfrom this view\b|\b(?:gray|grey|black|white|bright|dark) (?:part|round|area|structure|region)\b|\bdark gr[ae]y\b|\bwhat (?:two|large) vessels\b|\bopacities to the\b|\bwhat (?:are|is) the (?:\w+ ){0,3}(?:hyper|hypo)?(?:densities|opacities|opacity|foci)\b|\bin the (?:left|right) posterior portion\b|\bbone in the top\b|\bartifacts?\b|\bartefacts?\b/, 'the image as displayed (a corner, a side of the picture, the body region shown) is not a property of the masks'],
  ['appearance', /\bcolou?r\b|\bmorpholog\w*|\binternal (?:features?|structure|architecture|characteristics)\b|\bshape\b|\bhomogen\w*|\bheterogen\w*|\btexture\b|\bcontour\b|\bborders?\b|\bcircumscribed\b|\bwell[- ]defined\b|\bregular\b|\birregular (?:in|shape|contour|margin)|\bform of\b|\bprominently\b|\blook like\b/, 'colour, shape, texture and borders are not measured from the masks'],
  ['diagnosis', /\bmalignan|\bbenign\b|\bbiops|\bhistolog|\bgrade\b|\bdiagnos|\bprognos|\bsurviv|\bwhat (?:does|do) (?:the|this|these) [\w -]+ (?:suggest|indicate|represent|mean)\b|\bwhat caus|\bwhy\b(?! (?:is|are) (?:the )?[\w ]+ abnormal)|\bcondition does\b|\bwhat is (?:this|the) (?:small|large|bright|dark|light|lighter|round)\b|\bwhat (?:is|are) (?:the )?(?:\w+ ){0,2}(?:lesions?|mass|masses|substance|hypodensit(?:y|ies)|hyperdensit(?:y|ies)) (?:noted|seen|located|around|near)\b|\bwhat (?:is|are) (?:this|that|these|those) (?:\w+ ){0,2}(?:densit(?:y|ies)|opacit(?:y|ies)|foci|lesions?|mass(?:es)?|nodules?|hypodensit(?:y|ies)|hyperdensit(?:y|ies))\b|^what (?:is|are) the (?:(?!size\b|diameter\b|volume\b|location\b|attenuation\b|density\b|number\b|of\b|largest\b|biggest\b|smallest\b|dominant\b)[a-z-]+ ){1,3}(?:mass(?:es)?|lesions?|nodules?|hypodensit(?:y|ies)|hyperdensit(?:y|ies))\?*$|\bmade of\b|\bcalled\b|\bterm for\b|\btype of lesion\b|\bsigns? of \w+itis\b|\bindicates? that\b|\bwhat is located\b|\bwhere else\b|\b(?:mass|lesion|nodule|tumou?r) (?:a|an) (?:cyst|tumou?r)\b|\bcystic\?*$|\bsuggests? what\b|\bwhat is seen in the (?:image|picture)\b/, 'masks do not show what a finding is (its cause, nature or diagnosis)'],
];

/** Findings no mask class holds. Out of scope unless a finding the masks hold is named before it. */
const NO_MASK_FINDING = /\b(?:fractur\w*|calcif\w*|calcul\w*|h(?:a)?emorrhag\w*|bleed\w*|thromb\w*|emboli\w*|stones?|gallstones?|lithiasis|obstruct\w*|occlus\w*|dilat\w*|distend\w*|disten[ts]ion|engorg\w*|hydronephrosis|pneumo\w*|consolidat\w*|emphysema\w*|atelecta\w*|air[- ]fluid|free air|gas|air|stool|feces|filled|herniat\w*|hernia|intussus\w*|inflam\w*|\w+itis|edema\w*|oedema\w*|thicken\w*|perforat\w*|atheroma\w*|atherosclero\w*|plaques?|degenerat\w*|dish\b|covid\w*|viral|crazy paving|artery disease|aneurysm\w* of the (?:brain|cerebral)|infiltrat\w*|fibros\w*|bronchiectasis|nodal station|septal|ground[- ]glass|sequela\w*|pelvis of the (?:left |right )?kidney|renal pelvis|collection)\b/;
/** Findings the masks hold (lesions, nodes, fluid compartments, organ size). */
const MASK_FINDING = /\b(?:lesions?|mass(?:es)?|nodules?|nodular|cysts?|cystic|tumou?rs?|space[- ]occupying|lymph ?nodes?|lymphadenopathy|effusions?|ascites|pleural fluid|enlarge\w*|splenomegaly|hepatomegaly|cardiomegaly|hypodensit\w*|hyperdensit\w*)\b/;

/** The out-of-scope category of a question, or null when masks may answer it. */
export function outOfScope(text: string): OutOfScope | null {
  for (const [category, pattern, detail] of FIRST) if (pattern.test(text)) return { category, detail };
  const held = MASK_FINDING.exec(text);
  for (const m of text.matchAll(new RegExp(NO_MASK_FINDING.source, 'g'))) {
    // An adjective of a held finding ("calcified nodules", "calcific nonspecific nodule") is the held finding.
    const after = text.slice(m.index! + m[0].length, m.index! + m[0].length + 40);
    const adjective = /(?:ed|ic|al|ous)$/.test(m[0]);
    if (adjective && new RegExp(String.raw`^(?:\s+(?!in\b|of\b|the\b|a\b|an\b|with\b|and\b|or\b)[a-z-]+){0,2}?\s+${MASK_FINDING.source.replace(/^\\b/, '')}`).test(after)) continue;
    if (held === null || held.index > m.index!) return { category: 'finding', detail: `'${m[0]}' has no mask class in the segmentation vocabulary` };
    break;
  }
  return null;
}
