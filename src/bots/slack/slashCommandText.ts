import type { RequestMode } from "../../service/conversationRequest.js";
import type { PersonaAction } from "../common/personaCommand.js";

export type SlashRequest =
  | { readonly name: RequestMode; readonly question: string }
  | { readonly name: "persona"; readonly action: PersonaAction }
  | { readonly name: "forget" | "forgetMe" | "memory" | "status" | "help" | "export" };

/** `/guru <subcommand> …`; text that starts with no known subcommand is a question. */
export function parseSlashText(text: string): SlashRequest {
  const trimmed = text.trim();
  const word = trimmed.split(/\s+/, 1)[0] ?? "";
  const rest = trimmed.slice(word.length).trim();
  switch (word.toLowerCase()) {
    case "":
    case "help":
      return { name: "help" };
    case "ask":
      return { name: "ask", question: rest };
    case "analyze":
    case "analyse":
      return { name: "analyze", question: rest };
    case "forget":
      return rest.toLowerCase() === "me" ? { name: "forgetMe" } : { name: "forget" };
    case "memory":
      return { name: "memory" };
    case "status":
      return { name: "status" };
    case "export":
      return { name: "export" };
    case "persona":
      return { name: "persona", action: personaAction(rest) };
    default:
      return { name: "ask", question: trimmed };
  }
}

function personaAction(text: string): PersonaAction {
  const word = text.split(/\s+/, 1)[0] ?? "";
  switch (word.toLowerCase()) {
    case "set":
      return { kind: "set", text: text.slice(word.length).trim() };
    case "":
    case "show":
      return { kind: "show" };
    case "reset":
      return { kind: "reset" };
    default:
      return { kind: "usage" };
  }
}
