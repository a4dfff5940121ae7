import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedEngine } from "../../src/engine/embedded/embeddedEngine.js";
import { silentLogger } from "../../src/log/logger.js";
import { engineConfig, sharedBackend } from "../support/engineHarness.js";
import { type BadModelFiles, writeBadModelFiles } from "../support/tinyModel.js";

async function openError(modelPath: string): Promise<unknown> {
  try {
    const engine = await EmbeddedEngine.open({
      modelPath,
      config: engineConfig(),
      logger: silentLogger,
      backend: await sharedBackend(),
    });
    await engine.close();
  } catch (error) {
    return error;
  }
  throw new Error(`${modelPath} loaded but should not have`);
}

describe("loading bad model files", () => {
  let files: BadModelFiles;

  beforeAll(async () => {
    files = await writeBadModelFiles();
  });

  afterAll(async () => {
    await rm(files.dir, { recursive: true, force: true });
  });

  it("says a missing file is not found and how to fetch one", async () => {
    const error = await openError(`${files.dir}/absent.gguf`);
    expect(error).toMatchObject({ code: "MODEL_NOT_FOUND" });
    expect(String((error as Error).message)).toContain("guru model pull");
  });

  it("says a folder is not a model file", async () => {
    expect(await openError(files.dir)).toMatchObject({ code: "MODEL_INVALID" });
  });

  it.each([
    ["an empty file", "empty"],
    ["random bytes", "randomBytes"],
  ] as const)("says %s is not a GGUF file", async (_label, key) => {
    const error = await openError(files[key]);
    expect(error).toMatchObject({ code: "MODEL_INVALID" });
    expect((error as Error).message).toContain("not a GGUF file");
  });

  it("gives llama.cpp's reason for a truncated file", async () => {
    const error = await openError(files.truncated);
    expect(error).toMatchObject({ code: "MODEL_INVALID" });
    expect((error as Error).message).toMatch(/not within the file bounds|truncated|tensor/i);
  });

  it("gives llama.cpp's reason for an unknown architecture", async () => {
    const error = await openError(files.unknownArchitecture);
    expect(error).toMatchObject({ code: "MODEL_INVALID" });
    expect((error as Error).message).toMatch(/unknown model architecture/i);
  });

  it("keeps the process usable: a good model still loads after the bad ones", async () => {
    const { tinyModelPath } = await import("../support/tinyModel.js");
    const engine = await EmbeddedEngine.open({
      modelPath: await tinyModelPath(),
      config: engineConfig(),
      logger: silentLogger,
      backend: await sharedBackend(),
    });
    expect(engine.chatWrapperName).toBe("JinjaTemplate");
    await engine.close();
  });
});
