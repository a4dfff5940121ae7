import type { App, types } from "@slack/bolt";
import { z } from "zod";
import { exportFailedText, forgotUserText, statusText } from "./replyTexts.js";
import type { UserData } from "./slackConversations.js";
import { ignoreSlackFailure } from "./slackFailure.js";
import type { SlackRuntime } from "./slackRuntime.js";
import { SlackCallError } from "./slackWebApi.js";
import { sendUserExport } from "./userExport.js";

export const homeExportAction = "guru_home_export";
export const homeForgetAction = "guru_home_forget";

export const homeExportSentText = "Sent: your data is in our DM as a JSON file.";

/** Conversations listed by name on the Home tab; the export has all of them. */
const listedConversations = 10;

const homeOpenedSchema = z.object({ user: z.string(), tab: z.string().optional() });
const buttonPressSchema = z.object({
  user: z.object({ id: z.string() }),
  trigger_id: z.string(),
  actions: z.array(z.object({ action_id: z.string() })).min(1),
});

/**
 * Guru's App Home tab: what it keeps about the person (counts, and where), Export (the JSON file
 * in their DM) and Forget me (at once, confirmed on the tab), and Guru's status (model or
 * servers, queue). Published on every `app_home_opened` and after each button.
 */
export function registerAppHome(app: App, runtime: SlackRuntime, track: (work: Promise<void>) => void): void {
  app.event("app_home_opened", async ({ event }) => {
    const opened = homeOpenedSchema.safeParse(event);
    if (opened.success && opened.data.tab !== "messages") track(publishHome(runtime, opened.data.user));
  });
  app.action(homeExportAction, async ({ ack, body }) => {
    await ack();
    track(pressed(runtime, body, async (user) => exportNote(runtime, user)));
  });
  app.action(homeForgetAction, async ({ ack, body }) => {
    await ack();
    track(
      pressed(runtime, body, async (user) => {
        const forgotten = runtime.service.forgetUser({ platform: "slack", author: user });
        return forgotUserText(forgotten.messages, forgotten.analyses);
      }),
    );
  });
}

/** One press, once (Slack may deliver it again): its effect, then the tab with the outcome. */
async function pressed(
  runtime: SlackRuntime,
  body: unknown,
  act: (user: string) => Promise<string>,
): Promise<void> {
  const press = buttonPressSchema.safeParse(body);
  if (!press.success) {
    runtime.logger.warn("dropped an App Home button press Guru could not read");
    return;
  }
  const user = press.data.user.id;
  const action = press.data.actions[0]?.action_id ?? "";
  if (!runtime.seen.add(`slack:home:${action}:${press.data.trigger_id}`)) return;
  await publishHome(runtime, user, await act(user));
}

async function exportNote(runtime: SlackRuntime, user: string): Promise<string> {
  try {
    await sendUserExport(runtime, user);
    return homeExportSentText;
  } catch (error) {
    if (!(error instanceof SlackCallError)) throw error;
    return exportFailedText(error.code);
  }
}

function publishHome(runtime: SlackRuntime, user: string, note?: string): Promise<void> {
  const data = runtime.service.exportUser({ platform: "slack", author: user });
  const blocks = homeBlocks(data, statusText(runtime.service.statusDescription()), note);
  return ignoreSlackFailure(runtime.api.publishHome(user, { type: "home", blocks }));
}

function homeBlocks(data: UserData, status: string, note?: string): types.KnownBlock[] {
  const mine = data.conversations.map((c) => ({
    place: c.space === null ? "our DM" : `<#${c.channel}>${c.thread ? " (a thread)" : ""}`,
    asked: c.messages.filter((m) => m.role === "user").length,
    analyses: c.analyses.length,
  }));
  const asked = mine.reduce((n, c) => n + c.asked, 0);
  const analyses = mine.reduce((n, c) => n + c.analyses, 0);
  const kept =
    asked === 0 && analyses === 0
      ? "I keep nothing from you."
      : `I keep *${asked} messages* from you (with my replies) in *${mine.length} conversations*, and *${analyses} analyses*.`;
  const listed = mine
    .slice(0, listedConversations)
    .map((c) => `• ${c.place}: ${c.asked} messages, ${c.analyses} analyses`);
  if (mine.length > listedConversations) listed.push(`…and ${mine.length - listedConversations} more`);
  return [
    { type: "header", text: { type: "plain_text", text: "What Guru keeps about you" } },
    { type: "section", text: { type: "mrkdwn", text: [kept, ...listed].join("\n") } },
    {
      type: "actions",
      elements: [
        { type: "button", action_id: homeExportAction, text: { type: "plain_text", text: "Export my data" } },
        {
          type: "button",
          action_id: homeForgetAction,
          style: "danger",
          text: { type: "plain_text", text: "Forget me" },
        },
      ],
    },
    ...(note ? [{ type: "context" as const, elements: [{ type: "mrkdwn" as const, text: note }] }] : []),
    { type: "divider" },
    { type: "header", text: { type: "plain_text", text: "Guru's status" } },
    { type: "section", text: { type: "mrkdwn", text: status || "No status yet." } },
  ];
}
