import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Phi3PresetName } from "../../scripts/gguf/phi3Model.js";
import { generatedModelPath } from "./tinyModel.js";

const buildScript = fileURLToPath(new URL("../../scripts/llama-server.sh", import.meta.url));
/** Building llama-server the first time takes minutes (the script waits on a lock meanwhile). */
export const llamaServerBuildTimeoutMs = 30 * 60_000;
/** How long a SIGTERM may take before the server is killed instead. */
const gracefulStopMs = 5_000;

let binary: Promise<string> | undefined;

/**
 * The llama-server binary from scripts/llama-server.sh (built once per llama.cpp release and CPU,
 * then cached). When it cannot be obtained the test fails and says why: CI builds it.
 */
export function llamaServerBinary(): Promise<string> {
  binary ??= promisify(execFile)("bash", [buildScript], { timeout: llamaServerBuildTimeoutMs }).then(
    ({ stdout }) => stdout.trim(),
    (error: { stderr?: string; message: string }) => {
      throw new Error(
        `llama-server is not available: scripts/llama-server.sh failed (${error.stderr?.trim() || error.message}). Install cmake, ninja-build, g++ and git, or set GURU_LLAMA_SERVER to a built binary.`,
      );
    },
  );
  return binary;
}

export interface LlamaServerOptions {
  readonly preset?: Phi3PresetName;
  /** Serve this model file instead of the preset's (benchmarks keep theirs in bench/.cache). */
  readonly modelPath?: string;
  /** Slots (`-np`), 2 by default. */
  readonly slots?: number;
  /** Total context (`-c`), shared by the slots. */
  readonly contextSize?: number;
  /**
   * Keep output to ASCII (default true): a random-weight model's invalid UTF-8 otherwise makes the
   * server fail the answer (see shared/llama-server.md). The non-ASCII byte tokens are banned by
   * logit bias, which a request's `json_schema` does not replace (a `--grammar` would be) and which
   * costs nothing per token; in the generated vocabularies every other token is ASCII and a byte
   * token's id is its byte (scripts/gguf/phi4Vocabulary.ts).
   */
  readonly asciiOnly?: boolean;
  readonly threads?: number;
  /** Require this key (`--api-key`) on every endpoint but /health. */
  readonly apiKey?: string;
  /** More flags, as they are. */
  readonly extraArgs?: readonly string[];
  /** How long loading may take before /health must answer (60 s; a big model on a busy machine needs more). */
  readonly startTimeoutMs?: number;
}

/** A real llama-server on 127.0.0.1, serving a generated model. */
export class LlamaServerProcess {
  private child: ChildProcess | undefined;
  private output = "";

  private constructor(
    private readonly binaryPath: string,
    private readonly args: readonly string[],
    readonly port: number,
    private readonly startTimeoutMs: number,
  ) {}

  static async start(options: LlamaServerOptions = {}): Promise<LlamaServerProcess> {
    const [binaryPath, modelPath, port] = await Promise.all([
      llamaServerBinary(),
      options.modelPath ?? generatedModelPath(options.preset ?? "tiny"),
      freePort(),
    ]);
    const args = [
      ...["-m", modelPath, "--no-ui", "--metrics", "--host", "127.0.0.1", "--port", String(port)],
      ...["-np", String(options.slots ?? 2), "-c", String(options.contextSize ?? 4096)],
      ...["-t", String(options.threads ?? 1)],
      ...(options.asciiOnly === false ? [] : asciiOnlyArgs()),
      ...(options.apiKey ? ["--api-key", options.apiKey] : []),
      ...(options.extraArgs ?? []),
    ];
    const server = new LlamaServerProcess(binaryPath, args, port, options.startTimeoutMs ?? 60_000);
    await server.restart();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts it (again, on the same port) and waits until `/health` answers 200. */
  async restart(): Promise<void> {
    if (this.child) throw new Error("llama-server is already running");
    this.output = "";
    const child = spawn(this.binaryPath, this.args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("exit", () => {
      if (this.child === child) this.child = undefined;
    });
    await this.untilHealthy(child);
  }

  /** Kills it at once (SIGKILL), as a crash would, and waits until it is gone. */
  kill(): Promise<void> {
    return this.stop("SIGKILL");
  }

  /**
   * Stops it (SIGTERM) and waits until it is gone. llama-server's SIGTERM handler can deadlock: it
   * takes the task queue's lock, which the interrupted main thread may already hold (seen here
   * about once in twenty stops right after answers that ended in errors). So a server still up
   * after a few seconds is killed.
   */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    const stuck = setTimeout(() => child.kill("SIGKILL"), gracefulStopMs);
    await gone;
    clearTimeout(stuck);
  }

  private async untilHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    while (Date.now() < deadline) {
      // A crash ends it by signal: exitCode stays null, signalCode says which.
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `llama-server exited (${child.exitCode ?? child.signalCode}) while starting:\n${this.output}`,
        );
      }
      const healthy = await fetch(`${this.url}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill("SIGKILL");
    throw new Error(
      `llama-server did not become healthy within ${this.startTimeoutMs / 1000} s:\n${this.output}`,
    );
  }
}

function asciiOnlyArgs(): string[] {
  const nonAsciiBytes = Array.from({ length: 128 }, (_, index) => 128 + index);
  // Repeated -l flags all apply (llama.cpp warns that only the last does; its handler appends).
  return nonAsciiBytes.flatMap((id) => ["-l", `${id}-inf`]);
}

/** A TCP port nothing listens on now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
