const svgNs = "http://www.w3.org/2000/svg";

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface ChartOptions {
  /** What the chart shows, for its title and screen readers. */
  readonly title: string;
  /** How a value is written (its unit). */
  readonly format: (value: number) => string;
  /** The y axis never ends below this (e.g. the slot count). */
  readonly minTop?: number;
  /** Draw dots, not a line: for sparse series like confidences. */
  readonly dots?: boolean;
}

const width = 320;
const height = 120;
const pad = { left: 36, right: 8, top: 8, bottom: 18 };

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | number>>,
): SVGElementTagNameMap[K] {
  const created = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, String(value));
  return created;
}

/** At most `limit` points: the highest of each run, so a short burst still shows. */
function thinned(points: readonly Point[], limit: number): Point[] {
  if (points.length <= limit) return [...points];
  const size = Math.ceil(points.length / limit);
  const kept: Point[] = [];
  for (let i = 0; i < points.length; i += size) {
    const run = points.slice(i, i + size);
    kept.push(run.reduce((a, b) => (b.y > a.y ? b : a)));
  }
  return kept;
}

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/**
 * A line chart of `points` (x: ms since the epoch) as inline SVG, scaled to its own data: drawn
 * here, so the page needs no chart library. Screen readers get its title and latest value.
 */
export function lineChart(points: readonly Point[], options: ChartOptions): SVGSVGElement {
  const latest = points.at(-1);
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "line-chart",
    role: "img",
    "aria-label": `${options.title}: ${latest ? options.format(latest.y) : "no data yet"}`,
  });
  const top = Math.max(options.minTop ?? 0, ...points.map((p) => p.y), 1e-9);
  const first = points[0]?.x ?? 0;
  const last = latest?.x ?? 1;
  const span = Math.max(last - first, 1);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const at = (p: Point) =>
    `${(pad.left + ((p.x - first) / span) * plotW).toFixed(1)},${(pad.top + plotH - (p.y / top) * plotH).toFixed(1)}`;
  chart.append(
    svg("line", {
      x1: pad.left,
      y1: pad.top + plotH,
      x2: width - pad.right,
      y2: pad.top + plotH,
      class: "axis",
    }),
    svg("line", { x1: pad.left, y1: pad.top, x2: pad.left, y2: pad.top + plotH, class: "axis" }),
  );
  const topLabel = svg("text", { x: pad.left - 4, y: pad.top + 8, class: "tick", "text-anchor": "end" });
  topLabel.textContent = options.format(top);
  const zeroLabel = svg("text", { x: pad.left - 4, y: pad.top + plotH, class: "tick", "text-anchor": "end" });
  zeroLabel.textContent = "0";
  chart.append(topLabel, zeroLabel);
  if (points.length > 0) {
    const from = svg("text", { x: pad.left, y: height - 4, class: "tick" });
    from.textContent = clock(first);
    const to = svg("text", { x: width - pad.right, y: height - 4, class: "tick", "text-anchor": "end" });
    to.textContent = clock(last);
    chart.append(from, to);
  }
  const shown = thinned(points, plotW);
  if (options.dots) {
    for (const point of shown) {
      const [cx, cy] = at(point).split(",");
      chart.append(svg("circle", { cx: cx ?? 0, cy: cy ?? 0, r: 3, class: "dot" }));
    }
  } else if (shown.length > 0) {
    chart.append(svg("polyline", { points: shown.map(at).join(" "), class: "series" }));
  }
  return chart;
}
