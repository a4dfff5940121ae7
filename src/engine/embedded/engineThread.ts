import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { SHARE_ENV, Worker } from "node:worker_threads";
import { GuruError } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
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

/** How long a closing worker gets to end by itself once it has freed the model. */
const exitGraceMs = 10_000;

/**
 * The main thread's handle on the engine's worker thread (engineWorker.ts): starts it, sends it
 * jobs, carries cancels to it, and turns its messages back into promises and text callbacks. If
 * the thread dies, everything it was running fails with a coded error, and `onCrash` is told.
 */
export class EngineThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private crashed: GuruError | undefined;
  private closing = false;

  private constructor(
    private readonly worker: Worker,
    readonly ready: WorkerReady,
    private readonly logger: Logger,
    private readonly onCrash: (error: GuruError) => void,
  ) {
    worker.on("message", (message: FromWorker) => this.receive(message));
    worker.on("error", (error) => this.crash(error));
    worker.on("exit", (code) => {
      if (!this.closing) this.crash(new Error(`the engine's thread exited with code ${code}`));
    });
  }

  /** Starts the worker and waits until it has loaded the model (or failed to). */
  static async start(
    setup: WorkerSetup,
    logger: Logger,
    onCrash: (error: GuruError) => void,
  ): Promise<EngineThread> {
    const worker = startWorker(setup);
    const ready = await new Promise<WorkerReady>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === "log") forwardLog(logger, message);
        else if (message.type === "ready") resolve(message);
        else if (message.type === "openFailed") reject(guruErrorOf(message.error, "MODEL_INVALID"));
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
      worker.once("exit", (code) =>
        reject(
          new GuruError("ENGINE_UNAVAILABLE", `The engine's thread ended while loading (code ${code}).`),
        ),
      );
    }).finally(() => {
      worker.removeAllListeners("message");
      worker.removeAllListeners("error");
      worker.removeAllListeners("exit");
    });
    return new EngineThread(worker, ready, logger, onCrash);
  }

  /** Runs one job; aborting `signal` stops it in the worker, which still answers before this settles. */
  run(
    job: Omit<GenerateJob, "id">,
    signal: AbortSignal,
    onText: (delta: string) => void,
  ): Promise<WorkerOutcome> {
    if (this.crashed) return Promise.reject(this.crashed);
    const id = this.nextId;
    this.nextId += 1;
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

  /** Frees the model inside the worker, then lets the thread end. Call with nothing running. */
  async close(): Promise<void> {
    if (this.crashed) return;
    this.closing = true;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.send({ type: "close" });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), exitGraceMs);
    });
    const ended = await Promise.race([exited, late]);
    clearTimeout(timer);
    // The model is freed by now (or the thread is stuck): nothing native is left to interrupt.
    if (ended === "late") await this.worker.terminate();
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
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
      case "log":
        forwardLog(this.logger, message);
        return;
      default:
        return;
    }
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending;
  }

  private crash(cause: unknown): void {
    if (this.crashed) return;
    this.logger.error("the engine's thread stopped", { error: cause });
    this.crashed = new GuruError(
      "ENGINE_UNAVAILABLE",
      "The model's thread stopped, so Guru cannot answer right now. Restart Guru; operators: see the log and run `guru doctor`.",
      { cause },
    );
    const running = [...this.pending.values()];
    this.pending.clear();
    const failed = new GuruError("GENERATION_FAILED", "The model failed while answering. Please try again.", {
      cause,
    });
    for (const job of running) job.reject(failed);
    this.onCrash(this.crashed);
  }
}

/**
 * The worker runs the compiled `.js` next to this file; from TypeScript sources (tsx, vitest) it
 * registers tsx in the new thread first, so the same `.ts` module runs there.
 */
function startWorker(setup: WorkerSetup): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts"))
    return new Worker(new URL("./engineWorker.js", here), { workerData: setup, env: SHARE_ENV });
  const entry = new URL("./engineWorker.ts", here).href;
  // tsx's ESM entry (its CommonJS one cannot register hooks from an eval'd script).
  const tsx = pathToFileURL(
    createRequire(here)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry)}));`;
  return new Worker(boot, { eval: true, workerData: setup, env: SHARE_ENV });
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
