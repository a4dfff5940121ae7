import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDiscord } from "../support/fakeDiscord/fakeDiscord.js";
import { runGuru } from "../support/guruProcess.js";

describe("guru discord register", () => {
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });

  afterAll(async () => {
    await fake.close();
  });

  it("registers the slash commands to the configured guild and prints the invite URL", async () => {
    const run = await runGuru(["discord", "register"], {
      env: {
        DISCORD_TOKEN: fake.world.token,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_IDS: fake.world.guildId,
      },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`guild ${fake.world.guildId}`);
    expect(run.stdout).toContain("oauth2/authorize");
    expect(run.stdout).not.toContain(fake.world.token);
    expect(fake.requests.some((r) => r.method === "PUT" && r.route.includes("/guilds/"))).toBe(true);
  });

  it("says what to set when DISCORD_TOKEN is missing", async () => {
    const run = await runGuru(["discord", "register"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("GURU_CONFIG_INVALID: DISCORD_TOKEN is not set");
  });
});
