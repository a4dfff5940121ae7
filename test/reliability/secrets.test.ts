import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DiscordBot } from "../../src/bots/discord/discordBot.js";
import { SlackBot } from "../../src/bots/slack/slackBot.js";
import { configSchema } from "../../src/config/configSchema.js";
import type { Engine } from "../../src/engine/engine.js";
import { createLogger } from "../../src/log/logger.js";
import { waitFor } from "../discord/discordRig.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { FakeDiscord } from "../support/fakeDiscord/fakeDiscord.js";
import { appMention, messagePosted } from "../support/fakeSlack/events.js";
import { startFakeSlack } from "../support/fakeSlack/fakeSlack.js";
import { postSigned } from "../support/fakeSlack/signer.js";
import { workspace } from "../support/fakeSlack/workspace.js";
import { type GuruServer, killLeftoverGuru, startGuru } from "../support/guruServer.js";
import { tinyModelPath } from "../support/tinyModel.js";
import { type GuruStack, openGuruStack } from "./guruStack.js";

/** The fake platforms' credentials: known values, so their absence from all output can be checked. */
const slackSecrets = [workspace.botToken, workspace.appToken, workspace.signingSecret];
const guru = `<@${workspace.botUserId}>`;

function leaked(output: string, secrets: readonly string[]): string[] {
  return secrets.filter((secret) => output.includes(secret));
}

/** Everything written to stdout, stderr and the console while `run` runs. */
async function capturingConsole(run: () => Promise<void>): Promise<string> {
  const written: string[] = [];
  const keep = (...args: unknown[]) => {
    written.push(args.map(String).join(" "));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(keep),
    vi.spyOn(process.stderr, "write").mockImplementation(keep),
    ...(["log", "info", "warn", "error", "debug"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(keep),
    ),
  ];
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written.join("\n");
}

describe("in one process, with debug logs", () => {
  let engine: Engine;
  let stack: GuruStack;
  let discordSecret: string;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 2, contextSize: 2048 });
    stack = await openGuruStack(engine);
    discordSecret = stack.discord.fake.world.token;
  });

  afterAll(async () => {
    await stack?.close();
    await engine?.close();
  });

  it("writes no token or signing secret to any log, console or message, whatever happens", async () => {
    const printed = await capturingConsole(async () => {
      for (const transport of ["socket", "http"] as const) {
        const rig = stack.slack[transport];
        const channel = `C0SECRET${transport.toUpperCase()}`;
        // Slack refuses a call, then fails with a server error: both are logged.
        rig.slack.web.failNext("chat.postMessage", { kind: "slackError", error: "invalid_auth" });
        rig.slack.web.failNext("chat.update", { kind: "serverError", status: 500, landed: false });
        for (const text of [`${guru} first`, `${guru} second`]) {
          await rig.settle(appMention(rig.slack.web.userPosts({ user: "U0ALICE", channel, text })));
        }
        const dm = rig.slack.web.userPosts({ user: "U0ALICE", channel: `D0SECRET${transport}`, text: "hi" });
        await rig.settle(messagePosted(dm, "im"));
        await rig.command({ user: "U0ALICE", channel, text: "ask what is a token?" });
        await rig.command({ user: "U0ALICE", channel, text: "status" });
        await rig.bot.idle();
      }
      const { fake } = stack.discord;
      fake.failNext({ method: "PATCH", route: /\/messages\//, status: 500, times: 4 });
      fake.userMessage({ content: "what is a token?" });
      fake.slashCommand({ name: "ask", prompt: "and a secret?" });
      fake.slashCommand({ name: "export" });
      await stack.discord.drained();
    });
    const secrets = [...slackSecrets, discordSecret];
    const messages = [
      ...Object.values(stack.slack).flatMap((rig) => [
        ...rig.slack.web.messages.map((m) => m.text),
        ...rig.slack.web.ephemeral.map((e) => e.text),
        ...rig.slack.web.responses.map((r) => JSON.stringify(r)),
      ]),
      ...[...stack.discord.fake.world.messages.values()].map((m) => JSON.stringify(m.message)),
    ];

    expect(stack.logs().some((line) => line.includes(" DEBUG "))).toBe(true);
    expect(stack.logs().some((line) => line.includes(" ERROR ") || line.includes(" WARN "))).toBe(true);
    expect(leaked(stack.logs().join("\n"), secrets)).toEqual([]);
    expect(leaked(printed, secrets)).toEqual([]);
    expect(leaked(messages.join("\n"), secrets)).toEqual([]);
  });

  it("names no token in the error or the logs when the platform refuses it", async () => {
    const slack = await startFakeSlack();
    const discord = await FakeDiscord.start();
    const refused = {
      slackBotToken: "xoxb-refused-0000-not-the-bot-token",
      slackAppToken: "xapp-1-refused-0000-not-the-app-token",
      slackSigningSecret: "refused-signing-secret-fedcba9876543210",
      discordToken: "refused-discord-token.NOT-the-real-one",
    };
    const secrets = Object.values(refused);
    const logs: string[] = [];
    // No redaction here: the bots must not hand a refused token to the logger at all.
    const logger = createLogger({ level: "debug", redact: (line) => line, write: (line) => logs.push(line) });
    const config = configSchema.parse({
      logLevel: "debug",
      slack: { mode: "socket", apiUrl: slack.apiUrl },
      discord: { apiUrl: discord.apiUrl, registerCommandsAtStart: false },
    });
    const errors: string[] = [];
    const printed = await capturingConsole(async () => {
      const bots = [
        new SlackBot({ service: stack.service, config, secrets: refused, logger }),
        new DiscordBot({ service: stack.service, config, secrets: refused, logger }, refused.discordToken),
      ];
      for (const bot of bots) {
        const error = await bot.start().then(
          () => null,
          (thrown: unknown) => thrown,
        );
        errors.push(error instanceof Error ? `${error.message} ${String(error.cause)}` : String(error));
      }
    });
    await slack.close();
    await discord.close();

    expect(errors).toEqual([
      expect.stringMatching(/^Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/),
      expect.stringMatching(/Discord/),
    ]);
    expect(leaked([...errors, ...logs, printed].join("\n"), secrets)).toEqual([]);
  });
});

describe("guru start, as a process with debug logs", () => {
  let model: string;

  beforeAll(async () => {
    model = await tinyModelPath();
  });

  afterAll(() => {
    killLeftoverGuru();
  });

  function environment(settings: object, variables: Record<string, string>): Record<string, string> {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-secrets-"));
    const configFile = join(dataDir, "guru.json");
    writeFileSync(configFile, JSON.stringify({ engine: { slots: 1, maxTokens: 16 }, ...settings }));
    return {
      GURU_MODEL: model,
      GURU_DATA_DIR: dataDir,
      GURU_CONFIG: configFile,
      GURU_LOG_LEVEL: "debug",
      ...variables,
    };
  }

  /** How the process ended, once it has ended on its own. */
  function exitCode(guru: GuruServer): Promise<number | null> {
    const { child } = guru;
    if (child.exitCode !== null) return Promise.resolve(child.exitCode);
    return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  async function stopped(guru: GuruServer): Promise<string> {
    expect(await guru.stop("SIGTERM")).toBe(0);
    return guru.output();
  }

  it("over Slack Socket Mode and Discord, writes no token or signing secret to its output", async () => {
    const slack = await startFakeSlack();
    const discord = await FakeDiscord.start();
    try {
      const guru = startGuru(
        ["start"],
        environment(
          {
            discord: { registerCommandsAtStart: false, editIntervalMs: 200 },
            slack: { editIntervalMs: 200 },
          },
          {
            SLACK_BOT_TOKEN: workspace.botToken,
            SLACK_APP_TOKEN: workspace.appToken,
            SLACK_SIGNING_SECRET: workspace.signingSecret,
            SLACK_API_URL: slack.apiUrl,
            DISCORD_TOKEN: discord.world.token,
            DISCORD_API_URL: discord.apiUrl,
          },
        ),
        process.cwd(),
      );
      await guru.waitForOutput(/Guru is listening on slack and discord/);
      const question = slack.web.userPosts({ user: "U0ALICE", channel: "C0SECRET", text: `${guru} hi` });
      await slack.socket.send("events_api", appMention(question));
      await slack.web.waitFor(() => slack.web.botRepliesIn("C0SECRET", question.ts).length > 0);
      const sent = discord.userMessage({ content: "hi" });
      await waitFor(() =>
        discord.requests.some(
          (r) =>
            (r.body as { message_reference?: { message_id?: string } } | null)?.message_reference
              ?.message_id === sent.message.id,
        ),
      );
      const output = await stopped(guru);

      expect(output).toContain(" DEBUG ");
      expect(leaked(output, [...slackSecrets, discord.world.token])).toEqual([]);
    } finally {
      await slack.close();
      await discord.close();
    }
  });

  it("over Slack HTTP, listens on 127.0.0.1 by default, verifies signatures and timestamps, and writes no secret", async () => {
    const slack = await startFakeSlack();
    try {
      const guru = startGuru(
        ["start"],
        environment(
          { slack: { http: { port: 0 } } },
          {
            SLACK_BOT_TOKEN: workspace.botToken,
            SLACK_SIGNING_SECRET: workspace.signingSecret,
            SLACK_API_URL: slack.apiUrl,
          },
        ),
        process.cwd(),
      );
      await guru.waitForOutput(/Guru is listening on slack/);
      const endpoint = /listening for Slack events at (\S+)/.exec(guru.output())?.[1] ?? "";
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/slack\/events$/);

      const delivery = (timestampSeconds?: number, secret: string = workspace.signingSecret) => {
        const question = slack.web.userPosts({ user: "U0ALICE", channel: "C0SECRET", text: `${guru} hi` });
        return postSigned(endpoint, {
          body: JSON.stringify(appMention(question)),
          contentType: "application/json",
          secret,
          ...(timestampSeconds === undefined ? {} : { timestampSeconds }),
        });
      };
      const forged = await delivery(undefined, "not-the-signing-secret");
      const stale = await delivery(Math.floor(Date.now() / 1000) - 6 * 60);
      const valid = await delivery();
      await slack.web.waitFor(() => slack.web.callsTo("chat.postMessage").length > 0);
      const output = await stopped(guru);

      expect([forged.status, stale.status, valid.status]).toEqual([401, 401, 200]);
      expect(slack.web.callsTo("chat.postMessage")).toHaveLength(1);
      expect(leaked(output, [workspace.botToken, workspace.signingSecret])).toEqual([]);
    } finally {
      await slack.close();
    }
  });

  it("names no token when the platforms refuse them", async () => {
    const slack = await startFakeSlack();
    const discord = await FakeDiscord.start();
    try {
      const refusedSlack = "xoxb-refused-0000-not-the-bot-token";
      const refusedDiscord = "refused-discord-token.NOT-the-real-one";
      const refusals: Record<string, string>[] = [
        { SLACK_BOT_TOKEN: refusedSlack, SLACK_APP_TOKEN: workspace.appToken, SLACK_API_URL: slack.apiUrl },
        { DISCORD_TOKEN: refusedDiscord, DISCORD_API_URL: discord.apiUrl },
      ];
      const outputs = await Promise.all(
        refusals.map(async (variables) => {
          const guru = startGuru(
            ["start"],
            environment({ discord: { registerCommandsAtStart: false } }, variables),
            process.cwd(),
          );
          await guru.waitForOutput(/GURU_CONFIG_INVALID/);
          expect(await exitCode(guru)).toBe(3);
          return guru.output();
        }),
      );

      expect(outputs[0]).toMatch(/GURU_CONFIG_INVALID: Slack refused SLACK_BOT_TOKEN/);
      expect(outputs[1]).toMatch(/GURU_CONFIG_INVALID: .*Discord/);
      expect(leaked(outputs.join("\n"), [refusedSlack, workspace.appToken, refusedDiscord])).toEqual([]);
    } finally {
      await slack.close();
      await discord.close();
    }
  });
});
