import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { finalOf, openServiceRig, request, type ServiceRig, updatesOf } from "../support/serviceHarness.js";

describe("regenerating an answer", () => {
  let engine: Engine;
  let rig: ServiceRig;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 1, contextSize: 4096 });
    rig = openServiceRig(engine, { firstSeed: 7 });
  });

  afterAll(async () => {
    rig?.close();
    await engine?.close();
  });

  function stored(questionText: string) {
    const db = new Database(rig.databasePath, { readonly: true });
    try {
      const question = db
        .prepare("SELECT id FROM messages WHERE role = 'user' AND text = ?")
        .get(questionText) as {
        id: number;
      };
      return {
        replies: db.prepare("SELECT text, status FROM messages WHERE reply_to = ?").all(question.id),
        analyses: db
          .prepare("SELECT json FROM analyses WHERE answered_message_id = ?")
          .all(question.id)
          .map((row) => JSON.parse((row as { json: string }).json)),
      };
    } finally {
      db.close();
    }
  }

  it("answers an analysis again from the same prompt, and memory keeps only the new analysis", async () => {
    const asked = request("Why do our deploys fail on Mondays?", { mode: "analyze" });
    const first = finalOf(await updatesOf(rig.service.handle(asked)));
    expect(first.type).toBe("finished");

    const regeneration = rig.service.regenerate(
      { address: asked.address, messageId: asked.messageId },
      { requester: asked.author, isAdmin: false },
    );
    if (regeneration.kind !== "regenerating") throw new Error(`refused: ${regeneration.reason}`);
    const second = finalOf(await updatesOf(regeneration.updates));

    expect(regeneration.mode).toBe("analyze");
    expect(second.type).toBe("finished");
    const [original, again] = rig.generations.slice(-2);
    expect(again?.turns).toEqual(original?.turns);
    const { replies, analyses } = stored(asked.text);
    expect(replies).toHaveLength(1);
    expect(analyses).toEqual([
      second.type === "finished" && second.reply.kind === "analysis" ? second.reply.analysis : null,
    ]);
  });

  it("refuses another person's question, an unknown one, and a second regeneration at once", async () => {
    const asked = request("What is a mutex?");
    await updatesOf(rig.service.handle(asked));
    const target = { address: asked.address, messageId: asked.messageId };

    const byOther = rig.service.regenerate(target, { requester: "U-other", isAdmin: false });
    const unknown = rig.service.regenerate(
      { ...target, messageId: "never-asked" },
      { requester: asked.author, isAdmin: false },
    );
    const running = rig.service.regenerate(target, { requester: "U-admin", isAdmin: true });
    const meanwhile = rig.service.regenerate(target, { requester: asked.author, isAdmin: false });
    if (running.kind === "regenerating") await updatesOf(running.updates);
    const after = rig.service.regenerate(target, { requester: asked.author, isAdmin: false });
    if (after.kind === "regenerating") after.abandon();

    expect([byOther, unknown, meanwhile].map((r) => r.kind === "refused" && r.reason)).toEqual([
      "notAllowed",
      "notFound",
      "busy",
    ]);
    expect(running.kind).toBe("regenerating");
    expect(after.kind).toBe("regenerating");
    // Abandoned before it was read: the question is free again.
    const next = rig.service.regenerate(target, { requester: asked.author, isAdmin: false });
    expect(next.kind).toBe("regenerating");
    if (next.kind === "regenerating") next.abandon();
  });
});
