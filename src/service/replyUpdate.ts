import type { GenerationUsage } from "../engine/generationTypes.js";
import type { ErrorCode } from "../errors.js";
import type { CognitiveAnalysis } from "./cognitiveAnalysis.js";

export type Reply =
  | { readonly kind: "answer"; readonly markdown: string; readonly usage: GenerationUsage }
  | {
      readonly kind: "analysis";
      readonly markdown: string;
      readonly analysis: CognitiveAnalysis;
      readonly usage: GenerationUsage;
      /** What could not be read or was cut (also at the end of `markdown`): for fronts that show `analysis`. */
      readonly readNotes: readonly string[];
    }
  /** A short answer that needed no model: help for an empty message. */
  | { readonly kind: "notice"; readonly markdown: string };

/**
 * What a renderer shows, in order: maybe `summarizing` (first, before older history is folded into
 * the rolling summary: a slow step), maybe `queued` (position changes), `started`, `text` as it
 * streams (the whole text so far, so a renderer can edit in place), then exactly one `finished`
 * or `failed`. A redelivered event yields only `duplicate`: render nothing.
 */
export type ReplyUpdate =
  | { readonly type: "summarizing" }
  | { readonly type: "queued"; readonly position: number }
  | { readonly type: "started" }
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "finished"; readonly reply: Reply }
  | {
      readonly type: "failed";
      readonly code: ErrorCode;
      readonly message: string;
      readonly partialText: string;
    }
  | { readonly type: "duplicate" };
