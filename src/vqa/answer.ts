import {
  answerCount, answerLesionAttenuation, answerLesionSize, answerLocation, answerPresence, answerShowLesion, answerStaging,
} from './answer-lesion.ts';
import {
  answerComparison, answerNormality, answerShowStructure, answerStructureAttenuation, answerStructurePresence, answerStructureSize,
} from './answer-structure.ts';
import { answerChange } from './answer-change.ts';
import type { VqaContext } from './context.ts';
import { parseQuestion, type ParseResult } from './parse-question.ts';
import { unanswerable, type Reply } from './reply.ts';
import { AnswerSchema, VQA_SCHEMA_VERSION, type Answer, type Intent } from './types.ts';

/** A second parser for questions the rules cannot read (e.g. `llmIntentParser(model)`); its result is re-validated. */
export type IntentParser = (question: string) => Promise<ParseResult>;

export interface AskOptions {
  /** Tried only when the rule parser returns 'unparsed'; never for out-of-scope questions. */
  readonly fallback?: IntentParser;
}

/** The reply to a validated intent. Pure and synchronous: everything it states comes from the study's findings and masks. */
export function answerIntent(ctx: VqaContext, intent: Intent): Reply {
  switch (intent.type) {
    case 'presence':
      return intent.target.kind === 'lesion' ? answerPresence(ctx, intent.target) : answerStructurePresence(ctx, intent.target.structure);
    case 'count':
      return answerCount(ctx, intent.target);
    case 'location':
      return answerLocation(ctx, intent.target);
    case 'size':
      return intent.target.kind === 'lesion'
        ? answerLesionSize(ctx, intent.target, intent.measure)
        : answerStructureSize(ctx, intent.target.structure, intent.measure);
    case 'attenuation':
      return intent.target.kind === 'lesion'
        ? answerLesionAttenuation(ctx, intent.target, intent.askedClass)
        : answerStructureAttenuation(ctx, intent.target.structure, intent.askedClass);
    case 'comparison':
      return answerComparison(ctx, intent.structures, intent.property, intent.direction, intent.form);
    case 'staging':
      return answerStaging(ctx, intent.target);
    case 'normality':
      return answerNormality(ctx, intent.structure, intent.aspect, intent.polarity);
    case 'show':
      return intent.target.kind === 'lesion' ? answerShowLesion(ctx, intent.target) : answerShowStructure(ctx, intent.target.structure);
    case 'change':
    case 'new_lesions':
    case 'response':
      return answerChange(ctx, intent);
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
  if (!parsed.ok) return wrap(question, null, null, unanswerable(parsed.reason, `Not answered: ${parsed.detail}.`));
  return wrap(question, parsed.intent, parsedBy, answerIntent(ctx, parsed.intent));
}
