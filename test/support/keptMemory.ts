import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import { Memory } from "../../src/memory/memory.js";

/** Text that would ping, link, format or colour if shown as written. */
export const hostileText =
  "<!channel> @everyone @here <@U0BOB> *loud* `code` [x](https://evil.example) \u001b[31mred";

export const keptSummary = "Alice & Bob sized the billing shards <!here>";
export const keptAnalysisSummary = "Shard billing by customer id <@U0BOB>";

/**
 * Stores a conversation with everything `/memory` shows, through its own connection to the
 * database at `path`: older turns folded into a summary, a hostile message, a 5,000-character
 * one, and an analysis (confidence 0.72). Returns the long message.
 */
export async function seedKeptMemory(
  path: string,
  address: ConversationAddress,
  author: string,
): Promise<string> {
  const memory = new Memory({ path, countTokens: (text) => text.length, summarize: async () => keptSummary });
  try {
    const ask = (text: string, answer: string) => {
      const asked = memory.recordInbound({
        address,
        author,
        text,
        platformMessageId: `kept-${text.length}-${text.slice(0, 12)}`,
      });
      if (!asked.isNew) throw new Error("a seeded message existed already");
      memory.recordReply({ inReplyTo: asked.message.id, author: "guru", text: answer, status: "complete" });
      return asked.message;
    };
    ask("how many billing shards?", "Four.");
    ask("and per region?", "Two each.");
    await memory.foldHistory(address, 0, { requester: author });
    ask(hostileText, "I will not ping anyone.");
    const long = `${"invoices ".repeat(555)}end`;
    const question = ask(long, "A long answer.");
    memory.recordAnalysis({
      answeredMessageId: question.id,
      schemaVersion: 1,
      json: "{}",
      confidence: 0.72,
      summary: keptAnalysisSummary,
      searchText: "billing",
    });
    return long;
  } finally {
    memory.close();
  }
}
