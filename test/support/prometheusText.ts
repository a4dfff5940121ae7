/** One sample of a scrape: `guru_requests_total{front="slack",outcome="answered"} 1`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Scrape {
  /** Each metric family's declared type, by name. */
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
  /** The value of the one sample named `name` whose labels include `labels`; 0 when there is none. */
  value(name: string, labels?: Readonly<Record<string, string>>): number;
}

const metricName = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const labelName = "[a-zA-Z_][a-zA-Z0-9_]*";
const labelValue = String.raw`"(?:[^"\\\n]|\\[\\"n])*"`;
// Prometheus reads values with Go's ParseFloat, which takes Inf and NaN in any case (prom-client writes "Nan").
const number = String.raw`[-+]?(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|[Ii][Nn][Ff]|[Nn][Aa][Nn])`;
const sampleLine = new RegExp(
  `^(${metricName})(?:\\{((?:${labelName}=${labelValue})(?:,${labelName}=${labelValue})*,?)?\\})? (${number})(?: -?\\d+)?$`,
);
const typeLine = new RegExp(`^# TYPE (${metricName}) (counter|gauge|histogram|summary|untyped)$`);
const helpLine = new RegExp(`^# HELP (${metricName}) .*$`);
const suffixes: Readonly<Record<string, readonly string[]>> = {
  counter: [""],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

/**
 * A strict reader of Prometheus' text exposition format (0.0.4): every line must be a HELP, a
 * TYPE, a blank or a well-formed sample of a family declared before it; anything else throws.
 */
export function parsePrometheusText(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  text
    .slice(0, -1)
    .split("\n")
    .forEach((line, index) => {
      const where = `line ${index + 1}: ${JSON.stringify(line)}`;
      if (line === "" || helpLine.test(line)) return;
      const typed = typeLine.exec(line);
      if (typed) {
        const [, name = "", type = ""] = typed;
        if (types.has(name)) throw new Error(`${where}: a second TYPE for ${name}`);
        types.set(name, type);
        return;
      }
      if (line.startsWith("#")) throw new Error(`${where}: not a HELP or TYPE comment`);
      const sample = sampleLine.exec(line);
      if (!sample) throw new Error(`${where}: not a sample`);
      const [, name = "", labelText = "", valueText = ""] = sample;
      const family = [...types].find(([base, type]) =>
        (suffixes[type] ?? []).some((suffix) => `${base}${suffix}` === name),
      );
      if (!family) throw new Error(`${where}: ${name} has no TYPE before it`);
      samples.push({ name, labels: parseLabels(labelText), value: parseValue(valueText) });
    });
  return {
    types,
    samples,
    value: (name, labels = {}) => {
      const matching = samples.filter(
        (sample) =>
          sample.name === name &&
          Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
      );
      if (matching.length > 1)
        throw new Error(`${matching.length} samples of ${name} match ${JSON.stringify(labels)}`);
      return matching[0]?.value ?? 0;
    },
  };
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of text.matchAll(new RegExp(`(${labelName})=(${labelValue})`, "g"))) {
    const [, key = "", quoted = '""'] = match;
    if (key in labels) throw new Error(`label ${key} twice`);
    labels[key] = quoted.slice(1, -1).replace(/\\(["\\n])/g, (_all, c: string) => (c === "n" ? "\n" : c));
  }
  return labels;
}

function parseValue(text: string): number {
  if (/^[-+]?inf$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  return Number(text);
}
