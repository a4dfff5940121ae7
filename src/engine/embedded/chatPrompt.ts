import type { ChatWrapper, LlamaModel, Token } from "node-llama-cpp";
import { LlamaText } from "node-llama-cpp";
import { chatHistoryForAnswer } from "../chatHistory.js";
import type { ChatTurn } from "../generationTypes.js";

export interface RenderedPrompt {
  readonly tokens: Token[];
  /** Single tokens that end the answer besides the model's end-of-generation tokens. */
  readonly stopTokens: ReadonlySet<Token>;
}

/**
 * Renders a chat with the model's own template (the one embedded in the GGUF). Turn texts go in
 * as plain text, so `<|system|>` typed by a user stays text and never becomes a control token.
 */
export function renderChatPrompt(
  model: LlamaModel,
  chatWrapper: ChatWrapper,
  turns: readonly ChatTurn[],
): RenderedPrompt {
  const state = chatWrapper.generateContextState({ chatHistory: chatHistoryForAnswer(turns) });
  const stopTokens = new Set<Token>();
  for (const trigger of state.stopGenerationTriggers) {
    const tokens = LlamaText(trigger).tokenize(model.tokenizer);
    if (tokens.length === 1 && tokens[0] !== undefined) stopTokens.add(tokens[0]);
  }
  return { tokens: state.contextText.tokenize(model.tokenizer), stopTokens };
}
