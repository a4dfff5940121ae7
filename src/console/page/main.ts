import { AnalysesView } from "./analysesView.js";
import { ChatView } from "./chatView.js";
import { byId } from "./dom.js";
import { LiveView } from "./liveView.js";
import { MemoryView } from "./memoryView.js";

const views = ["chat", "analyses", "live", "memory"] as const;
type View = (typeof views)[number];

const analyses = new AnalysesView();
const live = new LiveView();
const memory = new MemoryView();
const chat = new ChatView(() => void analyses.refresh());

/** Shows the view the URL's fragment names (the tabs are links, so Back and bookmarks work). */
function show(view: View): void {
  for (const name of views) {
    byId(name).hidden = name !== view;
    const tab = byId(`tab-${name}`);
    if (name === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  if (view === "analyses") void analyses.refresh();
  if (view === "memory") void memory.refresh();
  if (view === "live") live.shown();
}

function viewOfHash(): View {
  const wanted = window.location.hash.slice(1);
  return views.find((view) => view === wanted) ?? "chat";
}

window.addEventListener("hashchange", () => show(viewOfHash()));
show(viewOfHash());
live.connect();
void chat.open();
