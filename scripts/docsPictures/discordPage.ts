import type { APIEmbed } from "discord.js";
import type { DiscordChannel, DiscordShown } from "./captureDiscord.js";
import { clock, delimited, escapeHtml, formatInline, renderSegments } from "./markup.js";

/**
 * A Discord channel as an HTML page styled like Discord's dark theme: Markdown rendered, replies
 * with their preview, slash command labels, and embeds with their colour bar, fields and footer.
 */
export function discordPage(channel: DiscordChannel): string {
  const messages = channel.messages.map((message, i) => discordMessage(message, i, channel.names)).join("");
  return `<!doctype html><html><head><meta charset="utf-8"><style>${style}</style></head><body>
<main id="frame"><header><span class="hash">#</span> ${escapeHtml(channel.channel)}</header>${messages}</main>
</body></html>`;
}

const discordRules = [
  { pattern: delimited("**"), tag: "b" },
  { pattern: delimited("__"), tag: "u" },
  { pattern: delimited("~~"), tag: "s" },
  { pattern: delimited("*"), tag: "i" },
  { pattern: delimited("_"), tag: "i" },
];

/** Discord Markdown to HTML; `<@id>` mentions show as the person's name. */
export function discordMarkdownToHtml(markdown: string, names: Readonly<Record<string, string>>): string {
  return renderSegments(
    markdown,
    (prose) => formatInline(withMentions(prose, names), discordRules),
    (code) => escapeHtml(code),
  );
}

function withMentions(text: string, names: Readonly<Record<string, string>>): string {
  return text
    .split(/(<@!?\d+>)/)
    .map((part, i) => {
      if (i % 2 === 0) return escapeHtml(part);
      const id = part.replace(/\D/g, "");
      return `<span class="mention">@${escapeHtml(names[id] ?? id)}</span>`;
    })
    .join("");
}

function discordMessage(
  message: DiscordShown,
  index: number,
  names: Readonly<Record<string, string>>,
): string {
  const above = message.replyTo
    ? `<div class="above"><span class="spine"></span><b>@${escapeHtml(message.replyTo.author)}</b> ${plainPreview(message.replyTo.content, names)}</div>`
    : message.command
      ? `<div class="above"><span class="spine"></span><b>${escapeHtml(message.command.user)}</b> used <span class="command">/${escapeHtml(message.command.name)}</span></div>`
      : "";
  const badge = message.isBot ? `<span class="badge">APP</span>` : "";
  const avatar = `<div class="avatar ${message.isBot ? "bot" : "person"}">${escapeHtml(message.author.slice(0, 1).toUpperCase())}</div>`;
  const content = message.content ? discordMarkdownToHtml(message.content, names) : "";
  const embeds = message.embeds.map((embed) => discordEmbed(embed, names)).join("");
  return `<article>${above}<div class="row">${avatar}<div class="content"><div class="meta"><b class="${message.isBot ? "bot" : "person"}">${escapeHtml(message.author)}</b>${badge}<time>Today at ${clock(index)}</time></div>${content}${embeds}</div></div></article>`;
}

/** The one-line preview Discord shows of the message replied to. */
function plainPreview(content: string, names: Readonly<Record<string, string>>): string {
  const line = content.split("\n")[0] ?? "";
  return `<span class="preview">${withMentions(line, names)}</span>`;
}

function discordEmbed(embed: APIEmbed, names: Readonly<Record<string, string>>): string {
  const colour = `#${(embed.color ?? 0x1e1f22).toString(16).padStart(6, "0")}`;
  const md = (text: string | undefined) => (text ? discordMarkdownToHtml(text, names) : "");
  const fields = (embed.fields ?? [])
    .map(
      (f) =>
        `<div class="field"><div class="name">${md(f.name)}</div><div class="value">${md(f.value)}</div></div>`,
    )
    .join("");
  const title = embed.title ? `<div class="title">${escapeHtml(embed.title)}</div>` : "";
  const footer = embed.footer?.text ? `<div class="footer">${escapeHtml(embed.footer.text)}</div>` : "";
  return `<div class="embed" style="border-left-color:${colour}">${title}<div class="description">${md(embed.description)}</div>${fields}${footer}</div>`;
}

const style = `
* { box-sizing: border-box; }
body { margin: 0; background: #313338; font: 15px/1.375 "Liberation Sans", "Helvetica Neue", Arial, sans-serif; color: #dbdee1; }
#frame { width: 720px; padding: 0 0 16px; }
header { padding: 12px 16px; border-bottom: 1px solid #26272b; font-weight: bold; color: #f2f3f5; font-size: 16px; }
header .hash { color: #80848e; font-size: 20px; margin-right: 4px; }
article { padding: 8px 16px 4px; }
.row { display: flex; gap: 16px; }
.avatar { flex: none; width: 40px; height: 40px; border-radius: 50%; color: #fff; font-weight: bold; display: flex; align-items: center; justify-content: center; font-size: 18px; }
.avatar.person { background: #eb459e; }
.avatar.bot { background: #5865f2; }
.content { min-width: 0; flex: 1; }
.meta b { font-weight: 600; }
.meta b.person { color: #f2f3f5; }
.meta b.bot { color: #949cf7; }
.meta time { color: #949ba4; font-size: 12px; margin-left: 8px; }
.badge { background: #5865f2; color: #fff; font-size: 10px; font-weight: bold; padding: 1px 4px; border-radius: 3px; margin-left: 4px; vertical-align: 2px; }
.above { display: flex; align-items: center; gap: 4px; margin: 0 0 4px; padding-left: 56px; font-size: 13px; color: #b5bac1; position: relative; white-space: nowrap; overflow: hidden; }
.above b { color: #f2f3f5; font-weight: 600; }
.spine { position: absolute; left: 19px; top: 8px; width: 30px; height: 10px; border-left: 2px solid #4e5058; border-top: 2px solid #4e5058; border-top-left-radius: 6px; }
.preview { overflow: hidden; text-overflow: ellipsis; }
.command { color: #c9cdfb; }
.prose { white-space: pre-wrap; overflow-wrap: anywhere; }
code { font: 13px "Liberation Mono", "DejaVu Sans Mono", monospace; background: #2b2d31; border-radius: 3px; padding: 1px 3px; }
pre { font: 13px/1.45 "Liberation Mono", "DejaVu Sans Mono", monospace; background: #2b2d31; border: 1px solid #1e1f22; border-radius: 4px; padding: 8px; margin: 6px 0; white-space: pre-wrap; }
.mention { color: #c9cdfb; background: rgba(88, 101, 242, 0.3); border-radius: 3px; padding: 0 2px; }
.embed { background: #2b2d31; border-left: 4px solid; border-radius: 4px; padding: 8px 16px 12px 12px; margin-top: 4px; max-width: 560px; font-size: 14px; }
.embed .title { font-weight: 600; color: #f2f3f5; margin: 4px 0 8px; }
.embed .field { margin-top: 8px; }
.embed .field .name { font-weight: 600; color: #f2f3f5; }
.embed .footer { font-size: 12px; color: #b5bac1; margin-top: 10px; white-space: pre-wrap; }
`;
