import { Command, CommanderError } from "commander";
import { packageVersion } from "../config/packageInfo.js";
import { registerAsk } from "./commands/ask.js";
import { registerChat } from "./commands/chat.js";
import { registerDiscord } from "./commands/discord.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerMcp } from "./commands/mcp.js";
import { registerModel } from "./commands/model.js";
import { registerStart } from "./commands/start.js";
import { exitOutcomes, exitStatusFor } from "./exitStatus.js";
import { printError, writeStatus } from "./redactedOutput.js";

function guruProgram(): Command {
  const program = new Command()
    .name("guru")
    .description("Guru: a local-first assistant for Slack and Discord, thinking on your own machine")
    .version(packageVersion(), "-V, --version", "print Guru's version")
    .showHelpAfterError()
    // Commander's own complaints quote what was typed: a token given to the wrong flag is hidden too.
    .configureOutput({ outputError: (text) => writeStatus(text) })
    // Thrown instead of exiting, so a usage error gets its own exit status (set below).
    .exitOverride();

  registerStart(program);
  registerAsk(program);
  registerChat(program);
  registerDiscord(program);
  registerModel(program);
  registerDoctor(program);
  registerMcp(program);
  for (const command of leafCommands(program)) {
    command.option(
      "-c, --config <file>",
      "read this config file (instead of GURU_CONFIG or <home>/config/guru.json)",
    );
  }
  return program;
}

function leafCommands(command: Command): Command[] {
  return command.commands.length === 0 ? [command] : command.commands.flatMap(leafCommands);
}

/** Runs one command line; the exit status says how it ended (see exitStatus.ts). */
export async function runGuru(argv: readonly string[]): Promise<void> {
  // A crash outside a command's own flow (a library's event handler) is reported the same way.
  const crash = (error: unknown) => {
    printError(error);
    process.exit(exitStatusFor(error));
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
  try {
    await guruProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already said what was wrong; --help and --version end with 0.
      process.exitCode = error.exitCode === 0 ? exitOutcomes.ok.status : exitOutcomes.usage.status;
      return;
    }
    printError(error);
    // A command that failed has closed what it opened; a library may still hold the process open
    // (discord.js keeps reconnecting to a gateway it cannot reach even once destroyed), so it ends
    // here, once the error is written out.
    const status = exitStatusFor(error);
    process.stderr.write("", () => process.exit(status));
  }
}
