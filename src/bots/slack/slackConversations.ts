import type { ConversationService } from "../../service/conversationService.js";

/** What the Slack bot asks of the conversation service (tests may stand in a scripted one). */
export type SlackConversations = Pick<
  ConversationService,
  | "handle"
  | "refusal"
  | "remembered"
  | "memoryView"
  | "forgetConversation"
  | "forgetUser"
  | "exportUser"
  | "statusDescription"
  | "claimInterrupted"
  | "locateReply"
  | "lastSeenMessageId"
  | "persona"
  | "setPersona"
  | "resetPersona"
  | "regenerate"
>;

export type UserData = ReturnType<ConversationService["exportUser"]>;
