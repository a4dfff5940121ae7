import { SlackCallError } from "./slackWebApi.js";

/** Awaits a call whose failure the API layer has logged with Slack's error code: there is no one else to tell. */
export async function ignoreSlackFailure(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof SlackCallError)) throw error;
  }
}
