import type { ConversationAddress } from "../../conversation/conversationAddress.js";
import { isGuruError } from "../../errors.js";
import type { ConversationService } from "../../service/conversationService.js";

/** `persona set <text>`, `show` or `reset`; `usage` for anything else. */
export type PersonaAction =
  | { readonly kind: "set"; readonly text: string }
  | { readonly kind: "show" | "reset" | "usage" };

export interface PersonaCommand {
  readonly service: Pick<ConversationService, "persona" | "setPersona" | "resetPersona">;
  /** Where the command was used: the persona of this conversation (a thread) or channel (or DM). */
  readonly address: ConversationAddress;
  readonly user: string;
  /** Whether `user` may set a system prompt here: the front knows its admins and permissions. */
  readonly isAdmin: boolean;
  readonly action: PersonaAction;
  /** How the command is typed on this platform (`/guru persona`, `/persona`). */
  readonly command: string;
  /** The persona's text as the platform shows it, inert: quoted, markup escaped. */
  readonly quote: (text: string) => string;
  /** A person, as the platform mentions them. */
  readonly mention: (user: string) => string;
}

export const personaAdminsOnlyText =
  "Only Guru's admins can change the persona here: a persona is Guru's system prompt. Anyone can see it with `show`.";

/**
 * Sets, shows or resets the persona set from chat, and says what happened in words for the person
 * who typed it. Anyone may see the persona; only admins may change it.
 */
export function answerPersonaCommand(request: PersonaCommand): string {
  const { service, address, action, command } = request;
  switch (action.kind) {
    case "usage":
      return `Usage: \`${command} set <text>\`, \`${command} show\` or \`${command} reset\`.`;
    case "show":
      return describePersona(request);
    case "set": {
      if (!request.isAdmin) return personaAdminsOnlyText;
      try {
        service.setPersona(address, action.text, request.user);
      } catch (error) {
        if (!isGuruError(error)) throw error;
        return error.message;
      }
      return `Persona set here; the next answer uses it:\n${request.quote(action.text.trim())}`;
    }
    case "reset": {
      if (!request.isAdmin) return personaAdminsOnlyText;
      const removed = service.resetPersona(address);
      const now = describePersona(request);
      return removed ? `Persona reset. ${now}` : `No persona was set here from chat. ${now}`;
    }
  }
}

function describePersona(request: PersonaCommand): string {
  const persona = request.service.persona(request.address);
  const { setInChat } = persona;
  const source = setInChat
    ? `set by ${request.mention(setInChat.changedBy)} on ${new Date(setInChat.changedAt).toISOString()}`
    : "from Guru's configuration";
  return `The persona here (${source}):\n${request.quote(persona.text)}`;
}

/** Text as a Markdown block quote (Slack's mrkdwn and Discord's alike), line by line. */
export function blockQuote(text: string): string {
  return text
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
}
