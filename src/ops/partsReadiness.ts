import type { Readiness } from "../service/readiness.js";

/** The parts `/healthz` asks, in the order they were added: the engine, then each configured front. */
export class PartsReadiness {
  private readonly probes = new Map<string, () => Readiness>();

  /** Adds a part, or replaces how it is asked (the engine: loading, then serving, then stopping). */
  set(part: string, probe: () => Readiness): void {
    this.probes.set(part, probe);
  }

  now(): ReadonlyMap<string, Readiness> {
    return new Map([...this.probes].map(([part, probe]) => [part, askSafely(probe)]));
  }
}

function askSafely(probe: () => Readiness): Readiness {
  try {
    return probe();
  } catch (error) {
    return {
      ready: false,
      reason: `its state could not be read: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** What `/healthz` answers: `ok` only when there are parts and every one is ready. */
export interface HealthReport {
  readonly status: "ok" | "unavailable";
  readonly parts: Readonly<Record<string, Readiness>>;
  /** `part: reason` for each part that is not ready. */
  readonly reasons: readonly string[];
}

export function healthReport(parts: ReadonlyMap<string, Readiness>): HealthReport {
  const reasons = [...parts].flatMap(([part, readiness]) =>
    readiness.ready ? [] : [`${part}: ${readiness.reason}`],
  );
  const ok = parts.size > 0 && reasons.length === 0;
  return {
    status: ok ? "ok" : "unavailable",
    parts: Object.fromEntries(parts),
    reasons: parts.size === 0 ? ["nothing has started yet"] : reasons,
  };
}
