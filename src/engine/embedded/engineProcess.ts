import { type ChildProcess, fork } from "node:child_process";
import { engineProcessEnvironment } from "../../config/environment.js";
import { GuruError } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
import { siblingProcess } from "../../siblingModule.js";
import { abortReason } from "../abortReason.js";
import type {
  FromWorker,
  GenerateJob,
  ToWorker,
  WorkerFailure,
  WorkerOutcome,
  WorkerReady,
  WorkerSetup,
} from "./workerMessages.js";

interface Pending {
  readonly onText: (delta: string) => void;
  readonly resolve: (outcome: WorkerOutcome) => void;
  readonly reject: (error: unknown) => void;
}

interface PendingCount {
  readonly resolve: (counts: readonly number[]) => void;
  readonly reject: (error: unknown) => void;
}

/** How long a closing engine process gets to end by itself once it has freed the model. */
const exitGraceMs = 10_000;

/**
 * The handle on the engine's own process (engineWorker.ts): starts it, sends it jobs, carries
 * cancels to it, and turns its messages back into promises and text callbacks. If the process
 * dies, everything it was running fails with a coded error, and `onCrash` is told.
 */
export class EngineProcess {
  private readonly pending = new Map<number, Pending>();
  private readonly pendingCounts = new Map<number, PendingCount>();
  private nextId = 1;
  private crashed: GuruError | undefined;
  private closing = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: WorkerReady,
    private readonly logger: Logger,
    private readonly onCrash: (error: GuruError) => void,
  ) {
    child.on("message", (message: FromWorker) => this.receive(message));
    child.on("error", (error) => this.crash(error));
    child.on("exit", (code, signal) => {
      if (!this.closing) this.crash(new Error(`the engine's process exited (${signal ?? `code ${code}`})`));
      else this.rejectCounts(new GuruError("SHUTTING_DOWN", "Guru is shutting down."));
    });
  }

  /** Starts the process and waits until it has loaded the model (or failed to). */
  static async start(
    setup: WorkerSetup,
    logger: Logger,
    onCrash: (error: GuruError) => void,
  ): Promise<EngineProcess> {
    const child = startProcess();
    const ready = await new Promise<WorkerReady>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === "log") forwardLog(logger, message);
        else if (message.type === "ready") resolve(message);
        else if (message.type === "openFailed") reject(guruErrorOf(message.error, "MODEL_INVALID"));
      };
      child.on("message", onMessage);
      child.once("error", reject);
      child.once("exit", (code, signal) =>
        reject(
          new GuruError(
            "ENGINE_UNAVAILABLE",
            `The engine's process ended while loading (${signal ?? `code ${code}`}).`,
          ),
        ),
      );
      child.send({ type: "open", setup } satisfies ToWorker);
    })
      .catch((error: unknown) => {
        child.kill("SIGKILL");
        throw error;
      })
      .finally(() => {
        child.removeAllListeners("message");
        child.removeAllListeners("error");
        child.removeAllListeners("exit");
      });
    return new EngineProcess(child, ready, logger, onCrash);
  }

  /** Runs one job; aborting `signal` stops it in the engine's process, which still answers before this settles. */
  run(
    job: Omit<GenerateJob, "id">,
    signal: AbortSignal,
    onText: (delta: string) => void,
  ): Promise<WorkerOutcome> {
    if (this.crashed) return Promise.reject(this.crashed);
    const id = this.nextId++;
    const cancel = () => {
      const reason = abortReason(signal);
      this.send({ type: "cancel", id, reason: { code: reason.code, message: reason.message } });
    };
    return new Promise<WorkerOutcome>((resolve, reject) => {
      this.pending.set(id, { onText, resolve, reject });
      this.send({ type: "generate", id, ...job });
      if (signal.aborted) cancel();
      else signal.addEventListener("abort", cancel, { once: true });
    }).finally(() => signal.removeEventListener("abort", cancel));
  }

  /** Each text's token count, counted in the engine's process (between its running answers' tokens). */
  count(texts: readonly string[]): Promise<readonly number[]> {
    if (this.crashed) return Promise.reject(this.crashed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pendingCounts.set(id, { resolve, reject });
      this.send({ type: "count", id, texts });
    });
  }

  /** Frees the model inside the engine's process, then lets it end. Call with nothing running. */
  async close(): Promise<void> {
    if (this.crashed) return;
    this.closing = true;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.send({ type: "close" });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), exitGraceMs);
    });
    const ended = await Promise.race([exited, late]);
    clearTimeout(timer);
    // The model is freed by now (or the process is stuck): nothing native is left to interrupt.
    if (ended === "late") {
      this.child.kill("SIGKILL");
      await exited;
    }
  }

  private send(message: ToWorker): void {
    // A process that just died cannot take messages; its exit fails what was running.
    if (this.child.connected) this.child.send(message);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case "text":
        this.pending.get(message.id)?.onText(message.delta);
        return;
      case "done":
        this.settle(message.id)?.resolve(message.outcome);
        return;
      case "failed":
        this.settle(message.id)?.reject(guruErrorOf(message.error, "GENERATION_FAILED"));
        return;
      case "counted":
        this.pendingCounts.get(message.id)?.resolve(message.counts);
        this.pendingCounts.delete(message.id);
        return;
      case "log":
        forwardLog(this.logger, message);
        return;
      default:
        return;
    }
  }

  private rejectCounts(error: GuruError): void {
    for (const count of this.pendingCounts.values()) count.reject(error);
    this.pendingCounts.clear();
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending;
  }

  private crash(cause: unknown): void {
    if (this.crashed) return;
    this.logger.error("the engine's process stopped", { error: cause });
    this.crashed = new GuruError(
      "ENGINE_UNAVAILABLE",
      "The model's process stopped, so Guru cannot answer right now. Restart Guru; operators: see the log and run `guru doctor`.",
      { cause },
    );
    const running = [...this.pending.values()];
    this.pending.clear();
    const failed = new GuruError("GENERATION_FAILED", "The model failed while answering. Please try again.", {
      cause,
    });
    for (const job of running) job.reject(failed);
    this.rejectCounts(this.crashed);
    this.onCrash(this.crashed);
  }
}

/**
 * The engine runs in a process of its own, with one libuv pool thread (engineProcessEnvironment
 * says why). It runs the compiled `.js` next to this file; from TypeScript sources (tsx, vitest)
 * it loads tsx first, so the same `.ts` module runs there. The IPC channel carries the messages
 * by structured clone, as between threads.
 */
function startProcess(): ChildProcess {
  const { entry, execArgv } = siblingProcess(import.meta.url, "engineWorker");
  return fork(entry, [], {
    env: engineProcessEnvironment(),
    execArgv,
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

function guruErrorOf(failure: WorkerFailure, fallback: GuruError["code"]): GuruError {
  if (failure.code) return new GuruError(failure.code, failure.message);
  return fallback === "GENERATION_FAILED"
    ? new GuruError(fallback, "The model failed while answering. Please try again.", {
        cause: failure.message,
      })
    : new GuruError(fallback, failure.message);
}

function forwardLog(logger: Logger, message: Extract<FromWorker, { type: "log" }>): void {
  logger[message.level](message.message, message.fields);
}
