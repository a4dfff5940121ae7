import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { defaultSystemPrompt } from "../../src/config/configSchema.js";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { DiscordWorld } from "../support/fakeDiscord/discordWorld.js";
import type { SentInteraction, SlashCommandOptions } from "../support/fakeDiscord/fakeDiscord.js";
import { type CapturingEngine, capturePrompts } from "./capturedPrompts.js";
import { DiscordRig } from "./discordRig.js";
import { callsFor, contentOf } from "./interactionRequests.js";

const pirate = "You are a pirate. Answer every question in pirate speech.";

describe("Discord: /persona", () => {
  let engine: Engine;
  let captured: CapturingEngine;
  let rig: DiscordRig;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 2, contextSize: 4096 });
  });

  afterEach(async () => {
    await rig?.close();
  });

  afterAll(async () => {
    await engine?.close();
  });

  async function open(discord: (world: DiscordWorld) => Record<string, unknown> = () => ({})) {
    captured = capturePrompts(engine);
    rig = await DiscordRig.open(captured, { discord });
  }

  /** Runs a slash command and returns the content of its reply. */
  async function command(options: SlashCommandOptions): Promise<string> {
    const sent: SentInteraction = rig.fake.slashCommand(options);
    await rig.settle((requests) => callsFor(requests, sent).callbacks.length > 0);
    return contentOf(callsFor(rig.fake.requests, sent).callbacks[0]);
  }

  function persona(action: "set" | "show" | "reset", user = rig.fake.world.users.alice) {
    return command({
      name: "persona",
      user,
      subcommand: { name: action, ...(action === "set" ? { options: { text: pirate } } : {}) },
    });
  }

  async function systemTurnOfNextAnswer(): Promise<string | undefined> {
    await command({ name: "ask", prompt: "hello" });
    await rig.bot.idle();
    return captured.generations.at(-1)?.turns.find((turn) => turn.role === "system")?.text;
  }

  function personaRows(): unknown[] {
    const db = new Database(rig.databasePath, { readonly: true });
    try {
      return db.prepare("SELECT key, text, changed_by, changed_at FROM personas").all();
    } finally {
      db.close();
    }
  }

  it("refuses a member without Manage Server who is not an admin", async () => {
    await open();

    expect(await persona("set", rig.fake.world.users.bob)).toContain("Only Guru's admins");
    expect(personaRows()).toEqual([]);
    expect(await systemTurnOfNextAnswer()).toBe(defaultSystemPrompt);
  });

  it("takes a persona from a member with Manage Server: stored with who and when, the next answer's system turn", async () => {
    await open();
    const before = Date.now();

    expect(await persona("set")).toContain("Persona set here");

    const { world } = rig.fake;
    expect(personaRows()).toEqual([
      {
        key: `discord:${world.guildId}:${world.channels.general.id}`,
        text: pirate,
        changed_by: world.users.alice.id,
        changed_at: expect.any(Number),
      },
    ]);
    expect((personaRows()[0] as { changed_at: number }).changed_at).toBeGreaterThanOrEqual(before);
    expect(await systemTurnOfNextAnswer()).toBe(pirate);
  });

  it("takes a persona from a configured admin", async () => {
    await open((world) => ({ admins: [world.users.bob.id] }));

    expect(await persona("set", rig.fake.world.users.bob)).toContain("Persona set here");
    expect(await systemTurnOfNextAnswer()).toBe(pirate);
  });

  it("shows it to anyone; an admin resets it to the configured prompt", async () => {
    await open();
    const { alice, bob } = rig.fake.world.users;
    await persona("set");

    const shown = await persona("show", bob);
    expect(shown).toContain(`set by <@${alice.id}>`);
    expect(shown).toContain(`> ${pirate}`);
    expect(await persona("reset", bob)).toContain("Only Guru's admins");
    expect(await persona("reset")).toContain("Persona reset");
    expect(personaRows()).toEqual([]);
    expect(await systemTurnOfNextAnswer()).toBe(defaultSystemPrompt);
  });
});
