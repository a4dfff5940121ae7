import {
  type ConversationAddress,
  channelScopeKey,
  conversationKey,
} from "../conversation/conversationAddress.js";
import { GuruError } from "../errors.js";
import type { StoredPersona } from "../memory/memory.js";

export interface PersonaSettings {
  readonly systemPrompt: string;
  readonly channelPrompts: Readonly<Record<string, string>>;
}

/** The longest persona, as for the config file's prompts. */
export const personaMaxChars = 4000;

/** The persona in force somewhere, and where it comes from. */
export interface PersonaInForce {
  readonly text: string;
  /** Set from chat (who, when); null: from the config file (or Guru's default). */
  readonly setInChat: Pick<StoredPersona, "changedBy" | "changedAt"> | null;
}

/**
 * The system prompt for a conversation: one set from chat (its own, its channel's) comes first;
 * then the config file's for the conversation, its channel, its platform; then the default.
 */
export function personaFor(
  address: ConversationAddress,
  settings: PersonaSettings,
  setInChat: StoredPersona | null,
): PersonaInForce {
  if (setInChat) return { text: setInChat.text, setInChat };
  const candidates = [conversationKey(address), channelScopeKey(address), address.platform];
  for (const key of candidates) {
    const prompt = settings.channelPrompts[key];
    if (prompt) return { text: prompt, setInChat: null };
  }
  return { text: settings.systemPrompt, setInChat: null };
}

/** A persona as typed in chat, trimmed; refused when empty or too long. */
export function personaText(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") throw new GuruError("INPUT_EMPTY", "Say what the persona is: `persona set <text>`.");
  if (trimmed.length > personaMaxChars)
    throw new GuruError(
      "INPUT_TOO_LONG",
      `A persona can be at most ${personaMaxChars} characters; this one has ${trimmed.length}.`,
    );
  return trimmed;
}
