import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { gctError } from '../errors.ts';
import type { Finding } from '../findings/index.ts';
import { assertGrounded } from './build-report.ts';
import { checkRephrase, splitSentences } from './check-sentence.ts';
import type { Replacement, Report, Sentence } from './schema.ts';
import { renderTemplate, templateKey, type LoadedTemplates, type TemplateRef } from './templates.ts';

/**
 * Optional LLM narrator (any LangChain BaseChatModel, configured with temperature 0). It may only rephrase the
 * template sentences: the model gets each sentence with its id ([s3] ...) and must answer one tagged line per
 * sentence. Its output is split into sentences and each tagged block is checked against its template sentence and
 * the findings that sentence cites (check-sentence.ts). A block that fails, or is missing, is replaced by the
 * template sentence; text tied to no sentence id is dropped (it has no finding behind it). `narrator.replaced`
 * records every replacement and drop with its reasons. Finding ids, sections and order never change; suggestion
 * sentences (recommendations) are neither sent nor changed.
 *
 * If the model call fails, the template report is returned with `narrator.error` set (no exception): a report
 * is always produced.
 */

export const NARRATOR_PROMPTS = {
  system: { id: 'narrator-system', version: 1 },
  user: { id: 'narrator-user', version: 1 },
} as const satisfies Record<string, TemplateRef>;

export interface NarrateOptions {
  readonly templates: LoadedTemplates;
}

const TAGGED = /^\s*\[(s\d+)\]\s*(.*)$/;

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p) => (typeof p === 'string' ? p : p && typeof p === 'object' && 'text' in p ? String((p as { text: unknown }).text) : '')).join('');
  return '';
}

/** Parses the model output into text per sentence id, plus text outside any tag. */
export function parseTaggedOutput(output: string): { byId: Map<string, string>; untagged: string[] } {
  const byId = new Map<string, string>();
  const untagged: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const m = TAGGED.exec(line);
    if (m === null) {
      untagged.push(line.trim());
      continue;
    }
    byId.set(m[1], [byId.get(m[1]), m[2].trim()].filter((x) => x !== undefined && x !== '').join(' '));
  }
  return { byId, untagged };
}

function declaredTemperature(model: BaseChatModel): unknown {
  return (model as unknown as { temperature?: unknown }).temperature;
}

export async function narrateWithLlm(report: Report, chatModel: BaseChatModel, options: NarrateOptions): Promise<Report> {
  const temperature = declaredTemperature(chatModel);
  if (typeof temperature === 'number' && temperature !== 0)
    throw gctError('GCT_REPORT_NARRATOR_INVALID', `The narrator's chat model has temperature ${temperature}; it must be 0.`, { temperature });

  const system = renderTemplate(options.templates, NARRATOR_PROMPTS.system, {}).trim();
  const user = renderTemplate(options.templates, NARRATOR_PROMPTS.user, {
    // Suggestions follow a guideline's wording and are not rephrased (their text is not a statement of findings).
    sentences: report.sentences.filter((s) => s.kind !== 'suggestion').map((s) => ({ id: s.id, section: s.section, text: s.text })),
  }).trim();
  const base = { prompt: templateKey(NARRATOR_PROMPTS.user), model: chatModel._llmType() };

  let output: string;
  try {
    const answer = await chatModel.invoke([['system', system], ['human', user]]);
    output = messageText(answer.content);
  } catch (cause) {
    return { ...report, narrator: { kind: 'template', ...base, replaced: [], error: `the LLM call failed: ${(cause as Error).message}` } };
  }

  const findingsById = new Map<string, Finding>(report.findings.map((f) => [f.id, f]));
  const { byId, untagged } = parseTaggedOutput(output);
  const replaced: Replacement[] = [];
  const sentenceIds = new Set(report.sentences.map((s) => s.id));

  const sentences: Sentence[] = report.sentences.map((s) => {
    if (s.kind === 'suggestion') return s;
    const llmText = byId.get(s.id);
    if (llmText === undefined || llmText === '') {
      replaced.push({ sentenceId: s.id, llmText: '', reasons: ['missing from the LLM output'], action: 'kept-template' });
      return s;
    }
    const cited = s.findingIds.map((id) => findingsById.get(id)).filter((f): f is Finding => f !== undefined);
    const reasons = checkRephrase(llmText, s.text, cited);
    if (reasons.length > 0) {
      replaced.push({ sentenceId: s.id, llmText, reasons, action: 'kept-template' });
      return s;
    }
    return { ...s, text: llmText };
  });
  for (const [id, text] of byId)
    if (!sentenceIds.has(id)) replaced.push({ sentenceId: null, llmText: text, reasons: [`unknown sentence id '${id}': no finding behind it`], action: 'dropped' });
  for (const text of untagged)
    for (const piece of splitSentences(text))
      replaced.push({ sentenceId: null, llmText: piece, reasons: ['not tied to any sentence id: no finding behind it'], action: 'dropped' });

  assertGrounded(sentences, new Set(findingsById.keys()));
  return { ...report, sentences, narrator: { kind: 'llm', ...base, replaced } };
}
