import { z } from "zod";
import { defaultChannel } from "./mcpAddress.js";

/** Ids a client chooses: short, and safe inside a conversation key. */
const idText = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "use 1 to 64 letters, digits, '.', '_' or '-'");

const channel = idText
  .default(defaultChannel)
  .describe(
    `A channel of your own (default "${defaultChannel}"): analyses made in a channel are context for later questions in it, and searchable there.`,
  );

/** Text the person must give: "required" says more than "expected string, received undefined". */
function requiredText() {
  return z.string({
    error: (issue) => (issue.input === undefined ? "required" : "must be a string"),
  });
}

function promptText(maxInputChars: number) {
  return requiredText()
    .max(maxInputChars, `at most ${maxInputChars} characters; shorten it or split it into parts`)
    .regex(/\S/, "must not be empty or blank");
}

export function analysisInput(maxInputChars: number) {
  return z.strictObject({
    prompt: promptText(maxInputChars).describe("What to analyse: a question, a problem, a plan."),
    channel,
    conversation: idText
      .optional()
      .describe("Put the analysis in this conversation (a new one when left out)."),
  });
}

export function askInput(maxInputChars: number) {
  return z.strictObject({
    prompt: promptText(maxInputChars).describe("The question or message."),
    channel,
    conversation: idText
      .optional()
      .describe(
        "The `conversation` a previous `ask` returned, to follow up with its history; left out, a new conversation starts.",
      ),
  });
}

export const searchMemoryInput = z.strictObject({
  query: requiredText()
    .max(1000, "at most 1000 characters")
    .regex(/\S/, "must not be empty or blank")
    .describe("Words to look for in earlier analyses."),
  channel: idText
    .default(defaultChannel)
    .describe(
      `Your channel to search (default "${defaultChannel}"); only your own client's memory is searched.`,
    ),
  conversation: idText
    .optional()
    .describe(
      "Search from this conversation of the channel: what a question in it could draw on (its whole channel unless memory is thread-scoped).",
    ),
  limit: z.int().min(1).max(20).default(5).describe("Most results to return (1 to 20)."),
});

export const memoryInput = z.strictObject({
  conversation: idText.describe("The `conversation` an earlier `ask` or `cognitive_analysis` used."),
  channel: idText
    .default(defaultChannel)
    .describe(`The conversation's channel (default "${defaultChannel}").`),
});

export const statusInput = z.strictObject({});
