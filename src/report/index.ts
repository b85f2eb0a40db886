/**
 * report: the structured report (report.json, zod schema exported as JSON Schema to models/report.schema.json)
 * and its narrative (FINDINGS organ by organ, IMPRESSION most significant first), worded by templates in prompts/,
 * optionally rephrased by a checked LLM narrator. The only entry point other stages import.
 *
 * ```ts
 * const templates = await loadTemplates();              // once
 * const report = buildReport(measurements, findings, { templates });
 * const md = renderMarkdown(report);
 * const llm = await narrateWithLlm(report, chatModel, { templates }); // optional; failing sentences fall back
 * ```
 */
export { assertGrounded, buildReport, type BuildReportOptions } from './build-report.ts';
export { renderMarkdown } from './render-markdown.ts';
export { NARRATOR_PROMPTS, narrateWithLlm, parseTaggedOutput, type NarrateOptions } from './narrate-llm.ts';
// The adapter class itself (OpenAiCompatibleChatModel, which loads LangChain) is a public sub-entry:
// './openai-compatible-chat.ts'. This index stays free of LangChain so that template-worded reports never load it.
export type { OpenAiCompatibleChatOptions } from './openai-compatible-chat.ts';
export { openOpenAiCompatibleChat } from './narrator-model.ts';
export { checkRephrase, splitSentences } from './check-sentence.ts';
export { extractClaims, type Claims, type Quantity } from './claims.ts';
export { DEFAULT_PROMPTS_DIR, loadTemplates, renderSentence, renderTemplate, templateKey, type LoadedTemplates, type TemplateRef } from './templates.ts';
export { TEMPLATES, type SentencePlan } from './sentence-plan.ts';
export { cmText, degreesText, huText, lengthText, ratioText, sizeText, volumeText } from './format.ts';
export { reportJsonSchema, REPORT_JSON_SCHEMA_PATH } from './json-schema.ts';
export {
  CitationSchema,
  NarratorSchema,
  REPORT_SCHEMA_VERSION,
  ReplacementSchema,
  ReportLesionSchema,
  ReportSchema,
  ReportStructureSchema,
  ReportStudySchema,
  SentenceSchema,
  type Replacement,
  type Report,
  type ReportLesion,
  type ReportStructure,
  type ReportStudy,
  type Sentence,
} from './schema.ts';
