/**
 * Measures, on the tiny test model, the time from Slack sending an event to Guru's first
 * message in the thread (the placeholder) and to its final reply, over both transports, against
 * the fake Slack. Run: `npx tsx test/slack/measureLatency.ts`.
 */
import { appMention } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { openGuruService, openSlackTestEngine } from "./guruService.js";
import { openSlackRig, transports } from "./slackRig.js";

const runs = 20;

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `median ${at(0.5).toFixed(0).padStart(4)} ms, p95 ${at(0.95).toFixed(0).padStart(4)} ms`;
}

const engine = await openSlackTestEngine();
for (const mode of ["ask", "analyze"] as const) {
  for (const transport of transports) {
    const guru = openGuruService(engine);
    // Production's edit interval, so the numbers include the real pacing; no rate limit in the way.
    const rig = await openSlackRig(transport, guru.service, {
      editIntervalMs: 1000,
      rateLimit: { requests: 1000, windowSeconds: 60 },
    });
    const acks: number[] = [];
    const firsts: number[] = [];
    const finals: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const prefix = mode === "analyze" ? "analyze " : "";
      const question = rig.slack.web.userPosts({
        user: people.alice,
        channel: places.general,
        text: `<@${workspace.botUserId}> ${prefix}question ${i}`,
      });
      const sent = Date.now();
      const delivery = await rig.settle(appMention(question));
      const writes = rig.slack.web.calls.filter(
        (c) =>
          (c.method === "chat.postMessage" && c.args.thread_ts === question.ts) ||
          (c.method === "chat.update" && c.at >= sent),
      );
      acks.push(delivery.ackMs);
      firsts.push((writes[0]?.at ?? Number.NaN) - sent);
      finals.push((writes.at(-1)?.at ?? Number.NaN) - sent);
    }
    console.log(
      `${mode.padEnd(7)} over ${transport.padEnd(6)} ack: ${summary(acks)} | first message: ${summary(firsts)} | final reply: ${summary(finals)}`,
    );
    await rig.close();
    guru.close();
  }
}
await engine.close();
