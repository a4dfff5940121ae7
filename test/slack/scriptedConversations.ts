import { setTimeout as delay } from "node:timers/promises";
import type { SlackConversations } from "../../src/bots/slack/slackConversations.js";
import type { ConversationRequest } from "../../src/service/conversationRequest.js";
import type { ReplyUpdate } from "../../src/service/replyUpdate.js";

/** One step of a scripted reply: an update, or a pause before the next. */
export type ScriptStep = ReplyUpdate | { readonly type: "pause"; readonly ms: number };

/**
 * A conversation service that plays a script instead of running a model: for timing and sizes a
 * tiny model cannot produce on demand (a long answer, a queue, a failure mid-stream).
 */
export class ScriptedConversations implements SlackConversations {
  readonly requests: ConversationRequest[] = [];
  /** When each request's stream ended, by message id: to see how long its final edit took. */
  readonly endedAt = new Map<string, number>();

  /** One script for every request, or one per request (its answer can name the question). */
  constructor(
    private readonly script:
      | readonly ScriptStep[]
      | ((request: ConversationRequest) => readonly ScriptStep[]),
  ) {}

  async *handle(request: ConversationRequest): AsyncGenerator<ReplyUpdate> {
    this.requests.push(request);
    const script = typeof this.script === "function" ? this.script(request) : this.script;
    for (const step of script) {
      if (step.type === "finished") this.endedAt.set(request.messageId, Date.now());
      if (step.type === "pause") await delay(step.ms);
      else yield step;
    }
  }

  /** A script refuses only in its steps. */
  refusal(): undefined {
    return undefined;
  }

  claimInterrupted(): [] {
    return [];
  }

  locateReply(): void {}

  remembered(): null {
    return null;
  }

  memoryView(): never {
    throw new Error("not scripted");
  }

  lastSeenMessageId(): null {
    return null;
  }

  regenerate(): never {
    throw new Error("not scripted");
  }

  forgetConversation(): never {
    throw new Error("not scripted");
  }

  forgetUser(): never {
    throw new Error("not scripted");
  }

  exportUser(): never {
    throw new Error("not scripted");
  }

  statusDescription(): never {
    throw new Error("not scripted");
  }

  persona(): never {
    throw new Error("not scripted");
  }

  setPersona(): never {
    throw new Error("not scripted");
  }

  resetPersona(): never {
    throw new Error("not scripted");
  }
}

const usage = {
  promptTokens: 10,
  cachedPromptTokens: 0,
  generatedTokens: 100,
  queueMs: 0,
  timeToFirstTokenMs: 10,
  totalMs: 100,
  tokensPerSecond: 100,
};

/** The text streamed in `steps` growing prefixes, `everyMs` apart, then finished. */
export function streamed(answer: string, steps: number, everyMs: number): ScriptStep[] {
  const script: ScriptStep[] = [];
  for (let i = 1; i <= steps; i += 1) {
    script.push(
      { type: "text", text: answer.slice(0, Math.ceil((answer.length * i) / steps)) },
      { type: "pause", ms: everyMs },
    );
  }
  script.push({ type: "finished", reply: { kind: "answer", markdown: answer, usage } });
  return script;
}
