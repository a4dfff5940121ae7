import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { OperationsMetrics } from "../../src/ops/operationsMetrics.js";

const docs = readFileSync(join(resolve(import.meta.dirname, "..", ".."), "docs", "operations.md"), "utf8");

interface Documented {
  readonly type: string;
  readonly labels: readonly string[];
}

/** The rows of the metrics table: `| \`guru_x\` | type | \`label\`, … | meaning |`. */
function documentedMetrics(): Map<string, Documented> {
  const rows = docs.split("\n").filter((line) => line.startsWith("| `guru_"));
  return new Map(
    rows.map((row) => {
      const [name = "", type = "", labels = ""] = row
        .split("|")
        .slice(1)
        .map((cell) => cell.trim());
      return [
        name.replaceAll("`", ""),
        {
          type,
          labels: labels === "" ? [] : labels.split(",").map((label) => label.trim().replaceAll("`", "")),
        },
      ];
    }),
  );
}

describe("docs/operations.md", () => {
  it("lists every metric Guru serves, with its type and labels, and no other", async () => {
    const metrics = new OperationsMetrics({ service: () => null, readiness: () => new Map() });
    const served = new Map(
      (await metrics.registry.getMetricsAsJSON())
        .filter((metric) => metric.name.startsWith("guru_"))
        .map((metric) => {
          const { labelNames } = metrics.registry.getSingleMetric(metric.name) as unknown as {
            labelNames: string[];
          };
          return [metric.name, { type: String(metric.type), labels: labelNames }];
        }),
    );

    expect(Object.fromEntries(documentedMetrics())).toEqual(Object.fromEntries(served));
  });

  it("names the operations settings and their environment variables", () => {
    for (const name of ["`ops.port`", "`GURU_OPS_PORT`", "`ops.host`", "`logFormat`", "`GURU_LOG_FORMAT`"]) {
      expect(docs).toContain(name);
    }
  });
});
