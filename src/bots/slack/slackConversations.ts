import type { ConversationService } from "../../service/conversationService.js";

/** What the Slack bot asks of the conversation service (tests may stand in a scripted one). */
export type SlackConversations = Pick<
  ConversationService,
  | "handle"
  | "remembered"
  | "forgetConversation"
  | "forgetUser"
  | "exportUser"
  | "status"
  | "lastSeenMessageId"
>;

export type ServiceStatus = ReturnType<ConversationService["status"]>;
export type UserData = ReturnType<ConversationService["exportUser"]>;
export type RememberedConversation = NonNullable<ReturnType<ConversationService["remembered"]>>;
