import type { Command } from "commander";
import { describeRegistration, registerDiscordCommands } from "../../bots/discord/commandRegistration.js";
import { GuruError } from "../../errors.js";
import { type CommonFlags, createRuntime } from "../runtime.js";

export function registerDiscord(program: Command): void {
  const discord = program.command("discord").description("Set up the Discord bot");
  discord
    .command("register")
    .description(
      "Register Guru's slash commands (to DISCORD_GUILD_IDS at once, else globally) and print the invite URL",
    )
    .action(async (flags: CommonFlags) => {
      const { config, secrets } = createRuntime(flags);
      if (!secrets.discordToken) {
        throw new GuruError(
          "CONFIG_INVALID",
          "DISCORD_TOKEN is not set: put the bot token in .env (see docs/discord.md).",
        );
      }
      const registration = await registerDiscordCommands({
        token: secrets.discordToken,
        discord: config.discord,
      });
      process.stdout.write(`${describeRegistration(registration)}\n`);
    });
}
