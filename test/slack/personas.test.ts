import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultSystemPrompt } from "../../src/config/configSchema.js";
import type { EmbeddedEngine } from "../../src/engine/embedded/embeddedEngine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { appMention } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { openServiceRig, type ServiceRig } from "../support/serviceHarness.js";
import { openSlackRig, type SlackRig } from "./slackRig.js";

const guru = `<@${workspace.botUserId}>`;
const pirate = "You are a pirate. Answer every question in pirate speech.";

let engine: EmbeddedEngine;
let service: ServiceRig;
let rig: SlackRig;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 2, contextSize: 4096 });
});

afterAll(async () => {
  await engine?.close();
});

beforeEach(async () => {
  service = openServiceRig(engine);
  rig = await openSlackRig("socket", service.service, { admins: [people.alice] });
});

afterEach(async () => {
  await rig.close();
  service.close();
});

/** The system turn of the latest answer in #general, after a mention asking `question`. */
async function systemTurnOfNextAnswer(question = "hello"): Promise<string | undefined> {
  const asked = rig.slack.web.userPosts({
    user: people.bob,
    channel: places.general,
    text: `${guru} ${question}`,
  });
  await rig.settle(appMention(asked));
  return service.generations.at(-1)?.turns.find((turn) => turn.role === "system")?.text;
}

function personaRows(): unknown[] {
  const db = new Database(service.databasePath, { readonly: true });
  try {
    return db.prepare("SELECT key, text, changed_by, changed_at FROM personas").all();
  } finally {
    db.close();
  }
}

describe("Slack: /guru persona", () => {
  it("refuses a persona from someone who is not an admin, and keeps none", async () => {
    const reply = await rig.command({
      user: people.bob,
      channel: places.general,
      text: `persona set ${pirate}`,
    });

    expect(reply.text).toContain("Only Guru's admins");
    expect(personaRows()).toEqual([]);
    expect(await systemTurnOfNextAnswer()).toBe(defaultSystemPrompt);
  });

  it("stores an admin's persona with who set it and when, and the next answer's system turn is that persona", async () => {
    const before = Date.now();
    const reply = await rig.command({
      user: people.alice,
      channel: places.general,
      text: `persona set ${pirate}`,
    });

    expect(reply.text).toContain("Persona set here");
    expect(personaRows()).toEqual([
      {
        key: `slack:${workspace.teamId}:${places.general}`,
        text: pirate,
        changed_by: people.alice,
        changed_at: expect.any(Number),
      },
    ]);
    const [row] = personaRows() as { changed_at: number }[];
    expect(row?.changed_at).toBeGreaterThanOrEqual(before);
    expect(await systemTurnOfNextAnswer()).toBe(pirate);
  });

  it("shows the persona to anyone, with who set it", async () => {
    await rig.command({ user: people.alice, channel: places.general, text: `persona set ${pirate}` });

    const reply = await rig.command({ user: people.bob, channel: places.general, text: "persona show" });

    expect(reply.text).toContain(`set by <@${people.alice}>`);
    expect(reply.text).toContain(`> ${pirate}`);
  });

  it("lets an admin reset it: the next answer is back to the configured prompt", async () => {
    await rig.command({ user: people.alice, channel: places.general, text: `persona set ${pirate}` });
    const refused = await rig.command({ user: people.bob, channel: places.general, text: "persona reset" });
    expect(refused.text).toContain("Only Guru's admins");

    const reply = await rig.command({ user: people.alice, channel: places.general, text: "persona reset" });

    expect(reply.text).toContain("Persona reset");
    expect(reply.text).toContain("from Guru's configuration");
    expect(personaRows()).toEqual([]);
    expect(await systemTurnOfNextAnswer()).toBe(defaultSystemPrompt);
  });

  it("comes before the config file's persona for the channel, which is back after a reset", async () => {
    service.close();
    await rig.close();
    const configured = "You are the configured persona of #general.";
    service = openServiceRig(engine, {
      channelPrompts: { [`slack:${workspace.teamId}:${places.general}`]: configured },
    });
    rig = await openSlackRig("socket", service.service, { admins: [people.alice] });
    expect(await systemTurnOfNextAnswer()).toBe(configured);

    await rig.command({ user: people.alice, channel: places.general, text: `persona set ${pirate}` });
    expect(await systemTurnOfNextAnswer()).toBe(pirate);

    await rig.command({ user: people.alice, channel: places.general, text: "persona reset" });
    expect(await systemTurnOfNextAnswer()).toBe(configured);
  });

  it("keeps what Slack escaped as people read it", async () => {
    await rig.command({
      user: people.alice,
      channel: places.general,
      text: "persona set Use &lt;b&gt; &amp; be brief",
    });

    expect(await systemTurnOfNextAnswer()).toBe("Use <b> & be brief");
  });

  it("applies only to the channel it was set in", async () => {
    await rig.command({ user: people.alice, channel: places.random, text: `persona set ${pirate}` });

    expect(await systemTurnOfNextAnswer()).toBe(defaultSystemPrompt);
  });
});
