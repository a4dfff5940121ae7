/**
 * The embedded engine's process (started by engineProcess.ts): it owns llama.cpp (binding, model,
 * context, sequences, grammars) and runs every token loop, so generation never waits for Guru's
 * event loop, which a flood of platform events keeps busy. Guru keeps the queue and leases slots;
 * this process generates on the slot it is told and streams the text back.
 */
import { setImmediate } from "node:timers/promises";
import type { LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel } from "node-llama-cpp";
import { type ChatWrapper, resolveChatWrapper } from "node-llama-cpp";
import { GuruError, isGuruError } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
import { renderChatPrompt } from "./chatPrompt.js";
import { GenerationPause } from "./generationPause.js";
import { chooseThreads, type LlamaBackend, openLlamaBackend } from "./llamaBackend.js";
import { LockstepBatching } from "./lockstepBatching.js";
import { loadModelFile } from "./modelLoader.js";
import { generateOnSequence } from "./sequenceGeneration.js";
import {
  epochNow,
  type FromWorker,
  type GenerateJob,
  type ToWorker,
  type WorkerFailure,
  type WorkerSetup,
} from "./workerMessages.js";

interface LoadedModel {
  readonly backend: LlamaBackend;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly sequences: readonly LlamaContextSequence[];
  readonly chatWrapper: ChatWrapper;
  readonly threads: number;
}

if (!process.send) throw new Error("engineWorker.ts runs only as the engine's child process");
const send = (message: FromWorker) => {
  // Once Guru is gone there is nobody to tell; the disconnect below ends this process.
  if (process.connected) process.send?.(message);
};
// Guru ended (or crashed) without closing the engine: nothing is left to serve.
process.on("disconnect", () => process.exit(0));
const setup = await new Promise<WorkerSetup>((resolve) =>
  process.once("message", (message: ToWorker) => {
    if (message.type === "open") resolve(message.setup);
  }),
);

/** Log lines go to the main thread's logger (its level, scope and redaction). */
const logger: Logger = {
  debug: (message, fields) => log("debug", message, fields),
  info: (message, fields) => log("info", message, fields),
  warn: (message, fields) => log("warn", message, fields),
  error: (message, fields) => log("error", message, fields),
  child: () => logger,
};

function log(level: "debug" | "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) {
  try {
    send({ type: "log", level, message, ...(fields ? { fields } : {}) });
  } catch {
    // A field that cannot be cloned (a socket, a function): the line still goes, without fields.
    send({ type: "log", level, message });
  }
}

function failureOf(error: unknown): WorkerFailure {
  return isGuruError(error)
    ? { code: error.code, message: error.message }
    : { message: error instanceof Error ? error.message : String(error) };
}

async function open(): Promise<LoadedModel> {
  const { config, modelPath } = setup;
  const backend = await openLlamaBackend(config.gpu, logger);
  const model = await loadModelFile(backend, modelPath);
  try {
    const threads = await chooseThreads(config.threads, backend, config.slots, {
      model,
      modelPath,
      cacheFolder: setup.cacheFolder,
      logger,
    });
    const sequenceCount = config.slots + config.warmSequences;
    const batching = new LockstepBatching();
    const context = await model.createContext({
      contextSize: config.contextSize,
      sequences: sequenceCount,
      threads,
      batching: batching.options,
    });
    const sequences = Array.from({ length: sequenceCount }, () => context.getSequence());
    batching.attach(context, sequences);
    // Resolving the wrapper costs seconds on a gpt-4o tokenizer: once per model, never per chat.
    const chatWrapper = resolveChatWrapper(model);
    logger.info(`model loaded: ${model.filename ?? modelPath}`, {
      chatTemplate: chatWrapper.wrapperName,
      slots: config.slots,
      warmSequences: config.warmSequences,
      contextSize: config.contextSize,
      threads,
      gpuLayers: model.gpuLayers,
    });
    return { backend, model, context, sequences, chatWrapper, threads };
  } catch (cause) {
    await model.dispose();
    throw new GuruError(
      "MODEL_INVALID",
      `The model loaded but no context could be created: ${String(cause)}`,
      { cause },
    );
  }
}

let loaded: LoadedModel;
try {
  loaded = await open();
} catch (error) {
  send({ type: "openFailed", error: failureOf(error) });
  process.exit(0);
}
const { backend, model, context, sequences, chatWrapper } = loaded;
const running = new Map<number, AbortController>();
const grammars = new Map<string, Promise<LlamaGrammar>>();
const pause = new GenerationPause();
const countsPerTurn = 8;

function grammarFor(schema: object): Promise<LlamaGrammar> {
  const key = JSON.stringify(schema);
  let grammar = grammars.get(key);
  if (!grammar) {
    // biome-ignore lint/suspicious/noExplicitAny: node-llama-cpp types the schema by its literal shape.
    grammar = backend.llama.createGrammarForJsonSchema(schema as any);
    grammars.set(key, grammar);
  }
  return grammar;
}

async function generate(job: GenerateJob): Promise<void> {
  const stop = new AbortController();
  running.set(job.id, stop);
  try {
    const prompt = renderChatPrompt(model, chatWrapper, job.turns);
    const grammar = job.jsonSchema ? await grammarFor(job.jsonSchema) : undefined;
    const outcome = await generateOnSequence({
      sequence: sequences[job.slot] as LlamaContextSequence,
      prompt,
      maxTokens: job.maxTokens,
      sampling: job.sampling,
      ...(grammar ? { grammar } : {}),
      ignoreEndOfText: job.ignoreEndOfText,
      signal: stop.signal,
      onText: (delta) => send({ type: "text", id: job.id, delta }),
      pause,
    });
    const { firstTokenAt, ...figures } = outcome;
    send({
      type: "done",
      id: job.id,
      outcome: {
        ...figures,
        promptTokens: prompt.tokens.length,
        firstTokenAtEpoch: firstTokenAt === null ? null : performance.timeOrigin + firstTokenAt,
        endedAtEpoch: epochNow(),
      },
    });
  } catch (error) {
    if (!isGuruError(error)) logger.error("generation failed", { error });
    send({ type: "failed", id: job.id, error: failureOf(error) });
  } finally {
    running.delete(job.id);
  }
}

/**
 * Counts the texts' tokens a few at a time, letting the running answers' token loops take their
 * turn in between: each count costs ≈1 ms with Phi-4 Mini's gpt-4o pre-tokenizer.
 */
async function count(id: number, texts: readonly string[]): Promise<void> {
  const counts: number[] = [];
  for (const text of texts) {
    if (counts.length > 0 && counts.length % countsPerTurn === 0) await setImmediate();
    counts.push(model.tokenize(text, false).length);
  }
  send({ type: "counted", id, counts });
}

/** Frees llama.cpp's memory here, before the process ends: never while a native call runs. */
async function close(): Promise<void> {
  await context.dispose();
  await model.dispose();
  await backend.llama.dispose();
  send({ type: "closed" });
  process.disconnect();
}

process.on("message", (message: ToWorker) => {
  if (message.type === "generate") void generate(message);
  else if (message.type === "cancel")
    running.get(message.id)?.abort(new GuruError(message.reason.code ?? "CANCELLED", message.reason.message));
  else if (message.type === "count") void count(message.id, message.texts);
  else if (message.type === "close") void close();
});

send({
  type: "ready",
  backend: backend.info,
  threads: loaded.threads,
  modelName: model.filename ?? setup.modelPath,
  chatWrapperName: chatWrapper.wrapperName,
});
