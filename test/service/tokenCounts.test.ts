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

  it("counts the thread read with a question in the engine's process, off Guru's event loop, with the same counts", async () => {
    const address = { ...channel, thread: "count-thread-ahead" };
    const thread = [
      "the deploy stalled at step 3",
      "retrying with a smaller batch",
      "it failed again: disk full",
    ];
    const tokenize = vi.spyOn(engine.model, "tokenize");
    await updatesOf(
      rig.service.handle(
        request("what went wrong?", {
          address,
          context: {
            messages: thread.map((text, i) => ({
              messageId: `read-${i}`,
              author: "U2",
              authorKind: "person" as const,
              text,
              documents: [],
            })),
            documents: [],
            notes: [],
          },
        }),
      ),
    );
    expect(tokenize.mock.calls.filter(([text]) => thread.includes(String(text)))).toEqual([]);
    tokenize.mockRestore();
    const stored = rig.memory
      .remembered(address)
      ?.messages.filter((message) => thread.includes(message.text));
    expect(stored?.map((message) => message.tokenCount)).toEqual(
      thread.map((text) => engine.model.tokenize(text, false).length),
    );
  });
});
