import { createLogger } from "../../src/log/logger.js";
import type { AnswerEngine } from "../../src/service/conversationService.js";
import { type CapturingEngine, capturePrompts } from "./capturedPrompts.js";
import { DiscordRig, type RigOptions } from "./discordRig.js";

/** A Discord rig whose prompts and log lines a test reads. */
export interface WatchedRig {
  readonly rig: DiscordRig;
  readonly prompts: CapturingEngine;
  readonly logs: readonly string[];
}

export async function openWatchedRig(
  engine: AnswerEngine,
  options: Omit<RigOptions, "logger"> = {},
): Promise<WatchedRig> {
  const prompts = capturePrompts(engine);
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", redact: (line) => line, write: (line) => logs.push(line) });
  const rig = await DiscordRig.open(prompts, { ...options, logger });
  return { rig, prompts, logs };
}
