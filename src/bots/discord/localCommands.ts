import type { ConversationAddress } from "../../conversation/conversationAddress.js";
import type { ConversationService } from "../../service/conversationService.js";

/** Replies that need no model: read or delete what the service keeps, or say how it is doing. */

export function statusText(service: ConversationService): string {
  const status = service.statusDescription();
  return [...status.summary, ...status.servers].map((fact) => `**${fact.label}:** ${fact.text}`).join("\n");
}

export function forgetText(service: ConversationService, address: ConversationAddress): string {
  return service.forgetConversation(address)
    ? "🧹 Forgotten: this conversation's messages and analyses are deleted."
    : "Nothing to forget: I keep nothing of this conversation.";
}

export function forgetMeText(service: ConversationService, userId: string): string {
  const result = service.forgetUser({ platform: "discord", author: userId });
  return `🧹 Deleted ${result.messages} messages (yours and my replies to them) and ${result.analyses} analyses, in every Discord conversation.`;
}

export interface UserExportFile {
  readonly name: string;
  readonly data: Buffer;
  readonly conversations: number;
}

export function exportFile(service: ConversationService, userId: string): UserExportFile {
  const exported = service.exportUser({ platform: "discord", author: userId });
  return {
    name: `guru-discord-${userId}.json`,
    data: Buffer.from(`${JSON.stringify(exported, null, 2)}\n`),
    conversations: exported.conversations.length,
  };
}
