#!/usr/bin/env node
import { Command } from "commander";
import { registerAsk } from "./commands/ask.js";
import { registerChat } from "./commands/chat.js";
import { registerDiscord } from "./commands/discord.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerMcp } from "./commands/mcp.js";
import { registerModel } from "./commands/model.js";
import { registerStart } from "./commands/start.js";
import { exitStatusFor } from "./exitStatus.js";
import { printError, writeStatus } from "./redactedOutput.js";

const program = new Command()
  .name("guru")
  .description("Guru: a local-first assistant for Slack and Discord, thinking on your own machine")
  .showHelpAfterError()
  // Commander's own complaints quote what was typed: a token given to the wrong flag is hidden too.
  .configureOutput({ outputError: (text) => writeStatus(text) });

registerStart(program);
registerAsk(program);
registerChat(program);
registerDiscord(program);
registerModel(program);
registerDoctor(program);
registerMcp(program);

// A crash outside a command's own flow (a library's event handler) is reported the same way.
const crash = (error: unknown) => {
  printError(error);
  process.exit(exitStatusFor(error));
};
process.on("uncaughtException", crash);
process.on("unhandledRejection", crash);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  printError(error);
  // A command that failed has closed what it opened; a library may still hold the process open
  // (discord.js keeps reconnecting to a gateway it cannot reach even once destroyed), so it ends
  // here, once the error is written out.
  process.stderr.write("", () => process.exit(exitStatusFor(error)));
}
