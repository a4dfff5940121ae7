import { ApplicationCommandOptionType, InteractionContextType, PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRegistration, registerDiscordCommands } from "../../src/bots/discord/commandRegistration.js";
import { configSchema } from "../../src/config/configSchema.js";
import { isGuruError } from "../../src/errors.js";
import { FakeDiscord } from "../support/fakeDiscord/fakeDiscord.js";

const commandNames = [
  "ask",
  "analyze",
  "forget",
  "memory",
  "status",
  "help",
  "forget-me",
  "export",
  "persona",
];

describe("registerDiscordCommands", () => {
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });

  afterAll(async () => {
    await fake?.close();
  });

  function discord(overrides: Record<string, unknown> = {}) {
    return configSchema.parse({ discord: { apiUrl: fake.apiUrl, ...overrides } }).discord;
  }

  it("puts the commands in each configured guild, where they show at once, and clears the global set", async () => {
    const { world } = fake;
    const registration = await registerDiscordCommands({
      token: world.token,
      discord: discord({ guildIds: [world.guildId] }),
    });
    const [put, global] = fake.requests.filter((r) => r.method === "PUT");
    expect(put?.route).toBe(`/applications/${world.applicationId}/guilds/${world.guildId}/commands`);
    expect(put?.authorized).toBe(true);
    const commands = put?.body as {
      name: string;
      contexts: number[];
      options?: { name: string; type: number; required: boolean }[];
    }[];
    expect(commands.map((c) => c.name)).toEqual([...commandNames, "Analyze with Guru"]);
    expect(commands[0]?.options).toEqual([
      expect.objectContaining({ name: "prompt", type: ApplicationCommandOptionType.String, required: true }),
    ]);
    expect(commands[0]?.contexts).toEqual([InteractionContextType.Guild, InteractionContextType.BotDM]);
    expect(global?.route).toBe(`/applications/${world.applicationId}/commands`);
    expect(global?.body).toEqual([]);
    expect(registration).toMatchObject({
      applicationId: world.applicationId,
      guildIds: [world.guildId],
      commands: commandNames,
      messageCommands: ["Analyze with Guru"],
    });
    expect(describeRegistration(registration)).toContain(`to guild ${world.guildId} (available now)`);
  });

  it("registers globally when no guild is configured", async () => {
    const mark = fake.requests.length;
    const registration = await registerDiscordCommands({ token: fake.world.token, discord: discord() });
    const puts = fake.requests.slice(mark).filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.route)).toEqual([`/applications/${fake.world.applicationId}/commands`]);
    expect(puts[0]?.body).toHaveLength(commandNames.length + 1);
    expect(describeRegistration(registration)).toContain("globally");
  });

  it("prints an invite URL with the bot and applications.commands scopes and the permissions Guru needs", async () => {
    const { inviteUrl } = await registerDiscordCommands({ token: fake.world.token, discord: discord() });
    const url = new URL(inviteUrl);
    expect(url.origin + url.pathname).toBe("https://discord.com/oauth2/authorize");
    expect(url.searchParams.get("client_id")).toBe(fake.world.applicationId);
    expect(url.searchParams.get("scope")).toBe("bot applications.commands");
    const permissions = BigInt(url.searchParams.get("permissions") ?? "0");
    for (const needed of [
      PermissionFlagsBits.ViewChannel,
      PermissionFlagsBits.SendMessages,
      PermissionFlagsBits.SendMessagesInThreads,
      PermissionFlagsBits.CreatePublicThreads,
      PermissionFlagsBits.EmbedLinks,
      PermissionFlagsBits.ReadMessageHistory,
    ]) {
      expect(permissions & needed).toBe(needed);
    }
    expect(permissions & PermissionFlagsBits.Administrator).toBe(0n);
  });

  it("refuses a DISCORD_CLIENT_ID that is not the token's application", async () => {
    const attempt = registerDiscordCommands({
      token: fake.world.token,
      discord: discord({ clientId: "42" }),
    });
    await expect(attempt).rejects.toSatisfy((error) => isGuruError(error, "CONFIG_INVALID"));
  });

  it("says what to fix when Discord rejects the token", async () => {
    const attempt = registerDiscordCommands({ token: "not-the-token", discord: discord() });
    await expect(attempt).rejects.toThrow(/DISCORD_TOKEN/);
  });
});
