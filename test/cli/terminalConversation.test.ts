import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { terminalAuthor, terminalChat } from "../../src/bots/terminal/terminalAddress.js";
import { emptyWorkdir, runGuru } from "../support/guruProcess.js";
import { seedKeptMemory } from "../support/keptMemory.js";
import { expectPublishedAnalysis } from "../support/publishedAnalysis.js";
import { tinyModelPath } from "../support/tinyModel.js";

let tiny: string;

beforeAll(async () => {
  tiny = await tinyModelPath();
});

describe("guru chat on piped stdin", () => {
  it("answers each line, remembers the chat across runs, and forgets it on /forget", async () => {
    const cwd = emptyWorkdir();
    const first = await runGuru(["chat", "--model", tiny], {
      cwd,
      input: "hello there\n/analyze why is it slow\n/memory\n",
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("**Summary.**");
    // A long random first answer may leave the analysis too little room: then a summary is kept too.
    expect(first.stdout).toContain("What I keep of this conversation: 4 messages, 1 analysis");
    expect(first.stdout).toMatch(
      /Latest 4 of 4 messages\n• you, \d{4}-\d\d-\d\d \d\d:\d\d UTC: hello there\n• Guru, /,
    );
    expect(first.stdout).toMatch(
      /Latest 1 of 1 analyses\n• \d{4}-\d\d-\d\d \d\d:\d\d UTC · confidence \d+% · \S/,
    );
    const second = await runGuru(["chat", "--model", tiny], {
      cwd,
      input: "/memory\n/forget\n/memory\n/quit\nnot read\n",
    });
    expect(second.stdout).toContain("What I keep of this conversation: 4 messages");
    expect(second.stdout).toContain("Forgotten:");
    expect(second.stdout).toContain("I keep nothing of this conversation yet.");
  });

  it("shows on /memory the summary and the latest messages trimmed, with no control character", async () => {
    const cwd = emptyWorkdir();
    const long = await seedKeptMemory(join(cwd, "data", "guru.db"), terminalChat, terminalAuthor());

    const run = await runGuru(["chat", "--model", tiny], { cwd, input: "/memory\n" });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Summary of older turns \(updated [^)]+\)\nAlice & Bob sized the billing shards <!here>\n/,
    );
    expect(run.stdout).toContain("• you, ");
    expect(run.stdout).toContain("[x](https://evil.example) [31mred");
    expect(run.stdout).not.toContain("\u001b");
    expect(run.stdout).not.toContain(long);
    expect(run.stdout).toContain("· confidence 72% · Shard billing by customer id");
  });

  it("shows the model and queue on /status", async () => {
    const run = await runGuru(["chat", "--model", tiny], { input: "/status\n" });
    expect(run.stdout).toMatch(/model .*tiny.* on CPU; slots 0\/4 busy, 0 waiting/);
  });
});

describe("guru analyze", () => {
  it("prints with --json an object that validates against the published schema file", async () => {
    const run = await runGuru(["analyze", "--json", "--model", tiny, "Why", "do", "builds", "fail?"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expectPublishedAnalysis(run.stdout);
  });

  it("prints Markdown without --json", async () => {
    const run = await runGuru(["analyze", "--model", tiny, "Assess", "the", "plan"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("**Confidence:**");
  });
});
