#!/usr/bin/env node
import { Command } from "commander";
import { readEnvironment } from "../config/environment.js";
import { readSecrets, secretValues } from "../config/secrets.js";
import { GuruError } from "../errors.js";
import { createRedactor } from "../log/redactor.js";
import { registerAsk } from "./commands/ask.js";
import { registerChat } from "./commands/chat.js";
import { registerDiscord } from "./commands/discord.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerMcp } from "./commands/mcp.js";
import { registerModel } from "./commands/model.js";
import { registerStart } from "./commands/start.js";

const program = new Command()
  .name("guru")
  .description("Guru: a local-first assistant for Slack and Discord, thinking on your own machine")
  .showHelpAfterError();

registerStart(program);
registerAsk(program);
registerChat(program);
registerDiscord(program);
registerModel(program);
registerDoctor(program);
registerMcp(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof GuruError) {
    process.stderr.write(`${error.label}: ${error.message}\n`);
  } else {
    // An unexpected error may quote a request or header: keep secrets out of what it prints.
    const redact = createRedactor(secretValues(readSecrets(readEnvironment().variables)));
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`GURU_INTERNAL: ${redact(detail)}\n`);
  }
  process.exitCode = 1;
}
