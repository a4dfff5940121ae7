import { type LlamaText, type SpecialToken, SpecialTokensText } from "node-llama-cpp";
import { z } from "zod";
import { ServerFailure } from "../serverBackend.js";
import type { LlamaServerProps } from "./llamaServerProps.js";
import { exchangeJson, type ServerAddress } from "./serverRequest.js";
import { SharedLookups } from "./sharedLookups.js";

const tokenizeAnswerSchema = z.object({ tokens: z.array(z.number().int()) });

/**
 * Turns a rendered chat into the token ids llama-server is sent. Only the template's own text
 * (`SpecialTokensText`) is tokenized with special-token parsing; turn texts go through one
 * `/tokenize` call with parsing off, so `<|system|>` typed by a user stays plain text. Ids sent as
 * the prompt are never parsed again by `/completion`. Control-token ids are cached per server.
 */
export class PromptTokens {
  private readonly controlIds = new SharedLookups<number[]>();
  private readonly bosId = new SharedLookups<number | undefined>();

  constructor(
    private readonly server: ServerAddress,
    private readonly props: LlamaServerProps,
  ) {}

  async of(text: LlamaText, signal: AbortSignal): Promise<number[]> {
    const mixed: (number | string)[] = [];
    for (const part of text.values) {
      if (typeof part === "string") mixed.push(part);
      else if (part instanceof SpecialTokensText) mixed.push(...(await this.control(part.value, signal)));
      else mixed.push(...(await this.specialToken(part, signal)));
    }
    const tokens = await this.tokenize(mixed, { parse_special: false }, signal);
    // Like llama-server's own chat endpoint: a model that wants BOS gets it once, at the start.
    const bos = await this.modelBos(signal);
    return bos === undefined || tokens[0] === bos ? tokens : [bos, ...tokens];
  }

  private control(text: string, signal: AbortSignal): Promise<number[]> {
    return this.controlIds.get(text, signal, (lookup) =>
      this.tokenize(text, { parse_special: true }, lookup),
    );
  }

  private async specialToken(token: SpecialToken, signal: AbortSignal): Promise<(number | string)[]> {
    switch (token.value) {
      case "NL":
        return ["\n"];
      case "BOS":
        return this.namedToken(this.props.bos_token, "bos_token", signal);
      case "EOS":
        return this.namedToken(this.props.eos_token, "eos_token", signal);
      default:
        throw new ServerFailure(
          `the chat template of ${this.server.url} uses ${token.value}, which llama-server does not name`,
          {
            started: false,
            serverFault: false,
          },
        );
    }
  }

  private async namedToken(text: string | undefined, name: string, signal: AbortSignal): Promise<number[]> {
    const ids = text ? await this.control(text, signal) : [];
    if (ids.length !== 1) {
      throw new ServerFailure(`${this.server.url} names no single ${name} token for its chat template`, {
        started: false,
        serverFault: false,
      });
    }
    return ids;
  }

  /** The BOS id when the model adds one to every prompt (what `add_special` puts before nothing). */
  private modelBos(signal: AbortSignal): Promise<number | undefined> {
    return this.bosId.get("bos", signal, async (lookup) => {
      const added = await this.tokenize("", { add_special: true, parse_special: false }, lookup);
      const named = this.props.bos_token ? await this.control(this.props.bos_token, lookup) : [];
      return added[0] !== undefined && named.length === 1 && added[0] === named[0] ? added[0] : undefined;
    });
  }

  private async tokenize(
    content: string | (number | string)[],
    options: { parse_special: boolean; add_special?: boolean },
    signal: AbortSignal,
  ): Promise<number[]> {
    const answer = await exchangeJson(
      this.server,
      "/tokenize",
      { content, add_special: false, ...options },
      signal,
    );
    const parsed = tokenizeAnswerSchema.safeParse(answer);
    if (!parsed.success) {
      throw new ServerFailure(`${this.server.url}/tokenize answered in an unknown shape`, {
        started: false,
        serverFault: true,
      });
    }
    return parsed.data.tokens;
  }
}
