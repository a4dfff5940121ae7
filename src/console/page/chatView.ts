import type { ConversationsResponse, HistoryMessage, HistoryResponse, ReplyUpdate } from "../apiTypes.js";
import { analysisCard } from "./analysisCard.js";
import { failureText, getJson, postEvents } from "./api.js";
import { byId, element } from "./dom.js";
import { markdownView } from "./markdownView.js";

type Mode = "ask" | "analyze";

function newConversationId(): string {
  return `c-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
}

/** One reply as it streams: its text in place, then the answer, the analysis card, or the failure. */
class ReplyItem {
  readonly item = element("li", { class: "message assistant" });
  private readonly body = element("div", { class: "text", "aria-live": "polite", "aria-busy": "true" });

  constructor() {
    this.item.append(this.body);
  }

  show(update: ReplyUpdate): void {
    if (update.type === "text") this.body.textContent = update.text;
    else if (update.type === "finished") {
      this.body.setAttribute("aria-busy", "false");
      if (update.reply.kind === "analysis") this.body.replaceChildren(analysisCard(update.reply.analysis));
      else this.body.replaceChildren(markdownView(update.reply.markdown));
    } else if (update.type === "failed") this.fail(update.message, update.partialText);
  }

  fail(message: string, partial = ""): void {
    this.body.setAttribute("aria-busy", "false");
    this.item.classList.add("failed");
    const error = element("p", { class: "error", role: "alert" }, message);
    this.body.replaceChildren(...(partial ? [element("div", {}, partial), error] : [error]));
  }
}

function progressText(update: ReplyUpdate, mode: Mode): string | null {
  switch (update.type) {
    case "summarizing":
      return "Folding older history into the summary…";
    case "queued":
      return `Waiting in the queue: position ${update.position}`;
    case "started":
      return mode === "analyze" ? "Analyzing…" : "Answering…";
    case "finished":
      return "Done.";
    case "failed":
      return `Failed: ${update.message}`;
    default:
      return null;
  }
}

function historyItem(message: HistoryMessage): HTMLLIElement {
  const item = element("li", { class: `message ${message.role} ${message.status}` });
  if (message.analysis) item.append(analysisCard(message.analysis, message.createdAt));
  else if (message.role === "assistant")
    item.append(element("div", { class: "text" }, markdownView(message.text)));
  else item.append(element("div", { class: "text" }, message.text));
  if (message.status !== "complete") item.append(element("p", { class: "note" }, `(${message.status})`));
  return item;
}

/** The chat: one conversation's history, a question box with Ask, Analyze and Stop, streaming replies. */
export class ChatView {
  private conversation = newConversationId();
  private running: AbortController | null = null;
  private readonly messages = byId<HTMLOListElement>("messages");
  private readonly progress = byId("progress");
  private readonly question = byId<HTMLTextAreaElement>("question");
  private readonly picker = byId<HTMLSelectElement>("conversation");
  private readonly stop = byId<HTMLButtonElement>("stop");
  private readonly submitButtons = [byId<HTMLButtonElement>("ask"), byId<HTMLButtonElement>("analyze")];

  constructor(private readonly onAnswered: () => void) {
    byId<HTMLFormElement>("ask-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const mode = (event.submitter as HTMLButtonElement | null)?.value === "analyze" ? "analyze" : "ask";
      void this.send(mode);
    });
    this.question.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.send("ask");
      }
    });
    this.stop.addEventListener("click", () => this.running?.abort());
    byId("new-chat").addEventListener("click", () => this.startNew());
    this.picker.addEventListener("change", () => {
      this.conversation = this.picker.value;
      void this.loadHistory();
    });
  }

  /** Opens the newest conversation (a new one when there is none). */
  async open(): Promise<void> {
    try {
      const { conversations } = await getJson<ConversationsResponse>("/api/conversations");
      const newest = conversations[0]?.thread;
      if (newest) this.conversation = newest;
      this.fillPicker(conversations);
    } catch (error) {
      this.progress.textContent = failureText(error);
      return;
    }
    await this.loadHistory();
  }

  private startNew(): void {
    this.conversation = newConversationId();
    this.picker.prepend(element("option", { value: this.conversation }, "New chat"));
    this.picker.value = this.conversation;
    this.messages.replaceChildren();
    this.progress.textContent = "A new conversation.";
    this.question.focus();
  }

  private fillPicker(conversations: ConversationsResponse["conversations"]): void {
    const options = conversations.flatMap((c) =>
      c.thread === null
        ? []
        : [
            element(
              "option",
              { value: c.thread },
              `${new Date(c.lastActivityAt).toLocaleString()} · ${c.messages} messages`,
            ),
          ],
    );
    if (!conversations.some((c) => c.thread === this.conversation))
      options.unshift(element("option", { value: this.conversation }, "New chat"));
    this.picker.replaceChildren(...options);
    this.picker.value = this.conversation;
  }

  private async loadHistory(): Promise<void> {
    try {
      const history = await getJson<HistoryResponse>(
        `/api/history?conversation=${encodeURIComponent(this.conversation)}`,
      );
      this.messages.replaceChildren(...history.messages.map(historyItem));
    } catch (error) {
      this.progress.textContent = failureText(error);
    }
  }

  private async send(mode: Mode): Promise<void> {
    const text = this.question.value.trim();
    if (this.running || text === "") return;
    this.messages.append(element("li", { class: "message user" }, element("div", { class: "text" }, text)));
    const reply = new ReplyItem();
    this.messages.append(reply.item);
    this.question.value = "";
    const running = new AbortController();
    this.setRunning(running);
    this.progress.textContent = "Sending…";
    try {
      await postEvents(
        "/api/chat",
        { conversation: this.conversation, text, mode },
        running.signal,
        (event, data) => {
          if (event !== "update") return;
          const update = data as ReplyUpdate;
          reply.show(update);
          const said = progressText(update, mode);
          if (said) this.progress.textContent = said;
        },
      );
      this.onAnswered();
      const { conversations } = await getJson<ConversationsResponse>("/api/conversations");
      this.fillPicker(conversations);
    } catch (error) {
      if (running.signal.aborted) {
        reply.fail("Stopped. What there was of the answer is kept, marked interrupted.");
        this.progress.textContent = "Stopped.";
      } else {
        const message = failureText(error);
        reply.fail(message);
        this.progress.textContent = `Failed: ${message}`;
      }
    } finally {
      this.setRunning(null);
      this.question.focus();
    }
  }

  private setRunning(running: AbortController | null): void {
    this.running = running;
    this.stop.disabled = running === null;
    for (const button of this.submitButtons) button.disabled = running !== null;
  }
}
