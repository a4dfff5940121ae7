import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { EmbeddedEngine } from "../../src/engine/embedded/embeddedEngine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { channel, openServiceRig, request, type ServiceRig, updatesOf } from "../support/serviceHarness.js";

// With Phi-4 Mini's gpt-4o pre-tokenizer every tokenization costs about a millisecond of the event loop.
describe("counting tokens", () => {
  let engine: EmbeddedEngine;
  let rig: ServiceRig;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 1 });
    rig = openServiceRig(engine);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    rig?.close();
    await engine?.close();
  });

  it("tokenizes a question once, though the prompt budget and memory both count it", async () => {
    const tokenize = vi.spyOn(engine.model, "tokenize");
    const question = "how many times is this question tokenized?";
    await updatesOf(rig.service.handle(request(question, { address: { ...channel, thread: "count-once" } })));
    expect(tokenize.mock.calls.filter(([text]) => String(text) === question)).toHaveLength(1);
  });

  it("tokenizes an answer once: the next question's prompt reuses the count memory took when storing it", async () => {
    const address = { ...channel, thread: "count-reply-once" };
    const tokenize = vi.spyOn(engine.model, "tokenize");
    await updatesOf(rig.service.handle(request("first question", { address })));
    await updatesOf(rig.service.handle(request("second question", { address })));
    const answer = rig.memory.remembered(address)?.messages[1];
    expect(answer?.author).toBe("guru");
    expect(tokenize.mock.calls.filter(([text]) => String(text) === answer?.text)).toHaveLength(1);
  });
});
