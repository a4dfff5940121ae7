import {
  type ConversationAddress,
  channelScopeKey,
  conversationKey,
} from "../conversation/conversationAddress.js";

export interface PersonaSettings {
  readonly systemPrompt: string;
  readonly channelPrompts: Readonly<Record<string, string>>;
}

/** The system prompt for a conversation: its own, its channel's, its platform's, or the default. */
export function systemPromptFor(address: ConversationAddress, settings: PersonaSettings): string {
  const candidates = [conversationKey(address), channelScopeKey(address), address.platform];
  for (const key of candidates) {
    const prompt = settings.channelPrompts[key];
    if (prompt) return prompt;
  }
  return settings.systemPrompt;
}
