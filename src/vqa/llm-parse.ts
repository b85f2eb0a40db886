import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { readFileSync } from 'node:fs';
import { gctError } from '../errors.ts';
import type { IntentParser } from './answer.ts';
import type { ParseResult } from './parse-question.ts';
import { IntentSchema } from './types.ts';

/**
 * The optional LLM fallback of the question parser, through LangChain (any BaseChatModel). The model is asked
 * for the intent as one JSON object (prompt prompts/vqa/vqa-intent.v1.txt); its reply is parsed and validated
 * with IntentSchema (canonical anatomy names included) before anything is answered. Its free text is never used:
 * a reply that is not a valid intent makes the question 'unparsed'. The only file that imports @langchain/core.
 */

export const VQA_INTENT_PROMPT_ID = 'vqa-intent@1';
const PROMPT_URL = new URL('../../prompts/vqa/vqa-intent.v1.txt', import.meta.url);

let promptText: string | null = null;
function prompt(): string {
  // The first line is the {# id / version #} header, for people; the model gets the text below it.
  promptText ??= readFileSync(PROMPT_URL, 'utf8').replace(/^\{#[^\n]*#\}\n/, '');
  return promptText;
}

/** The first JSON object in a reply (a ```json fence or surrounding prose is tolerated, not trusted). */
export function extractJsonObject(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (typeof c === 'string' ? c : typeof c?.text === 'string' ? c.text : '')).join('');
  return '';
}

/**
 * An IntentParser backed by a chat model. The model may also answer {"type": "out_of_scope"}. A model call that
 * throws is a GCT_VQA_LLM_FAILED error (the service is down, not the question unreadable).
 */
export function llmIntentParser(model: BaseChatModel): IntentParser {
  return async (question: string): Promise<ParseResult> => {
    let reply: string;
    try {
      const message = await model.invoke([['system', prompt()], ['human', question]]);
      reply = contentText(message.content);
    } catch (cause) {
      throw gctError('GCT_VQA_LLM_FAILED', `The question-parsing chat model failed: ${(cause as Error).message}`, { model: model._llmType() }, cause);
    }
    const json = extractJsonObject(reply);
    if (json === undefined) return { ok: false, reason: 'unparsed', detail: 'the LLM fallback did not return a JSON object' };
    if (typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'out_of_scope')
      return { ok: false, reason: 'out_of_scope', detail: 'the LLM fallback judged the question out of scope for masks' };
    const parsed = IntentSchema.safeParse(json);
    if (!parsed.success)
      return { ok: false, reason: 'unparsed', detail: `the LLM fallback's intent is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
    return { ok: true, intent: parsed.data };
  };
}
