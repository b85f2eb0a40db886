/**
 * vqa: grounded question answering over a study's findings. The only entry point other stages import.
 *
 * ```ts
 * const ctx = makeVqaContext(studyFromArtifacts(measurements, findings), await loadKnowledgeBase());
 * const a = await ask(ctx, 'Where is the largest liver lesion?');
 * // { answerable: true, answer: 'Couinaud segment 7', findingIds: ['liver_lesion-1'], evidence: [...mask box...],
 * //   citations: [{ id: 'couinaud-segments', ... }], ... }
 * await ask(ctx, 'What is the spleen volume?');   // partially imaged spleen: answerable false, reason 'partially_imaged'
 * await ask(ctx, 'Is the tumour malignant?');     // answerable false, reason 'out_of_scope'
 * ```
 * Unreadable questions may go to an LLM: `ask(ctx, q, { fallback: llmIntentParser(chatModel) })`; its JSON intent is
 * validated before it is answered.
 */
export { ask, answerIntent, type AskOptions, type IntentParser } from './answer.ts';
export { makeVqaContext, type VqaContext } from './context.ts';
export { llmIntentParser, extractJsonObject, VQA_INTENT_PROMPT_ID } from './llm-parse.ts';
export { loadReportDir, studyFromReport } from './load-report-dir.ts';
export { parseQuestion, type ParseResult } from './parse-question.ts';
export { studyFromArtifacts, evidenceOfStats, type VqaStructure, type VqaStudy } from './study.ts';
export {
  AnswerSchema,
  IntentSchema,
  OUT_OF_SCOPE_CATEGORIES,
  OutOfScopeCategorySchema,
  QUESTION_TYPES,
  QuestionTypeSchema,
  UnanswerableReasonSchema,
  UNANSWERABLE_REASONS,
  VQA_SCHEMA_VERSION,
  type Answer,
  type AnswerCitation,
  type Intent,
  type MaskRef,
  type OutOfScopeCategory,
  type QuestionType,
  type UnanswerableReason,
} from './types.ts';
