/**
 * What a person wrote, from Slack's wire format to plain text for the model: Guru's own mention
 * removed, other mentions and channel links as `@name` / `#name`, links as `label (url)`, and
 * Slack's `&amp;` `&lt;` `&gt;` decoded.
 */
export function plainText(slackText: string, botUserId: string): string {
  return slackText
    .replace(/<([@#!])([^>|]+)(?:\|([^>]*))?>/g, (_whole, sigil: string, id: string, label?: string) => {
      if (sigil === "@" && id === botUserId) return "";
      const name = label || id;
      if (sigil === "#") return `#${name}`;
      if (sigil === "!" && id.startsWith("date")) return name;
      return name.startsWith("@") ? name : `@${name}`;
    })
    .replace(/<([^>|]+)\|([^>]+)>/g, "$2 ($1)")
    .replace(/<([^>]+)>/g, "$1")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&")
    .trim();
}

/** True when Slack's text mentions Guru (`<@U…>`). */
export function mentions(slackText: string, botUserId: string): boolean {
  return slackText.includes(`<@${botUserId}>`) || slackText.includes(`<@${botUserId}|`);
}
