import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import type { ThreadCalibration } from "./threadCalibration.js";

/** The file in Guru's data folder that keeps measured thread choices. */
export const threadChoiceFileName = "engine-threads.json";

const trialSchema = z.object({ threads: z.int().min(1), tokensPerSecond: z.number().min(0) });
const choiceSchema = z.object({
  threads: z.int().min(1),
  trials: z.array(trialSchema),
  measuredAt: z.string(),
  /** What the key was made of, for a person reading the file. */
  about: z.record(z.string(), z.unknown()),
});
const fileSchema = z.object({ choices: z.record(z.string(), choiceSchema) });
type ThreadChoiceFile = z.infer<typeof fileSchema>;

/** What a measured choice depends on: a different model, binary, CPU or slot count measures anew. */
export interface ThreadChoiceSubject {
  readonly modelPath: string;
  /** The llama.cpp binding that runs it (build type and which binary). */
  readonly binary: string;
  readonly cpuMathCores: number;
  readonly sequences: number;
}

/**
 * Measured thread choices, one per subject, in a JSON file (unreadable or foreign content counts
 * as empty: it is a cache, measured again when in doubt).
 */
export class ThreadChoiceCache {
  constructor(private readonly folder: string) {}

  async get(subject: ThreadChoiceSubject): Promise<ThreadCalibration | undefined> {
    const { key } = await keyOf(subject);
    const choice = (await this.read()).choices[key];
    return choice && { threads: choice.threads, trials: choice.trials };
  }

  async set(subject: ThreadChoiceSubject, calibration: ThreadCalibration): Promise<void> {
    const { key, about } = await keyOf(subject);
    const file = await this.read();
    file.choices[key] = {
      ...calibration,
      trials: [...calibration.trials],
      measuredAt: new Date().toISOString(),
      about,
    };
    await mkdir(this.folder, { recursive: true });
    const path = join(this.folder, threadChoiceFileName);
    // Written aside and renamed: a second Guru reading meanwhile sees the old file or the new one.
    const partial = `${path}.${process.pid}.tmp`;
    await writeFile(partial, `${JSON.stringify(file, null, 2)}\n`);
    await rename(partial, path);
  }

  private async read(): Promise<ThreadChoiceFile> {
    try {
      const text = await readFile(join(this.folder, threadChoiceFileName), "utf8");
      const parsed = fileSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : { choices: {} };
    } catch {
      return { choices: {} };
    }
  }
}

async function keyOf(subject: ThreadChoiceSubject): Promise<{ key: string; about: Record<string, unknown> }> {
  const file = await stat(subject.modelPath);
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const about = {
    ...subject,
    modelBytes: file.size,
    modelModified: file.mtime.toISOString(),
    cpu,
  };
  return { key: createHash("sha256").update(JSON.stringify(about)).digest("hex").slice(0, 16), about };
}
