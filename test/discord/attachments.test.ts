import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { minimalPdf } from "../support/minimalPdf.js";
import { answerTo } from "./answers.js";
import { type CapturingEngine, turnsAnswering, userSideText } from "./capturedPrompts.js";
import type { DiscordRig } from "./discordRig.js";
import { openWatchedRig } from "./watchedRig.js";

let engine: Engine;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 2, contextSize: 4096 });
});

afterAll(async () => {
  await engine?.close();
});

/** Discord's content types, as it detects them on upload. */
const utf8Text = "text/plain; charset=utf-8";

describe("files attached on Discord", () => {
  let rig: DiscordRig;
  let prompts: CapturingEngine;

  beforeAll(async () => {
    ({ rig, prompts } = await openWatchedRig(engine));
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("reads a long paste (message.txt), a .txt, a .py and a .pdf into the prompt, with their names", async () => {
    const question = "review these files";
    const sent = rig.fake.userMessage({
      content: question,
      files: [
        {
          name: "message.txt",
          data: Buffer.from("A paste too long for one message: step one, step two."),
          contentType: utf8Text,
        },
        { name: "notes.txt", data: Buffer.from("Remember the retention policy."), contentType: utf8Text },
        {
          name: "retry.py",
          data: Buffer.from("def retry(times):\n    return [attempt for attempt in range(times)]\n"),
          contentType: "text/x-python; charset=utf-8",
        },
        {
          name: "report.pdf",
          data: Buffer.from(minimalPdf(["Quarterly uptime was 99.95 percent."])),
          contentType: "application/pdf",
        },
      ],
    });
    await answerTo(rig, sent);

    const prompt = userSideText(turnsAnswering(prompts, question));
    for (const [name, text] of [
      ["message.txt", "A paste too long for one message: step one, step two."],
      ["notes.txt", "Remember the retention policy."],
      ["retry.py", "def retry(times):"],
      ["report.pdf", "Quarterly uptime was 99.95 percent."],
    ] as const) {
      expect(prompt).toContain(name);
      expect(prompt).toContain(text);
    }
  });

  it("reads the files of the message replied to", async () => {
    const { world } = rig.fake;
    const shared = rig.fake.userMessage({
      content: "here is the log",
      author: world.users.bob,
      mention: "none",
      files: [
        { name: "build.log", data: Buffer.from("error: linker ran out of memory"), contentType: utf8Text },
      ],
    });
    const question = "why did it fail?";
    const sent = rig.fake.userMessage({ content: question, replyTo: shared.message.id });
    await answerTo(rig, sent);

    const prompt = userSideText(turnsAnswering(prompts, question));
    expect(prompt).toContain("build.log");
    expect(prompt).toContain("error: linker ran out of memory");
  });

  it("says once that it cannot read an image, and answers", async () => {
    const question = "what is in this picture?";
    const sent = rig.fake.userMessage({
      content: question,
      files: [
        {
          name: "photo.png",
          data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
          contentType: "image/png",
        },
      ],
    });
    const answer = await answerTo(rig, sent);

    expect(answer.split("I can't read images yet (photo.png)")).toHaveLength(2);
    expect(turnsAnswering(prompts, question).length).toBeGreaterThan(0);
  });

  describe("with an attachment URL on another host", () => {
    let elsewhere: Server;
    let hits = 0;

    beforeAll(async () => {
      elsewhere = createServer((_request, response) => {
        hits += 1;
        response.end("internal secrets");
      });
      await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    });

    it("never requests it, and still answers with a note", async () => {
      const url = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/secrets.txt`;
      const question = "read my crafted file";
      const sent = rig.fake.userMessage({
        content: question,
        attachments: [
          {
            id: rig.fake.world.ids.next(),
            filename: "secrets.txt",
            size: 16,
            url,
            proxy_url: url,
            content_type: utf8Text,
          },
        ],
      });
      const answer = await answerTo(rig, sent);

      expect(hits).toBe(0);
      expect(userSideText(turnsAnswering(prompts, question))).not.toContain("internal secrets");
      expect(answer.split("secrets.txt")).toHaveLength(2);
    });
  });
});
