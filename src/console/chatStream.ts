import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { GuruError } from "../errors.js";
import type { ConversationService } from "../service/conversationService.js";
import { chatInputSchema } from "./apiInputs.js";
import { consoleAuthor, consoleConversation } from "./consoleAddress.js";
import { openEventStream, readJsonBody } from "./httpExchange.js";

/**
 * `POST /api/chat`: asks the service and streams its reply updates back as Server-Sent Events
 * (`update`, one per ReplyUpdate, then `end`). Closing the connection (the page's Stop) cancels
 * the generation; what there was of the answer is kept, marked interrupted, like any front's.
 */
export async function streamChat(
  request: IncomingMessage,
  response: ServerResponse,
  service: ConversationService,
): Promise<void> {
  const input = await readJsonBody(request, response, chatInputSchema);
  if (input === null) return;
  const stop = new AbortController();
  const onClose = () => {
    if (!response.writableFinished)
      stop.abort(new GuruError("CANCELLED", "Stopped: the answer so far is kept, marked interrupted."));
  };
  response.on("close", onClose);
  const send = openEventStream(response);
  const id = randomUUID();
  try {
    const updates = service.handle(
      {
        address: consoleConversation(input.conversation),
        author: consoleAuthor,
        text: input.text,
        messageId: id,
        eventId: `console:${id}`,
        mode: input.mode,
      },
      { signal: stop.signal },
    );
    for await (const update of updates) {
      if (!response.destroyed) send("update", update);
    }
    if (!response.destroyed) send("end", {});
  } finally {
    response.off("close", onClose);
    response.end();
  }
}
