import type { Command } from "commander";
import { Engine } from "../../engine/engine.js";
import { onInterrupt } from "../interrupt.js";
import { ensureModelFile, isInteractive } from "../modelAvailability.js";
import { createRuntime } from "../runtime.js";

interface AskFlags {
  readonly model?: string;
  readonly pull?: boolean;
  readonly maxTokens?: number;
  readonly logLevel?: string;
}

export function registerAsk(program: Command): void {
  program
    .command("ask")
    .description("Answer one question, streamed to stdout")
    .argument("<question...>", "the question (quote it, or pass several words)")
    .option("-m, --model <path-or-uri>", "a GGUF file or hf:/https: URI (overrides GURU_MODEL)")
    .option("--pull", "download the model first if it is missing")
    .option("--max-tokens <n>", "longest answer, in tokens", Number)
    .option("--log-level <level>", "debug, info, warn, error or silent")
    .action(async (words: string[], flags: AskFlags) => {
      const runtime = createRuntime({ ...flags, logLevel: flags.logLevel ?? "warn" });
      const modelPath = await ensureModelFile(runtime.config, runtime.secrets, {
        pull: flags.pull === true,
        interactive: isInteractive(),
      });
      const engine = await Engine.open({ modelPath, config: runtime.config.engine, logger: runtime.logger });
      const cancel = new AbortController();
      const stopListening = onInterrupt(() => cancel.abort());
      try {
        const events = engine.generate({
          owner: "terminal",
          turns: [
            { role: "system", text: "You are Guru, a concise, helpful assistant." },
            { role: "user", text: words.join(" ") },
          ],
          signal: cancel.signal,
          ...(flags.maxTokens ? { maxTokens: flags.maxTokens } : {}),
        });
        for await (const event of events) {
          if (event.type === "text") process.stdout.write(event.delta);
          if (event.type === "queued") runtime.logger.info(`queued at position ${event.position}`);
          if (event.type === "done") {
            process.stdout.write("\n");
            runtime.logger.info("done", { usage: event.result.usage });
          }
        }
      } finally {
        stopListening();
        await engine.close();
      }
    });
}
