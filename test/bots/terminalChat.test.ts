import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { chatHistoryLimit, readChatHistory, writeChatHistory } from "../../src/bots/terminal/chatHistory.js";
import { runTerminalChat } from "../../src/bots/terminal/terminalChat.js";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { openServiceRig, type ServiceRig } from "../support/serviceHarness.js";
import { storedQuestions } from "../support/storedReplies.js";

/** Keys as a terminal sends them. */
const enter = "\r";
const up = "\u001b[A";
const pasteStart = "\u001b[200~";
const pasteEnd = "\u001b[201~";

let engine: Engine;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 1, contextSize: 2048 });
});

afterAll(async () => {
  await engine.close();
});

/** `guru chat` on a (pseudo-)terminal: keys go in, the echo and prompts come back. */
function terminalSession(rig: ServiceRig, historyFile: string) {
  const input = new PassThrough();
  const echo = new PassThrough();
  let echoed = "";
  echo.on("data", (chunk: Buffer) => {
    echoed += chunk.toString();
  });
  const done = runTerminalChat(rig.service, {
    input,
    output: { out: () => {}, status: () => {} },
    terminal: { echo, historyFile },
  });
  const prompts = () => echoed.split("you> ").length - 1;
  return {
    /** Types `keys`, then waits until the chat is back at its prompt. */
    async type(keys: string): Promise<void> {
      const before = prompts();
      input.write(keys);
      await vi.waitFor(() => expect(prompts()).toBeGreaterThan(before), { timeout: 60_000 });
    },
    /** Ctrl-D at the prompt: the chat ends. */
    async end(): Promise<void> {
      input.end();
      await done;
    },
  };
}

function historyFileIn(): string {
  return join(mkdtempSync(join(tmpdir(), "guru-chat-")), "chat_history");
}

describe("guru chat on a terminal", () => {
  it("keeps the lines typed for the next chat, private to the user, and Up recalls them", async () => {
    const rig = openServiceRig(engine);
    const historyFile = historyFileIn();
    const first = terminalSession(rig, historyFile);
    await first.type(`what is the plan${enter}`);
    await first.end();
    expect(readFileSync(historyFile, "utf8")).toBe("what is the plan\n");
    expect(statSync(historyFile).mode & 0o777).toBe(0o600);

    const second = terminalSession(rig, historyFile);
    await second.type(`${up}${enter}`);
    await second.end();

    expect(storedQuestions(rig.databasePath)).toEqual(["what is the plan", "what is the plan"]);
    rig.close();
  });

  it("sends a line ending in a backslash and the next one as one message", async () => {
    const rig = openServiceRig(engine);
    const chat = terminalSession(rig, historyFileIn());
    await chat.type(`first part\\${enter}second part${enter}`);
    await chat.end();
    expect(storedQuestions(rig.databasePath)).toEqual(["first part\nsecond part"]);
    rig.close();
  });

  it("sends pasted lines as one message when Enter is pressed after the paste", async () => {
    const rig = openServiceRig(engine);
    const chat = terminalSession(rig, historyFileIn());
    await chat.type(`${pasteStart}line one${enter}line two\\${enter}line three${pasteEnd}${enter}`);
    await chat.end();
    expect(storedQuestions(rig.databasePath)).toEqual(["line one\nline two\\\nline three"]);
    rig.close();
  });

  it("forgets the lines typed on /forget", async () => {
    const rig = openServiceRig(engine);
    const historyFile = historyFileIn();
    const chat = terminalSession(rig, historyFile);
    await chat.type(`a private question${enter}`);
    await chat.type(`/forget${enter}`);
    await chat.end();
    expect(readFileSync(historyFile, "utf8")).toBe("");
    rig.close();
  });
});

describe("the chat history file", () => {
  it(`keeps the latest ${chatHistoryLimit} lines, oldest first`, () => {
    const file = historyFileIn();
    const newestFirst = Array.from(
      { length: chatHistoryLimit + 200 },
      (_, i) => `line ${chatHistoryLimit + 199 - i}`,
    );
    writeChatHistory(file, newestFirst);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(chatHistoryLimit);
    expect(lines[0]).toBe("line 200");
    expect(lines.at(-1)).toBe(`line ${chatHistoryLimit + 199}`);
    expect(readChatHistory(file)).toEqual(newestFirst.slice(0, chatHistoryLimit));
  });

  it("is empty when the file is missing", () => {
    expect(readChatHistory(historyFileIn())).toEqual([]);
  });
});
