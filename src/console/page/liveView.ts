import type { LiveSample } from "../apiTypes.js";
import { byId, element } from "./dom.js";
import { type ChartOptions, lineChart, type Point } from "./lineChart.js";

interface Series {
  readonly id: string;
  readonly options: ChartOptions;
  readonly value: (sample: LiveSample) => number | null;
}

const oneDecimal = (value: number) => value.toFixed(value < 10 ? 1 : 0);

const series: readonly Series[] = [
  {
    id: "busy",
    options: { title: "Slots busy", format: (v) => String(Math.round(v)) },
    value: (s) => s.busy,
  },
  {
    id: "waiting",
    options: { title: "Requests waiting", format: (v) => String(Math.round(v)), minTop: 1 },
    value: (s) => s.waiting,
  },
  {
    id: "speed",
    options: { title: "Tokens per second", format: oneDecimal },
    value: (s) => s.tokensPerSecond,
  },
  {
    id: "ttft",
    options: { title: "Time to first token (ms)", format: (v) => `${Math.round(v)} ms`, dots: true },
    value: (s) => s.timeToFirstTokenMs,
  },
];

const hourMs = 3_600_000;

/** The engine over the last hour, redrawn with every sample the console pushes (`/api/live`). */
export class LiveView {
  private samples: LiveSample[] = [];
  private readonly boxes = new Map<string, HTMLElement>();
  private readonly servers = byId("servers");
  private readonly fronts = byId("fronts");
  private readonly engineLine = byId("engine-line");

  constructor() {
    const charts = byId("charts");
    for (const { id, options } of series) {
      const box = element("div", { class: "chart-box", id: `chart-${id}` });
      const figure = element("figure", {}, element("figcaption", {}, options.title), box);
      charts.append(figure);
      this.boxes.set(id, box);
    }
  }

  /** Follows the console's live feed; the browser reconnects by itself when it drops. */
  connect(): void {
    const source = new EventSource("/api/live");
    source.addEventListener("history", (event) => {
      this.samples = JSON.parse(event.data) as LiveSample[];
      this.draw();
    });
    source.addEventListener("sample", (event) => {
      const sample = JSON.parse(event.data) as LiveSample;
      this.samples.push(sample);
      const from = sample.at - hourMs;
      while ((this.samples[0]?.at ?? from) < from) this.samples.shift();
      this.draw();
    });
    source.addEventListener("error", () => {
      this.engineLine.textContent = "Not connected to Guru: retrying…";
    });
  }

  private draw(): void {
    const latest = this.samples.at(-1);
    if (!latest) return;
    this.engineLine.textContent = `${latest.busy}/${latest.slots} slots busy · ${latest.waiting} waiting · ${oneDecimal(latest.tokensPerSecond)} tok/s · ${latest.completed} answered`;
    if (byId("live").hidden) return;
    for (const { id, options, value } of series) {
      const points: Point[] = this.samples.flatMap((s) => {
        const y = value(s);
        return y === null ? [] : [{ x: s.at, y }];
      });
      const minTop = id === "busy" ? latest.slots : options.minTop;
      this.boxes.get(id)?.replaceChildren(lineChart(points, { ...options, ...(minTop ? { minTop } : {}) }));
    }
    this.fronts.replaceChildren(
      ...latest.fronts.map((front) =>
        element(
          "li",
          { class: front.ready ? "up" : "down" },
          `${front.name}: `,
          element("span", { class: "state" }, front.ready ? "connected" : "not connected"),
          front.reason ? ` (${front.reason})` : "",
        ),
      ),
    );
    this.servers.replaceChildren(
      latest.servers.length === 0
        ? element("p", { class: "hint" }, "None: this Guru runs its model in its own process.")
        : element(
            "table",
            {},
            element(
              "thead",
              {},
              element(
                "tr",
                {},
                ...["Server", "Health", "Busy", "Tok/s"].map((h) => element("th", { scope: "col" }, h)),
              ),
            ),
            element(
              "tbody",
              {},
              ...latest.servers.map((server) =>
                element(
                  "tr",
                  {},
                  element("td", {}, server.url),
                  element("td", {}, server.healthy ? "healthy" : `out: ${server.reason ?? "unhealthy"}`),
                  element("td", {}, `${server.busy}/${server.slots}`),
                  element("td", {}, oneDecimal(server.tokensPerSecond)),
                ),
              ),
            ),
          ),
    );
  }

  /** Draws at once when the view is opened (it is not redrawn while hidden). */
  shown(): void {
    this.draw();
  }
}
