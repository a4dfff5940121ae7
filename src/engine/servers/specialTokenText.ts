/**
 * U+2060 WORD JOINER: invisible, no width, no line break. Put inside a special-token shape it
 * keeps the text reading the same to a person and to the model while no tokenizer can match the
 * control token any more.
 */
export const tokenBreaker = "\u2060";

/**
 * Special-token shapes of the chat templates Guru may meet on a server that templates by itself
 * (OpenAI-compatible servers render the chat and tokenize it with special-token parsing on). Each
 * pattern matches up to the point where the breaker goes: right after the opening character.
 *
 * - `<|anything|>` and DeepSeek's full-width `<｜…｜>`: Phi, ChatML (`<|im_start|>`), Llama 3
 *   (`<|eot_id|>`), GPT-OSS, Granite, Command-R — broken after `<` whatever the name.
 * - `<s>`, `</s>`, `<unk>`, `<pad>`, `<bos>`, `<eos>`, `<mask>`: SentencePiece and BERT-style tokens.
 * - Gemma `<start_of_turn>`/`<end_of_turn>`/`<start_of_image>`/`<end_of_image>`, Qwen
 *   `<think>`/`<tool_call>`/`<tool_response>` and their closing forms, GLM `<sop>`/`<eop>`.
 * - Llama 2 `<<SYS>>`/`<</SYS>>`.
 * - Mistral `[INST]`, `[/INST]`, `[SYSTEM_PROMPT]`, `[TOOL_CALLS]`, `[AVAILABLE_TOOLS]`,
 *   `[TOOL_RESULTS]` (and closing forms), GLM `[gMASK]`: broken after `[`.
 *
 * Case is ignored (breaking a look-alike costs nothing). HTML and other angle-bracket text is
 * left alone: only the names above are control tokens.
 */
const specialTokenShapes = new RegExp(
  [
    "<(?=[|｜])",
    String.raw`<(?=\/?(?:s|unk|pad|bos|eos|mask|sop|eop|start_of_turn|end_of_turn|start_of_image|end_of_image|think|tool_call|tool_response)>)`,
    String.raw`<(?=<\/?SYS>>)`,
    String.raw`\[(?=\/?(?:INST|SYSTEM_PROMPT|TOOL_CALLS|AVAILABLE_TOOLS|TOOL_RESULTS|gMASK)\])`,
  ].join("|"),
  "giu",
);

/**
 * The text with every special-token shape broken by an invisible word joiner, so text typed by
 * anyone reaches a server that templates and tokenizes by itself as text, never as a control
 * token. Idempotent: a broken shape no longer matches.
 */
export function neutraliseSpecialTokens(text: string): string {
  return text.replace(specialTokenShapes, (opening) => `${opening}${tokenBreaker}`);
}
