import type { SentInteraction } from "../support/fakeDiscord/fakeDiscord.js";
import type { RecordedRequest } from "../support/fakeDiscord/restLog.js";

/** The REST calls Guru made for one interaction, by kind. */
export interface InteractionCalls {
  /** `POST /interactions/:id/:token/callback`: the defer or the immediate reply. */
  readonly callbacks: RecordedRequest[];
  /** `PATCH /webhooks/:app/:token/messages/…`: edits of the reply. */
  readonly edits: RecordedRequest[];
  /** `POST /webhooks/:app/:token`: follow-up messages. */
  readonly followUps: RecordedRequest[];
  readonly deletes: RecordedRequest[];
  readonly all: RecordedRequest[];
}

export function callsFor(requests: readonly RecordedRequest[], sent: SentInteraction): InteractionCalls {
  const mine = requests.filter(
    (r) => r.route.startsWith(`/interactions/${sent.id}/`) || r.route.includes(`/${sent.token}`),
  );
  return {
    callbacks: mine.filter((r) => r.route.endsWith("/callback")),
    edits: mine.filter((r) => r.method === "PATCH"),
    followUps: mine.filter((r) => r.method === "POST" && r.route.endsWith(sent.token)),
    deletes: mine.filter((r) => r.method === "DELETE"),
    all: mine,
  };
}

/** The message fields of a request: its body, or an interaction callback's `data`. */
function messageOf(request: RecordedRequest | undefined): object {
  const body = request?.body;
  if (typeof body !== "object" || body === null) return {};
  return "data" in body && typeof body.data === "object" && body.data !== null ? body.data : body;
}

export function contentOf(request: RecordedRequest | undefined): string {
  const message = messageOf(request);
  return "content" in message && typeof message.content === "string" ? message.content : "";
}

export function flagsOf(request: RecordedRequest | undefined): number {
  const message = messageOf(request);
  return "flags" in message && typeof message.flags === "number" ? message.flags : 0;
}
