/**
 * bench:flood's Slack, in a child process of its own at the lowest priority: the fake Slack and
 * the event sender. In production Slack's side of a flood runs on Slack's machines, so here it
 * must not take the CPU from the Guru being measured. Told `flood`, it sends the mentions evenly
 * over the given seconds and reports when it is done.
 */

import { appMention } from "../../test/support/fakeSlack/events.js";
import { startFakeSlack } from "../../test/support/fakeSlack/fakeSlack.js";
import { workspace } from "../../test/support/fakeSlack/workspace.js";

export type ToFloodSlack =
  | {
      readonly type: "flood";
      readonly events: number;
      readonly seconds: number;
      readonly people: number;
      /** Whose ids the mentions come from (and their channels'): the measured flood's or the warm-up's. */
      readonly group: "FLOOD" | "WARMUP";
    }
  | { readonly type: "close" };

export type FromFloodSlack =
  | { readonly type: "ready"; readonly apiUrl: string }
  | { readonly type: "connected" }
  | {
      readonly type: "flooded";
      readonly startedAt: number;
      readonly endedAt: number;
      readonly slowestAckMs: number;
    };

const send = (message: FromFloodSlack) => process.send?.(message);
const slack = await startFakeSlack();

async function flood({
  events,
  seconds,
  people,
  group,
}: Extract<ToFloodSlack, { type: "flood" }>): Promise<void> {
  const startedAt = Date.now();
  const gapMs = (seconds * 1000) / events;
  const acks: Promise<{ ms: number }>[] = [];
  for (let index = 0; index < events; index += 1) {
    const wait = startedAt + index * gapMs - Date.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const posted = slack.web.userPosts({
      user: `U0${group}${String(index % people).padStart(2, "0")}`,
      channel: `C0${group}${index % people}`,
      text: `<@${workspace.botUserId}> question ${index}: what is ${index} squared?`,
    });
    acks.push(slack.socket.send("events_api", appMention(posted)));
  }
  const slowestAckMs = Math.max(...(await Promise.all(acks)).map((ack) => ack.ms));
  send({ type: "flooded", startedAt, endedAt: Date.now(), slowestAckMs });
}

process.on("message", (message: ToFloodSlack) => {
  if (message.type === "flood") void flood(message);
  else void slack.close().finally(() => process.exit(0));
});
send({ type: "ready", apiUrl: slack.apiUrl });
await slack.socket.connected(1, 60_000);
send({ type: "connected" });
