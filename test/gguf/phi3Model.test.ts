import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  getLlama,
  JinjaTemplateChatWrapper,
  type Llama,
  LlamaLogLevel,
  type LlamaModel,
  resolveChatWrapper,
} from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phi3Presets, writePhi3Model } from "../../scripts/gguf/phi3Model.js";
import { tinyModelPath, writeBadModelFiles } from "../support/tinyModel.js";

describe("the generated tiny phi3 model in node-llama-cpp", () => {
  let llama: Llama;
  let model: LlamaModel;
  const specialToken = (text: string): number => {
    const [token, ...rest] = model.tokenize(text, true);
    if (token === undefined || rest.length > 0) throw new Error(`${text} is not a single token`);
    return token;
  };

  beforeAll(async () => {
    llama = await getLlama({ gpu: false, logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: await tinyModelPath() });
  }, 60_000);

  afterAll(async () => {
    await llama?.dispose();
  });

  it("loads as a phi3 model with Phi-4 Mini's end tokens", () => {
    expect(model.fileInfo.metadata.general.architecture).toBe("phi3");
    expect(model.trainContextSize).toBe(4096);
    expect(model.tokens.eos).toBe(specialToken("<|endoftext|>"));
    expect(model.tokens.eot).toBe(specialToken("<|end|>"));
  });

  it("resolves its embedded chat template to JinjaTemplateChatWrapper, rendering Phi-4 Mini's format", () => {
    const chatWrapper = resolveChatWrapper(model);
    expect(chatWrapper).toBeInstanceOf(JinjaTemplateChatWrapper);

    const { contextText } = chatWrapper.generateContextState({
      chatHistory: [
        { type: "system", text: "S" },
        { type: "user", text: "U" },
        { type: "model", response: [] },
      ],
    });
    const tokens = contextText.tokenize(model.tokenizer);
    expect(model.detokenize(tokens, true)).toBe("<|system|>S<|end|><|user|>U<|end|><|assistant|>");
    expect(tokens).toContain(specialToken("<|system|>"));
    expect(tokens).toContain(specialToken("<|assistant|>"));
  });

  it("generates tokens with sequence.evaluate", async () => {
    const context = await model.createContext({ contextSize: 256, threads: 1 });
    try {
      const generated: number[] = [];
      for await (const token of context.getSequence().evaluate(model.tokenize("Hello there"))) {
        generated.push(token);
        if (generated.length === 16) break;
      }
      expect(generated).toHaveLength(16);
      for (const token of generated)
        expect(token).toBeLessThan(model.fileInfo.metadata.tokenizer.ggml.tokens.length);
    } finally {
      await context.dispose();
    }
  });

  it("round-trips any text, keeping special-token text literal unless special tokens are parsed", () => {
    const text = "Hi 👋 there — <|system|> ünïcödé 中文\n\tend";
    const plainTokens = model.tokenize(text);
    expect(model.detokenize(plainTokens)).toBe(text);
    expect(plainTokens).not.toContain(specialToken("<|system|>"));
    expect(model.tokenize(text, true)).toContain(specialToken("<|system|>"));
  });

  it("merges common English pairs into single tokens", () => {
    expect(model.tokenize(" the")).toHaveLength(1);
    expect(model.tokenize("he")).toHaveLength(1);
  });
});

describe("writePhi3Model", () => {
  it("writes byte-identical files for the same seed and different ones for another seed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "guru-phi3-seed-"));
    try {
      const write = async (name: string, seed: number) => {
        const { path } = await writePhi3Model(join(dir, name), { ...phi3Presets.tiny, seed });
        return readFile(path);
      };
      const first = await write("a.gguf", 7);
      expect((await write("b.gguf", 7)).equals(first)).toBe(true);
      expect((await write("c.gguf", 8)).equals(first)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("bad model files", () => {
  it("each fail to load without taking node-llama-cpp down", async () => {
    const llama = await getLlama({ gpu: false, logLevel: LlamaLogLevel.disabled });
    const { dir, ...badFiles } = await writeBadModelFiles();
    try {
      for (const modelPath of Object.values(badFiles)) {
        await expect(llama.loadModel({ modelPath }), modelPath).rejects.toThrow();
      }
      const model = await llama.loadModel({ modelPath: await tinyModelPath() });
      await model.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
