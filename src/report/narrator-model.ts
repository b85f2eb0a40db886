import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { OpenAiCompatibleChatOptions } from './openai-compatible-chat.ts';

/**
 * The LLM narrator for an OpenAI-compatible endpoint. LangChain (which the adapter class extends) is loaded here,
 * when a narrator is configured, never by a report worded by the templates alone.
 */
export async function openOpenAiCompatibleChat(options: OpenAiCompatibleChatOptions): Promise<BaseChatModel> {
  const { OpenAiCompatibleChatModel } = await import('./openai-compatible-chat.ts');
  return new OpenAiCompatibleChatModel(options);
}
