import type {
  ConversationAddress,
  ConversationSize,
  ConversationsResponse,
  MemoryView as KeptView,
} from "../apiTypes.js";
import { confidenceBar } from "./analysisCard.js";
import { failureText, getJson, postJson } from "./api.js";
import { byId, element } from "./dom.js";

function addressOf(size: ConversationSize): ConversationAddress {
  return { platform: size.platform, space: size.space, channel: size.channel, thread: size.thread };
}

/** What Guru keeps of one conversation: its summary, latest messages and latest analyses. */
function keptView(kept: KeptView): HTMLElement {
  const more = (trimmed: boolean) => (trimmed ? "…" : "");
  return element(
    "div",
    { class: "kept" },
    kept.summary
      ? element("p", {}, element("strong", {}, "Summary: "), kept.summary.text + more(kept.summary.trimmed))
      : element("p", { class: "hint" }, "No summary yet (the conversation fits the context)."),
    element("h4", {}, `Latest messages (${kept.latestMessages.length} of ${kept.messageCount})`),
    element(
      "ul",
      {},
      ...kept.latestMessages.map((message) =>
        element(
          "li",
          {},
          element("strong", {}, `${message.author}: `),
          message.text + more(message.trimmed),
          message.status === "complete" ? null : element("em", {}, ` (${message.status})`),
        ),
      ),
    ),
    kept.analysisCount === 0
      ? null
      : element(
          "div",
          {},
          element("h4", {}, `Latest analyses (${kept.latestAnalyses.length} of ${kept.analysisCount})`),
          ...kept.latestAnalyses.map((analysis) =>
            confidenceBar(analysis.text + more(analysis.trimmed), analysis.confidence),
          ),
        ),
  );
}

function place(size: ConversationSize): string {
  const space = size.space === null ? "direct messages" : size.space;
  return `${size.platform} · ${space} · ${size.channel}`;
}

/** What Guru keeps, by platform and channel, with each conversation's size and a Forget button. */
export class MemoryView {
  private readonly list = byId("memory-list");
  private readonly status = byId("memory-status");

  constructor() {
    byId<HTMLFormElement>("export-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = new FormData(event.target as HTMLFormElement);
      const query = new URLSearchParams({
        platform: String(form.get("platform") ?? "").trim(),
        author: String(form.get("author") ?? "").trim(),
      });
      // A plain navigation: the browser saves the JSON the console answers as a download.
      window.location.assign(`/api/export?${query}`);
    });
  }

  async refresh(): Promise<void> {
    let conversations: ConversationsResponse["conversations"];
    try {
      ({ conversations } = await getJson<ConversationsResponse>("/api/memory"));
    } catch (error) {
      this.status.textContent = failureText(error);
      return;
    }
    const places = new Map<string, ConversationSize[]>();
    for (const size of conversations) places.set(place(size), [...(places.get(place(size)) ?? []), size]);
    if (conversations.length === 0) this.status.textContent = "Guru keeps no conversations.";
    this.list.replaceChildren(
      ...[...places].map(([name, sizes]) =>
        element(
          "section",
          { class: "place" },
          element("h3", {}, name),
          element(
            "table",
            {},
            element(
              "thead",
              {},
              element(
                "tr",
                {},
                ...["Conversation", "Messages", "Analyses", "Tokens", "Last", ""].map((h) =>
                  element("th", { scope: "col" }, h),
                ),
              ),
            ),
            element("tbody", {}, ...sizes.flatMap((size) => this.row(size))),
          ),
        ),
      ),
    );
  }

  private row(size: ConversationSize): HTMLTableRowElement[] {
    const detail = element("tr", { class: "detail", hidden: "" }, element("td", { colspan: "6" }));
    const show = element(
      "button",
      { type: "button", "aria-expanded": "false", "aria-label": `Show what Guru keeps of ${size.key}` },
      "Show",
    );
    show.addEventListener("click", () => void this.toggle(size, show, detail));
    const forget = element(
      "button",
      { type: "button", class: "danger", "aria-label": `Forget ${size.key}` },
      "Forget",
    );
    forget.addEventListener("click", () => void this.forget(size));
    const row = element(
      "tr",
      {},
      element("td", { class: "key" }, size.thread ?? "(channel)"),
      element("td", {}, String(size.messages)),
      element("td", {}, String(size.analyses)),
      element("td", {}, size.tokens.toLocaleString()),
      element("td", {}, new Date(size.lastActivityAt).toLocaleString()),
      element("td", { class: "row-actions" }, show, forget),
    );
    return [row, detail];
  }

  private async toggle(
    size: ConversationSize,
    button: HTMLButtonElement,
    detail: HTMLElement,
  ): Promise<void> {
    const open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", String(!open));
    button.textContent = open ? "Show" : "Hide";
    detail.hidden = open;
    if (open) return;
    try {
      const kept = await postJson<KeptView>("/api/kept", { address: addressOf(size) });
      detail.firstElementChild?.replaceChildren(keptView(kept));
    } catch (error) {
      detail.firstElementChild?.replaceChildren(failureText(error));
    }
  }

  private async forget(size: ConversationSize): Promise<void> {
    if (!window.confirm(`Forget ${size.key}? Its messages, analyses and summary are deleted.`)) return;
    try {
      await postJson("/api/forget", { address: addressOf(size) });
      this.status.textContent = `Forgot ${size.key}.`;
    } catch (error) {
      this.status.textContent = failureText(error);
    }
    await this.refresh();
  }
}
