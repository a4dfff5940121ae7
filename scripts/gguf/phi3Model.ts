import { elementCount, type GgmlType } from "./ggmlTypes.js";
import { type GgufMetadata, type GgufTensor, gguf, writeGguf } from "./ggufWriter.js";
import { PHI4_MINI_CHAT_TEMPLATE } from "./phi4ChatTemplate.js";
import { buildPhi4Vocabulary, type Vocabulary } from "./phi4Vocabulary.js";
import { type RandomSource, randomSource } from "./randomSource.js";
import { constantF32Data, randomTensorData } from "./tensorData.js";

/** llama.cpp pre-tokenizers: "llama3" tokenizes fast; "gpt-4o" is what real Phi-4 Mini uses (much slower here). */
export type PreTokenizer = "llama3" | "gpt-4o";
export const DEFAULT_PRE_TOKENIZER: PreTokenizer = "llama3";

export interface Phi3ModelSpec {
  /** general.name; must not contain "phi3" or "phi-3": llama.cpp then expects Phi-3's `<s>`/`</s>` tokens. */
  name: string;
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffnSize: number;
  contextLength: number;
  /** Pads the vocabulary with filler words to this many tokens; only bytes, merges and specials when absent. */
  vocabularySize?: number;
  /** Kana and CJK ideographs given a token each; without them CJK text falls back to byte tokens. */
  cjkCharacters?: number;
  /** Type of the matrices; norm weights are always F32. */
  tensorType: GgmlType;
  pre?: PreTokenizer;
  /** Same seed → byte-identical file; without one, weights come from the OS generator (faster). */
  seed?: number;
}

export const phi3Presets = {
  /** ≈0.4 MB, loads in milliseconds: for tests. */
  tiny: {
    name: "Guru Tiny",
    hiddenSize: 64,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    ffnSize: 128,
    contextLength: 4096,
    tensorType: "F32",
    seed: 1,
  },
  /** ≈1 M parameters, a 4,096-token vocabulary: a second small model, unlike the tiny one. */
  small: {
    name: "Guru Small",
    hiddenSize: 128,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    ffnSize: 256,
    contextLength: 4096,
    vocabularySize: 4096,
    tensorType: "F16",
    seed: 1,
  },
  /** ≈251 M parameters, ≈267 MB: big enough that decode speed means something, small enough to write fast. */
  bench: {
    name: "Guru Bench",
    hiddenSize: 1024,
    layers: 16,
    heads: 8,
    kvHeads: 2,
    ffnSize: 3584,
    contextLength: 4096,
    vocabularySize: 32_000,
    tensorType: "Q8_0",
  },
  /** Phi-4 Mini's exact shapes (3.84 B parameters). */
  phi4: {
    name: "Guru Phi-4 Mini Shape",
    hiddenSize: 3072,
    layers: 32,
    heads: 24,
    kvHeads: 8,
    ffnSize: 8192,
    contextLength: 131_072,
    vocabularySize: 200_064,
    tensorType: "Q4_0",
  },
} as const satisfies Record<string, Phi3ModelSpec>;
export type Phi3PresetName = keyof typeof phi3Presets;

export interface WrittenModel {
  path: string;
  bytes: number;
  parameters: number;
}

const RMS_NORM_EPSILON = 1e-5;
const ROPE_FREQUENCY_BASE = 10_000;
// Phi-4 Mini rotates 3/4 of each head (partial_rotary_factor 0.75).
const ROTARY_FRACTION = 0.75;

// llama.cpp's `llama_ftype` for a file whose matrices are all of one type.
const fileTypes: Readonly<Record<GgmlType, number>> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 7 };

/** Writes a loadable llama.cpp `phi3` GGUF model with random weights and Phi-4 Mini's tokenizer format. */
export async function writePhi3Model(path: string, spec: Phi3ModelSpec): Promise<WrittenModel> {
  const headDim = spec.hiddenSize / spec.heads;
  const rotaryDims = headDim * ROTARY_FRACTION;
  if (!Number.isInteger(headDim) || spec.heads % spec.kvHeads !== 0 || rotaryDims % 2 !== 0) {
    throw new Error(`${spec.name}: hidden size, heads and KV heads do not make whole, evenly rotated heads`);
  }
  const vocabulary = buildPhi4Vocabulary(spec.vocabularySize, spec.cjkCharacters);
  const tensors = phi3Tensors(spec, vocabulary.tokens.length, headDim, randomSource(spec.seed));
  const bytes = await writeGguf(path, { metadata: phi3Metadata(spec, vocabulary, rotaryDims), tensors });
  const parameters = tensors.reduce((sum, tensor) => sum + elementCount(tensor.shape), 0);
  return { path, bytes, parameters };
}

function phi3Metadata(spec: Phi3ModelSpec, vocabulary: Vocabulary, rotaryDims: number): GgufMetadata {
  const endOfText = vocabulary.specialTokenIds["<|endoftext|>"];
  return {
    "general.architecture": gguf.string("phi3"),
    "general.name": gguf.string(spec.name),
    "general.file_type": gguf.u32(fileTypes[spec.tensorType]),
    "phi3.context_length": gguf.u32(spec.contextLength),
    "phi3.embedding_length": gguf.u32(spec.hiddenSize),
    "phi3.feed_forward_length": gguf.u32(spec.ffnSize),
    "phi3.block_count": gguf.u32(spec.layers),
    "phi3.attention.head_count": gguf.u32(spec.heads),
    "phi3.attention.head_count_kv": gguf.u32(spec.kvHeads),
    "phi3.attention.layer_norm_rms_epsilon": gguf.f32(RMS_NORM_EPSILON),
    "phi3.rope.dimension_count": gguf.u32(rotaryDims),
    "phi3.rope.freq_base": gguf.f32(ROPE_FREQUENCY_BASE),
    "tokenizer.ggml.model": gguf.string("gpt2"),
    "tokenizer.ggml.pre": gguf.string(spec.pre ?? DEFAULT_PRE_TOKENIZER),
    "tokenizer.ggml.tokens": gguf.array("string", vocabulary.tokens),
    "tokenizer.ggml.token_type": gguf.array("i32", vocabulary.tokenTypes),
    "tokenizer.ggml.merges": gguf.array("string", vocabulary.merges),
    "tokenizer.ggml.bos_token_id": gguf.u32(endOfText),
    "tokenizer.ggml.eos_token_id": gguf.u32(endOfText),
    "tokenizer.ggml.eot_token_id": gguf.u32(vocabulary.specialTokenIds["<|end|>"]),
    "tokenizer.ggml.padding_token_id": gguf.u32(endOfText),
    "tokenizer.ggml.add_bos_token": gguf.bool(false),
    "tokenizer.ggml.add_eos_token": gguf.bool(false),
    "tokenizer.chat_template": gguf.string(PHI4_MINI_CHAT_TEMPLATE),
  };
}

/** The tensors llama.cpp's phi3 loader requires; the output matrix is tied to `token_embd`. */
function phi3Tensors(
  spec: Phi3ModelSpec,
  vocabularySize: number,
  headDim: number,
  random: RandomSource,
): GgufTensor[] {
  const { hiddenSize, ffnSize, tensorType } = spec;
  const kvSize = spec.kvHeads * headDim;
  const matrix = (name: string, shape: readonly number[]): GgufTensor => ({
    name,
    type: tensorType,
    shape,
    data: randomTensorData(tensorType, shape, random),
  });
  const norm = (name: string): GgufTensor => ({
    name,
    type: "F32",
    shape: [hiddenSize],
    data: constantF32Data(hiddenSize, 1),
  });
  const tensors: GgufTensor[] = [matrix("token_embd.weight", [hiddenSize, vocabularySize])];
  for (let layer = 0; layer < spec.layers; layer++) {
    const block = `blk.${layer}`;
    tensors.push(
      norm(`${block}.attn_norm.weight`),
      matrix(`${block}.attn_qkv.weight`, [hiddenSize, hiddenSize + 2 * kvSize]),
      matrix(`${block}.attn_output.weight`, [hiddenSize, hiddenSize]),
      norm(`${block}.ffn_norm.weight`),
      // Gate and up projections fused, as llama.cpp's phi3 graph expects.
      matrix(`${block}.ffn_up.weight`, [hiddenSize, 2 * ffnSize]),
      matrix(`${block}.ffn_down.weight`, [ffnSize, hiddenSize]),
    );
  }
  tensors.push(norm("output_norm.weight"));
  return tensors;
}
