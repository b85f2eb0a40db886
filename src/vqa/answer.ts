import {
  answerCount, answerLesionAttenuation, answerLesionSize, answerLocation, answerPresence, answerShowLesion, answerStaging,
} from './answer-lesion.ts';
import {
  answerComparison, answerNormality, answerShowStructure, answerStructureAttenuation, answerStructurePresence, answerStructureSize,
} from './answer-structure.ts';
import { answerChange } from './answer-change.ts';
import { answerRoutine } from './answer-routine.ts';
import { answerAbnormality, answerContact, answerCoverage, answerStructureCount, answerStructureLocation, answerUnknown } from './answer-region.ts';
import type { VqaContext } from './context.ts';
import { parseQuestion, type ParseResult } from './parse-question.ts';
import { unanswerable, type Reply } from './reply.ts';
import { AnswerSchema, VQA_SCHEMA_VERSION, type Answer, type Intent, type StructureTarget } from './types.ts';

/** A second parser for questions the rules cannot read (e.g. `llmIntentParser(model)`); its result is re-validated. */
export type IntentParser = (question: string) => Promise<ParseResult>;

export interface AskOptions {
  /** Tried only when the rule parser returns 'unparsed'; never for out-of-scope questions. */
  readonly fallback?: IntentParser;
}

/** The reply to a validated intent. Pure and synchronous: everything it states comes from the study's findings and masks. */
export function answerIntent(ctx: VqaContext, intent: Intent): Reply {
  if ('target' in intent && intent.target.kind === 'unknown') return answerUnknown(intent.target);
  switch (intent.type) {
    case 'presence':
      return intent.target.kind === 'lesion' ? answerPresence(ctx, intent.target) : answerStructurePresence(ctx, (intent.target as StructureTarget).structure);
    case 'count':
      return intent.target.kind === 'lesion' ? answerCount(ctx, intent.target) : answerStructureCount(ctx, (intent.target as StructureTarget).structure);
    case 'location':
      return intent.target.kind === 'lesion' ? answerLocation(ctx, intent.target) : answerStructureLocation(ctx, (intent.target as StructureTarget).structure);
    case 'size':
      return intent.target.kind === 'lesion'
        ? answerLesionSize(ctx, intent.target, intent.measure)
        : answerStructureSize(ctx, (intent.target as StructureTarget).structure, intent.measure);
    case 'attenuation':
      return intent.target.kind === 'lesion'
        ? answerLesionAttenuation(ctx, intent.target, intent.askedClass)
        : answerStructureAttenuation(ctx, (intent.target as StructureTarget).structure, intent.askedClass);
    case 'comparison':
      return answerComparison(ctx, intent.structures, intent.property, intent.direction, intent.form);
    case 'staging':
      return answerStaging(ctx, intent.target);
    case 'normality':
      return intent.structure === null ? answerUnknown({ kind: 'unknown', name: intent.unknown ?? 'this structure' }) : answerNormality(ctx, intent.structure, intent.aspect, intent.polarity);
    case 'show':
      return intent.target.kind === 'lesion' ? answerShowLesion(ctx, intent.target) : answerShowStructure(ctx, (intent.target as StructureTarget).structure);
    case 'abnormality':
      return answerAbnormality(ctx, intent.region);
    case 'contact':
      return answerContact(ctx, intent.target, intent.vessel);
    case 'coverage':
      return answerCoverage(ctx, intent.structure, intent.asked);
    case 'change':
    case 'new_lesions':
    case 'response':
      return answerChange(ctx, intent);
    case 'routine':
      return answerRoutine(ctx, intent);
  }
}

function wrap(question: string, intent: Intent | null, parsedBy: 'rules' | 'llm' | null, reply: Reply): Answer {
  // Parsing our own output keeps the wire format honest: a field the schema does not allow fails here, in tests.
  return AnswerSchema.parse({ kind: 'vqa-answer', schemaVersion: VQA_SCHEMA_VERSION, question, intent, parsedBy, ...reply });
}

/**
 * Question -> grounded answer. The rule parser reads the question; when it cannot, the optional fallback (an LLM
 * returning the intent as JSON) may; either way the intent is validated with IntentSchema before it is answered,
 * and the answer is computed from the findings, never taken from a model's text.
 */
export async function ask(ctx: VqaContext, question: string, options: AskOptions = {}): Promise<Answer> {
  let parsed = parseQuestion(question);
  let parsedBy: 'rules' | 'llm' = 'rules';
  if (!parsed.ok && parsed.reason === 'unparsed' && options.fallback !== undefined) {
    parsed = await options.fallback(question);
    parsedBy = 'llm';
  }
  if (!parsed.ok) return wrap(question, null, null, unanswerable(parsed.reason, `Not answered: ${parsed.detail}.`, parsed.reason === 'out_of_scope' ? { caveats: [`out of scope: ${parsed.category}`] } : {}));
  return wrap(question, parsed.intent, parsedBy, answerIntent(ctx, parsed.intent));
}
