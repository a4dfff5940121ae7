import type { AnalysesResponse } from "../apiTypes.js";
import { analysisCard } from "./analysisCard.js";
import { failureText, getJson } from "./api.js";
import { byId, element, percent } from "./dom.js";
import { lineChart } from "./lineChart.js";

/** Past analyses of the console's conversations: searchable, as cards, and their confidence over time. */
export class AnalysesView {
  private readonly list = byId("analysis-list");
  private readonly count = byId("analyses-count");
  private readonly chart = byId("confidence-chart");
  private readonly search = byId<HTMLInputElement>("search");

  constructor() {
    byId<HTMLFormElement>("search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    const query = this.search.value.trim();
    let analyses: AnalysesResponse["analyses"];
    try {
      ({ analyses } = await getJson<AnalysesResponse>(`/api/analyses?q=${encodeURIComponent(query)}`));
    } catch (error) {
      this.count.textContent = failureText(error);
      return;
    }
    this.count.textContent =
      analyses.length === 0
        ? query === ""
          ? "No analyses yet: use Analyze in the chat."
          : `No analysis matches “${query}”.`
        : `${analyses.length} ${analyses.length === 1 ? "analysis" : "analyses"}${query === "" ? "" : ` matching “${query}”`}`;
    const points = analyses
      .map((found) => ({ x: Date.parse(found.createdAt), y: found.confidence }))
      .sort((a, b) => a.x - b.x);
    this.chart.replaceChildren(
      lineChart(points, { title: "Confidence over time", format: percent, minTop: 1, dots: true }),
    );
    this.list.replaceChildren(
      ...analyses.map((found) =>
        element(
          "details",
          { class: "found" },
          element(
            "summary",
            {},
            element("span", { class: "when" }, new Date(found.createdAt).toLocaleString()),
            element("span", { class: "conf" }, percent(found.confidence)),
            element("span", { class: "what" }, found.analysis.summary),
          ),
          analysisCard(found.analysis, found.createdAt),
        ),
      ),
    );
  }
}
