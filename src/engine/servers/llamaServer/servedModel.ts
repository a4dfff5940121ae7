import { JinjaTemplateChatWrapper, type LlamaText } from "node-llama-cpp";
import { chatHistoryForAnswer } from "../../chatHistory.js";
import type { ChatTurn } from "../../generationTypes.js";
import { type LlamaServerProps, servedModelName } from "./llamaServerProps.js";
import { PromptTokens } from "./promptTokens.js";
import type { ServerAddress } from "./serverRequest.js";

/**
 * What Guru knows about the model one llama-server serves: its chat template (rendered here, as
 * the embedded engine renders it), its tokens, its context per slot. Rebuilt when the server's
 * model or settings change.
 */
export class ServedModel {
  readonly name: string;
  readonly slots: number;
  /** Tokens one slot holds (0: the server did not say). */
  readonly contextSize: number;
  readonly tokens: PromptTokens;
  private readonly chatWrapper: JinjaTemplateChatWrapper;

  constructor(
    server: ServerAddress,
    readonly props: LlamaServerProps,
  ) {
    this.name = servedModelName(props);
    this.slots = props.total_slots;
    this.contextSize = props.default_generation_settings.n_ctx;
    this.tokens = new PromptTokens(server, props);
    this.chatWrapper = new JinjaTemplateChatWrapper({ template: props.chat_template });
  }

  /** Whether `props` describe the same model and settings (so the cached tokens still hold). */
  sameAs(props: LlamaServerProps): boolean {
    return JSON.stringify(props) === JSON.stringify(this.props);
  }

  /** The chat in the model's own template; turn texts stay plain text, never control tokens. */
  render(turns: readonly ChatTurn[]): LlamaText {
    return this.chatWrapper.generateContextState({ chatHistory: chatHistoryForAnswer(turns) }).contextText;
  }
}
