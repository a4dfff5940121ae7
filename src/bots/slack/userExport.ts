import { exportComment } from "./replyTexts.js";
import type { SlackRuntime } from "./slackRuntime.js";

/**
 * Sends `user` everything Guru keeps from them, as a JSON file in their DM with Guru: private,
 * and lasting (unlike an ephemeral reply). Throws `SlackCallError` when Slack refuses.
 */
export async function sendUserExport(
  runtime: Pick<SlackRuntime, "api" | "service">,
  user: string,
): Promise<void> {
  const { api, service } = runtime;
  const data = service.exportUser({ platform: "slack", author: user });
  const channel = await api.openDirectMessage(user);
  await api.uploadFile({
    channel,
    filename: `guru-export-${user}.json`,
    title: "Your data from Guru",
    bytes: Buffer.from(JSON.stringify(data, null, 2)),
    comment: exportComment(data),
  });
}
