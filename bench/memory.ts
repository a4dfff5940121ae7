/**
 * Memory benchmark: fills a fresh database with conversations, messages (questions and replies) and
 * analyses through the public Memory API, then measures single-message commits and context builds.
 *
 *   npx tsx bench/memory.ts [--messages 1000000] [--analyses 100000] [--samples 2000]
 *
 * Prints a table and writes bench/results/memory.json. Goal: context build p99 ≤ 5 ms.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setImmediate } from "node:timers/promises";
import { parseArgs } from "node:util";
import type { ConversationAddress } from "../src/conversation/conversationAddress.js";
import { Memory } from "../src/memory/memory.js";
import { BenchArgumentError, positiveIntegerFlag } from "./support/benchArgs.js";
import { writeResults } from "./support/resultsFile.js";
import { formatTable } from "./support/table.js";

const contextBudget = 2048;
const messagesPerConversation = 100;
const batchSize = 1000;
const p99GoalMs = 5;

function parseFlags(): { messages: number; analyses: number; samples: number } {
  const { values } = parseArgs({
    options: { messages: { type: "string" }, analyses: { type: "string" }, samples: { type: "string" } },
  });
  return {
    messages: positiveIntegerFlag(values.messages, "messages", 1_000_000),
    analyses: positiveIntegerFlag(values.analyses, "analyses", 100_000),
    samples: positiveIntegerFlag(values.samples, "samples", 2000),
  };
}

/** Deterministic so that runs compare: mulberry32. */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words drawn with a Zipf distribution over a made-up vocabulary, like real text's skew. */
function wordSource(random: () => number, vocabularySize = 20_000): (count: number) => string {
  const syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "dra", "gen", "tor", "qu"];
  const vocabulary = Array.from({ length: vocabularySize }, (_, rank) => {
    let word = "";
    for (let value = rank + 1; value > 0; value = Math.floor(value / syllables.length)) {
      word += syllables[value % syllables.length];
    }
    return word;
  });
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= vocabularySize; rank++) {
    total += 1 / rank;
    cumulative.push(total);
  }
  const pick = (): string => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    return vocabulary[low] as string;
  };
  return (count) => Array.from({ length: count }, pick).join(" ");
}

/** 10% DMs; the rest threads (and a few channel-level conversations) over 1,000 channels in 20 workspaces. */
function addressOf(conversation: number): ConversationAddress {
  if (conversation % 10 === 0)
    return { platform: "slack", space: null, channel: `D${conversation}`, thread: null };
  const channel = conversation % 1000;
  return {
    platform: conversation % 3 === 0 ? "discord" : "slack",
    space: `W${channel % 20}`,
    channel: `C${channel}`,
    thread: conversation % 7 === 0 ? null : `${conversation}`,
  };
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

function summarizeLatencies(latencies: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN };
}

interface Workload {
  words: (count: number) => string;
  between: (low: number, high: number) => number;
  random: () => number;
}

function openBenchMemory(file: string, checkpoints: "inline" | "background"): Memory {
  return new Memory({
    path: file,
    checkpoints,
    countTokens: (text) => Math.ceil(text.length / 4),
    summarize: async () => "",
  });
}

/** A question then its reply, in a random conversation, batched; every k-th question analysed. */
function fill(
  memory: Memory,
  load: Workload,
  target: { messages: number; analyses: number; conversations: number },
) {
  const { words, between, random } = load;
  const analyseEvery = Math.max(1, Math.floor(Math.ceil(target.messages / 2) / target.analyses));
  const conversationsUsed = new Set<number>();
  let messages = 0;
  let analyses = 0;
  let analysisMs = 0;
  const started = performance.now();
  while (messages < target.messages) {
    memory.transaction(() => {
      for (let inBatch = 0; inBatch < batchSize && messages < target.messages; inBatch += 2) {
        const conversation = between(0, target.conversations - 1);
        conversationsUsed.add(conversation);
        const question = memory.recordInbound({
          address: addressOf(conversation),
          author: `U${between(1, 5000)}`,
          text: words(between(8, 40)),
          platformMessageId: `m${messages}`,
        }).message;
        if (question === null) throw new Error("the bench's question was not stored");
        messages += 1;
        if (messages < target.messages) {
          memory.recordReply({
            inReplyTo: question.id,
            author: "guru",
            text: words(between(20, 80)),
            status: "complete",
          });
          messages += 1;
        }
        if (analyses < target.analyses && (messages / 2) % analyseEvery < 1) {
          const analysing = performance.now();
          memory.recordAnalysis({
            answeredMessageId: question.id,
            schemaVersion: 1,
            json: JSON.stringify({ findings: [words(12), words(12)], confidence: 0.7 }),
            confidence: random(),
            summary: words(between(15, 30)),
            searchText: words(between(20, 60)),
          });
          analysisMs += performance.now() - analysing;
          analyses += 1;
        }
      }
    });
    if (messages % 100_000 < batchSize)
      process.stderr.write(`  filled ${messages} messages, ${analyses} analyses\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    messages,
    analyses,
    conversations: [...conversationsUsed],
    seconds,
    messagesPerSecond: messages / seconds,
    analysesPerSecond: analyses / (analysisMs / 1000),
  };
}

/**
 * The live path, sampled: one question committed on its own, then its context built, the event
 * loop turning between questions as it does between platform events (the checkpoint thread is asked then).
 */
async function measure(memory: Memory, load: Workload, conversations: readonly number[], samples: number) {
  const { words, between } = load;
  const commitLatencies: number[] = [];
  const buildLatencies: number[] = [];
  let turns = 0;
  let analyses = 0;
  const warmup = Math.min(200, samples);
  for (let sample = 0; sample < warmup + samples; sample++) {
    const conversation = conversations[between(0, conversations.length - 1)] as number;
    const committing = performance.now();
    const question = memory.recordInbound({
      address: addressOf(conversation),
      author: `U${between(1, 5000)}`,
      text: words(between(5, 20)),
      platformMessageId: `q${sample}`,
    }).message;
    const building = performance.now();
    if (question === null) throw new Error("the bench's question was not stored");
    const context = memory.buildContext(question, contextBudget);
    const built = performance.now();
    await setImmediate();
    if (sample < warmup) continue;
    commitLatencies.push(building - committing);
    buildLatencies.push(built - building);
    turns += context.turns.length;
    analyses += context.analyses.length;
  }
  return {
    singleCommitMs: summarizeLatencies(commitLatencies),
    contextBuildMs: summarizeLatencies(buildLatencies),
    averageTurnsPerContext: turns / samples,
    averageAnalysesPerContext: analyses / samples,
  };
}

function databaseMegabytes(file: string): number {
  const bytes = ["", "-wal"].reduce(
    (total, suffix) => total + (fs.statSync(file + suffix, { throwIfNoEntry: false })?.size ?? 0),
    0,
  );
  return bytes / 2 ** 20;
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const random = randomSource(42);
  const load: Workload = {
    random,
    words: wordSource(random),
    between: (low, high) => low + Math.floor(random() * (high - low + 1)),
  };
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "guru-memory-bench-"));
  const file = path.join(directory, "guru.db");
  try {
    const filling = openBenchMemory(file, "inline");
    const filled = fill(filling, load, {
      messages: flags.messages,
      analyses: flags.analyses,
      conversations: Math.max(1, Math.ceil(flags.messages / messagesPerConversation)),
    });
    // Measured after a restart, as a long-running bot would be, not in the wake of the bulk load.
    filling.close();
    const memory = openBenchMemory(file, "background");
    const measured = await measure(memory, load, filled.conversations, flags.samples);
    memory.close();

    const { singleCommitMs: commit, contextBuildMs: build } = measured;
    const figures = {
      messages: filled.messages,
      analyses: filled.analyses,
      conversations: filled.conversations.length,
      contextBudgetTokens: contextBudget,
      fill: {
        seconds: filled.seconds,
        batchSize,
        messagesPerSecond: filled.messagesPerSecond,
        analysesPerSecond: filled.analysesPerSecond,
      },
      ...measured,
      databaseMegabytes: databaseMegabytes(file),
      goal: { contextBuildP99Ms: p99GoalMs, pass: build.p99 <= p99GoalMs },
    };

    console.log(
      formatTable(
        [{ header: "measure" }, { header: "value", digits: 2 }, { header: "unit" }],
        [
          ["messages stored", figures.messages, "rows"],
          ["analyses stored", figures.analyses, "rows"],
          ["bulk insert (batches of 1,000)", filled.messagesPerSecond, "messages/s"],
          ["analysis insert (with FTS)", filled.analysesPerSecond, "analyses/s"],
          ["single-commit insert p50", commit.p50, "ms"],
          ["single-commit insert p99", commit.p99, "ms"],
          ["context build p50", build.p50, "ms"],
          ["context build p99", build.p99, "ms"],
          ["context build max", build.max, "ms"],
          ["turns per context (avg)", measured.averageTurnsPerContext, "turns"],
          ["analyses per context (avg)", measured.averageAnalysesPerContext, "analyses"],
          ["database size", figures.databaseMegabytes, "MiB"],
        ],
      ),
    );
    console.log(
      `context build p99 ${build.p99.toFixed(2)} ms (goal ≤ ${p99GoalMs} ms) ${figures.goal.pass ? "PASS" : "MISS"}`,
    );
    console.log(`wrote ${await writeResults("memory", figures)}`);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof BenchArgumentError ? error.message : error);
  process.exitCode = 1;
});
