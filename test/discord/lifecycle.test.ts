import { describe, expect, it } from "vitest";
import { createDiscordBot } from "../../src/bots/discord/discordBot.js";
import { messageCommands } from "../../src/bots/discord/messageCommand.js";
import { slashCommands } from "../../src/bots/discord/slashCommands.js";
import { configSchema } from "../../src/config/configSchema.js";
import { isGuruError } from "../../src/errors.js";
import { silentLogger } from "../../src/log/logger.js";
import { DiscordRig, waitFor } from "./discordRig.js";
import { callsFor, contentOf } from "./interactionRequests.js";
import { ScriptedEngine } from "./scriptedEngine.js";

describe("the bot's lifecycle", () => {
  const engine = new ScriptedEngine({ chunkChars: 10, delayMs: 5 });

  it("registers its commands when registerCommandsAtStart is on", async () => {
    const rig = await DiscordRig.open(engine, {
      discord: (world) => ({ registerCommandsAtStart: true, guildIds: [world.guildId] }),
    });
    try {
      const registered = rig.fake.world.registeredCommands.get(rig.fake.world.guildId) as { name: string }[];
      expect(registered.map((command) => command.name).sort()).toEqual(
        [...slashCommands(), ...messageCommands()].map((command) => command.name).sort(),
      );
    } finally {
      await rig.close();
    }
  });

  it("fails to start with a coded error when Discord rejects the token", async () => {
    await expect(DiscordRig.open(engine, { token: "not-the-token" })).rejects.toSatisfy((error) =>
      isGuruError(error, "CONFIG_INVALID"),
    );
  });

  it("finishes the answers in flight when stopped", async () => {
    const rig = await DiscordRig.open(engine);
    try {
      const answer = "Stopping does not cut me short. ".repeat(10).trim();
      engine.say(answer);
      const sent = rig.fake.slashCommand({ name: "ask", prompt: "Still there?" });
      await waitFor(() => callsFor(rig.fake.requests, sent).callbacks.length > 0);
      await rig.bot.stop();
      expect(contentOf(callsFor(rig.fake.requests, sent).edits.at(-1))).toBe(answer);
    } finally {
      await rig.close();
    }
  });

  it("keeps its gateway session alive with heartbeats the gateway acknowledges", async () => {
    const rig = await DiscordRig.open(engine, { heartbeatIntervalMs: 50 });
    try {
      await waitFor(() => rig.fake.gateway.heartbeats >= 4);
      expect(rig.fake.gateway.identified).toHaveLength(1);
      expect(rig.fake.gateway.resumed).toEqual([]);
    } finally {
      await rig.close();
    }
  });

  it("reports itself ready once connected, and not ready (naming the gateway's state) once Discord is gone", async () => {
    const rig = await DiscordRig.open(engine);
    try {
      expect(rig.bot.readiness()).toEqual({ ready: true });
      await rig.fake.close();
      await waitFor(() => !rig.bot.readiness().ready);
      expect(rig.bot.readiness()).toEqual({
        ready: false,
        reason: expect.stringMatching(/^the Discord gateway connection is \w+ \(not ready\)$/),
      });
    } finally {
      await rig.close();
    }
    expect(rig.bot.readiness()).toEqual({ ready: false, reason: "Discord is not connected" });
  });

  it("is not created without DISCORD_TOKEN", async () => {
    const rig = await DiscordRig.open(engine);
    try {
      const config = configSchema.parse({});
      expect(
        createDiscordBot({ service: rig.service, config, secrets: {}, logger: silentLogger }),
      ).toBeNull();
    } finally {
      await rig.close();
    }
  });
});
