import type { SlackShown, SlackThread } from "./captureSlack.js";
import { clock, delimited, escapeHtml, formatInline, renderSegments } from "./markup.js";

/**
 * A Slack thread as an HTML page styled like Slack's thread view: mrkdwn rendered, Block Kit
 * sections and context blocks laid out as Slack lays them out. Only what Guru's captured messages
 * use is rendered; anything else shows as its raw text.
 */
export function slackPage(thread: SlackThread): string {
  const [root, ...replies] = thread.messages.map((message, i) => slackMessage(message, i, thread.names));
  const divider = `<div class="replies"><span>${replies.length} ${replies.length === 1 ? "reply" : "replies"}</span></div>`;
  const messages = [root ?? "", divider, ...replies].join("");
  return `<!doctype html><html><head><meta charset="utf-8"><style>${style}</style></head><body>
<main id="frame"><header><b>Thread</b> <span>#${escapeHtml(thread.channel)}</span></header>${messages}</main>
</body></html>`;
}

const slackRules = [
  { pattern: delimited("*"), tag: "b" },
  { pattern: delimited("_"), tag: "i" },
  { pattern: delimited("~"), tag: "s" },
];

/**
 * Slack's mrkdwn to HTML. Slack text is already entity-escaped (`&amp;`, `&lt;`, `&gt;`), and
 * `<…>` marks a mention or a link.
 */
export function mrkdwnToHtml(mrkdwn: string, names: Readonly<Record<string, string>>): string {
  return renderSegments(
    mrkdwn,
    (prose) => formatInline(slackEntities(prose, names), slackRules),
    (code) => slackEntities(code, names),
  );
}

function slackEntities(text: string, names: Readonly<Record<string, string>>): string {
  return text
    .split(/(<[^<>\n]+>)/)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/&(?!amp;|lt;|gt;)/g, "&amp;").replaceAll('"', "&quot;");
      const inner = part.slice(1, -1);
      if (inner.startsWith("@"))
        return `<span class="mention">@${escapeHtml(names[inner.slice(1)] ?? inner)}</span>`;
      if (inner.startsWith("!")) return `<span class="mention">@${escapeHtml(inner.slice(1))}</span>`;
      const [url = "", label] = inner.split("|");
      return `<a href="${escapeHtml(url)}">${escapeHtml(label ?? url)}</a>`;
    })
    .join("");
}

function slackMessage(message: SlackShown, index: number, names: Readonly<Record<string, string>>): string {
  const body =
    message.blocks && message.blocks.length > 0
      ? message.blocks.map((block) => slackBlock(block, names)).join("")
      : mrkdwnToHtml(message.text, names);
  const badge = message.isBot ? `<span class="badge">APP</span>` : "";
  const avatar = `<div class="avatar ${message.isBot ? "bot" : "person"}">${escapeHtml(message.author.slice(0, 1))}</div>`;
  return `<article>${avatar}<div class="content"><div class="meta"><b>${escapeHtml(message.author)}</b>${badge}<time>${clock(index)}</time></div>${body}</div></article>`;
}

function slackBlock(block: unknown, names: Readonly<Record<string, string>>): string {
  const shaped = block as {
    type?: string;
    text?: { text?: string };
    elements?: { text?: string | { text?: string } }[];
  };
  if (shaped.type === "section") return `<section>${mrkdwnToHtml(shaped.text?.text ?? "", names)}</section>`;
  if (shaped.type === "context") {
    const texts = (shaped.elements ?? []).map((e) =>
      mrkdwnToHtml(typeof e.text === "string" ? e.text : "", names),
    );
    return `<section class="context">${texts.join(" ")}</section>`;
  }
  // Buttons (Regenerate under an answer): their plain-text labels.
  if (shaped.type === "actions") {
    const labels = (shaped.elements ?? []).map((e) =>
      typeof e.text === "object" ? (e.text.text ?? "") : "",
    );
    return `<div class="actions">${labels.map((label) => `<button>${escapeHtml(label)}</button>`).join("")}</div>`;
  }
  return `<section>${escapeHtml(JSON.stringify(block))}</section>`;
}

const style = `
* { box-sizing: border-box; }
body { margin: 0; background: #fff; font: 15px/1.47 "Liberation Sans", "Helvetica Neue", Arial, sans-serif; color: #1d1c1d; }
#frame { width: 720px; padding: 0 0 12px; }
header { padding: 14px 20px; border-bottom: 1px solid #ddd; font-size: 17px; }
header span { color: #616061; font-size: 14px; margin-left: 4px; }
article { display: flex; gap: 8px; padding: 8px 20px; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 6px; color: #fff; font-weight: bold; display: flex; align-items: center; justify-content: center; font-size: 17px; }
.avatar.person { background: #e8912d; }
.avatar.bot { background: #4a154b; }
.content { min-width: 0; flex: 1; }
.meta b { font-weight: 900; }
.meta time { color: #616061; font-size: 12px; margin-left: 8px; }
.badge { background: #e8e8e8; color: #616061; font-size: 10px; font-weight: bold; padding: 1px 3px; border-radius: 2px; margin-left: 4px; vertical-align: 2px; }
.prose { white-space: pre-wrap; overflow-wrap: anywhere; }
section { margin: 4px 0 8px; }
section.context { font-size: 12px; color: #616061; margin-top: -4px; }
.actions button { font: bold 13px "Liberation Sans", Arial, sans-serif; color: #1d1c1d; background: #fff; border: 1px solid #bbb; border-radius: 4px; padding: 3px 12px; margin: 2px 8px 4px 0; }
code { font: 12px "Liberation Mono", "DejaVu Sans Mono", monospace; color: #e01e5a; background: #f8f8f8; border: 1px solid #e0e0e0; border-radius: 3px; padding: 1px 3px; }
pre { font: 12px/1.5 "Liberation Mono", "DejaVu Sans Mono", monospace; background: #f8f8f8; border: 1px solid #e0e0e0; border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap; }
.mention { color: #1264a3; background: #e8f5fa; border-radius: 3px; padding: 0 2px; }
.replies { display: flex; align-items: center; gap: 8px; margin: 4px 20px; color: #616061; font-size: 13px; }
.replies::after { content: ""; flex: 1; border-top: 1px solid #ddd; }
a { color: #1264a3; }
`;
