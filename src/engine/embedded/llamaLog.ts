import { LlamaLogLevel } from "node-llama-cpp";
import type { Logger } from "../../log/logger.js";

const kept = 200;

/**
 * Keeps llama.cpp's recent log lines: "Failed to load model" carries no cause, the reason
 * (missing tensor, truncated file, unknown architecture) is only in this log.
 */
export class LlamaLog {
  private lines: { readonly seq: number; readonly level: LlamaLogLevel; readonly text: string }[] = [];
  private seq = 0;

  constructor(private readonly logger: Logger) {}

  readonly record = (level: LlamaLogLevel, message: string): void => {
    const text = message.trim();
    if (!text) return;
    this.seq += 1;
    this.lines.push({ seq: this.seq, level, text });
    if (this.lines.length > kept) this.lines.shift();
    if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) this.logger.debug(text);
  };

  mark(): number {
    return this.seq;
  }

  /** Error and warning lines logged after `mark`, most telling last. */
  problemsSince(mark: number): string[] {
    return this.lines
      .filter((line) => line.seq > mark)
      .filter((line) => [LlamaLogLevel.error, LlamaLogLevel.fatal, LlamaLogLevel.warn].includes(line.level))
      .map((line) => line.text);
  }
}
