import type { ServerStats } from "../../../src/engine/engine.js";
import {
  type ServerBackend,
  ServerFailure,
  type ServerGeneration,
  type ServerHealth,
  type ServerOutcome,
} from "../../../src/engine/servers/serverBackend.js";

/** One request as the test server received it; the test decides how it ends. */
export interface ReceivedRun {
  readonly run: ServerGeneration;
  /** Streams `text` and ends the answer. */
  finish(text?: string): void;
  /** Streams `text` first (when given), then fails. */
  fail(failure: ServerFailure, text?: string): void;
}

/** An inference server inside the test: health, slots and every answer are scripted. */
export class TestServer implements ServerBackend {
  readonly kind = "llama-server" as const;
  health: ServerHealth;
  /** Requests received, in order (running or ended). */
  readonly received: ReceivedRun[] = [];
  /** Requests still running. */
  readonly running = new Set<ReceivedRun>();
  /** Answer every request at once with this text instead of waiting for the test. */
  autoAnswer: string | null = null;
  /** Fail the next request at once, before any text. */
  failNext: ServerFailure | null = null;

  constructor(
    readonly url: string,
    slots = 2,
  ) {
    this.health = { healthy: true, model: "tiny", slots, contextSize: 2048 };
  }

  check(): Promise<ServerHealth> {
    return Promise.resolve(this.health);
  }

  generate(run: ServerGeneration): Promise<ServerOutcome> {
    return new Promise<ServerOutcome>((resolve, reject) => {
      const received: ReceivedRun = {
        run,
        finish: (text = "answer") => {
          this.running.delete(received);
          run.onText(text);
          resolve(outcome(text, this.url));
        },
        fail: (failure, text) => {
          this.running.delete(received);
          if (text) run.onText(text);
          reject(failure);
        },
      };
      this.received.push(received);
      this.running.add(received);
      run.signal.addEventListener("abort", () => {
        this.running.delete(received);
        reject(run.signal.reason);
      });
      const failure = this.failNext;
      this.failNext = null;
      if (failure) received.fail(failure);
      else if (this.autoAnswer !== null) received.finish(this.autoAnswer);
    });
  }

  /** The only running request (fails the test when there is not exactly one). */
  only(): ReceivedRun {
    const runs = [...this.running];
    if (runs.length !== 1) throw new Error(`${this.url} runs ${runs.length} requests, not 1`);
    return runs[0] as ReceivedRun;
  }
}

export function down(reason = "connection refused"): ServerHealth {
  return { healthy: false, reason };
}

export function serverFault(message = "connection reset", started = false): ServerFailure {
  return new ServerFailure(message, { started, serverFault: true });
}

export function statsOf(servers: readonly ServerStats[], url: string): ServerStats {
  const found = servers.find((server) => server.url === url);
  if (!found) throw new Error(`no stats for ${url}`);
  return found;
}

function outcome(text: string, server: string): ServerOutcome {
  return {
    text,
    promptTokens: 10,
    cachedPromptTokens: 0,
    generatedTokens: 3,
    tokenConfidences: [0.9, 0.8, 0.7],
    probabilities: { engine: "llama-server", kind: "sampled", server },
    firstTokenAt: performance.now(),
    stopReason: "endOfText",
  };
}
