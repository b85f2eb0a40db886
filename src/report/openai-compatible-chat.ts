import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { gctError } from '../errors.ts';

/**
 * A LangChain chat model for any OpenAI-compatible `POST <baseUrl>/chat/completions` endpoint (a hosted API, a
 * local vLLM or llama.cpp server, or Ollama's `/v1` compatibility endpoint), written on @langchain/core alone so
 * groundct needs no provider package. Temperature is fixed at 0: the narrator may only rephrase, and a
 * rephrasing must be reproducible. The API key is sent as a bearer token and never logged or put in errors.
 */
export interface OpenAiCompatibleChatOptions extends BaseChatModelParams {
  /** e.g. http://127.0.0.1:11434/v1 for Ollama, https://api.example.org/v1 for a hosted API. */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
}

interface CompletionBody {
  choices?: { message?: { content?: unknown } }[];
}

const ROLE: Record<string, string> = { system: 'system', human: 'user', ai: 'assistant' };

export class OpenAiCompatibleChatModel extends BaseChatModel {
  readonly temperature = 0;
  private readonly baseUrl: string;
  private readonly model: string;
  private readonly apiKey?: string;
  private readonly timeoutMs: number;

  constructor(options: OpenAiCompatibleChatOptions) {
    super(options);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.model = options.model;
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  _llmType(): string {
    return `openai-compatible:${this.model}`;
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const url = `${this.baseUrl}/chat/completions`;
    const body = {
      model: this.model,
      temperature: 0,
      messages: messages.map((m) => ({ role: ROLE[m.getType()] ?? 'user', content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content) })),
    };
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw gctError('GCT_REPORT_NARRATOR_INVALID', `The narrator endpoint ${url} could not be reached: ${(cause as Error).message}`, { url }, cause);
    }
    if (!response.ok) {
      throw gctError('GCT_REPORT_NARRATOR_INVALID', `The narrator endpoint ${url} answered HTTP ${response.status}.`, { url, status: response.status });
    }
    const json = (await response.json().catch(() => ({}))) as CompletionBody;
    const content = json.choices?.[0]?.message?.content;
    if (typeof content !== 'string') {
      throw gctError('GCT_REPORT_NARRATOR_INVALID', `The narrator endpoint ${url} returned no choices[0].message.content.`, { url });
    }
    return { generations: [{ text: content, message: new AIMessage(content) }] };
  }
}
