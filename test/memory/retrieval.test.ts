import { describe, expect, it } from "vitest";
import type { Memory } from "../../src/memory/memory.js";
import { scopedQuery } from "../../src/memory/searchTerms.js";
import { addresses, analyze, openTestMemory, say } from "./support.js";

function retrieve(memory: Memory, question: string, maxAnalyses?: number): string[] {
  const asked = say(memory, addresses.slackChannel, question);
  return memory.buildContext(asked, 10_000, maxAnalyses).analyses.map((analysis) => analysis.summary);
}

function seed(memory: Memory, searchTexts: Record<string, string>): void {
  for (const [label, searchText] of Object.entries(searchTexts)) {
    analyze(memory, say(memory, addresses.slackChannel, "question"), searchText, label);
  }
}

describe("retrieving prior analyses by full-text search", () => {
  it("ranks the analyses most relevant to the question first (BM25)", () => {
    const { memory } = openTestMemory();
    seed(memory, {
      passing: "the release notes mention postgres once among many other unrelated topics and words",
      focused: "postgres vacuum tuning: autovacuum thresholds for postgres tables",
      unrelated: "coffee machine rota for the office kitchen",
    });

    expect(retrieve(memory, "How should we tune postgres vacuum?")).toEqual(["focused", "passing"]);
  });

  it("matches other forms of the same word", () => {
    const { memory } = openTestMemory();
    seed(memory, { deploys: "deploying services with rolling restarts" });

    expect(retrieve(memory, "how do we deploy a service")).toEqual(["deploys"]);
  });

  it("searches for FTS5 syntax in a question instead of obeying it", () => {
    const { memory } = openTestMemory();
    seed(memory, { near: "meet near the scope of the project" });

    for (const question of ['" OR *', "NEAR(a b)", "body:near AND -x", "a* ^b (c", "'; DROP TABLE x"]) {
      expect(() => retrieve(memory, question)).not.toThrow();
    }
    expect(retrieve(memory, "NEAR")).toEqual(["near"]);
  });

  it("cannot be steered out of its scope by the question's text", () => {
    const { memory } = openTestMemory();
    analyze(memory, say(memory, addresses.slackOtherChannel, "question"), "secret roadmap", "elsewhere");

    expect(retrieve(memory, 'roadmap") OR body : "s2xsecret" OR ("secret')).toEqual([]);
    expect(retrieve(memory, "s2xsecret s2xroadmap conversation c2")).toEqual([]);
  });

  it("retrieves nothing for a question with no searchable word", () => {
    const { memory } = openTestMemory();
    seed(memory, { any: "the and or what" });

    expect(retrieve(memory, "?!  ...")).toEqual([]);
    expect(retrieve(memory, "what is the")).toEqual([]);
  });

  it("returns at most the requested number of analyses", () => {
    const { memory } = openTestMemory();
    seed(memory, { a: "redis cache", b: "redis cluster", c: "redis eviction" });

    expect(retrieve(memory, "redis", 2)).toHaveLength(2);
  });

  it("turns every word of the question into a quoted term of its own scope", () => {
    expect(scopedQuery(7, 'Tune "postgres" NEAR vacuum*')).toBe(
      '"s7xtune" OR "s7xpostgres" OR "s7xnear" OR "s7xvacuum"',
    );
    expect(scopedQuery(7, "   ")).toBeNull();
  });
});
