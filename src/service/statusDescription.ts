import { basename } from "node:path";
import type { EngineStats, ServerStats } from "../engine/engine.js";

/** One labelled fact; each front sets the label in its own emphasis. */
export interface StatusFact {
  readonly label: string;
  readonly text: string;
}

/** What `/status` says on every front, in words no platform owns. */
export interface StatusDescription {
  /** Model, slots, speed. */
  readonly summary: readonly StatusFact[];
  /** One fact per inference server, labelled by its URL (empty for the embedded engine). */
  readonly servers: readonly StatusFact[];
}

export function describeStatus(stats: EngineStats): StatusDescription {
  return {
    summary: [
      { label: "Model", text: `${modelText(stats)} on ${whereText(stats)}` },
      { label: "Slots", text: `${stats.busy}/${stats.slots} busy, ${stats.waiting} waiting` },
      {
        label: "Speed",
        text: `${stats.recentTokensPerSecond.toFixed(1)} tokens/s recently, ${stats.completed} answers since start`,
      },
    ],
    servers: stats.servers.map((server) => ({ label: server.url, text: serverText(server) })),
  };
}

function modelText(stats: EngineStats): string {
  if (stats.kind === "embedded") return basename(stats.model);
  const models = new Set(
    stats.servers.filter((server) => server.model).map((server) => basename(server.model)),
  );
  return models.size > 0 ? [...models].join(", ") : "unknown (no server has answered yet)";
}

function whereText(stats: EngineStats): string {
  if (stats.kind === "servers") {
    const healthy = stats.servers.filter((server) => server.healthy).length;
    return `${stats.servers.length} inference server${stats.servers.length === 1 ? "" : "s"} (${healthy} in rotation)`;
  }
  const { kind, deviceNames } = stats.backend;
  return kind === "cpu" ? "CPU" : `${kind} (${deviceNames.join(", ")})`;
}

function serverText(server: ServerStats): string {
  const load = `${server.busy}/${server.slots} busy`;
  if (!server.healthy) return `down: ${server.reason ?? "not answering"}; ${load}`;
  const context = server.contextSize > 0 ? `, ${server.contextSize} tokens a slot` : "";
  return `in rotation, ${load}, ${server.recentTokensPerSecond.toFixed(1)} tokens/s${context}`;
}
