import { toFloat16Bits } from "./float16.js";
import { elementCount, type GgmlType, ggmlTypeLayouts } from "./ggmlTypes.js";
import type { RandomSource } from "./randomSource.js";

const CHUNK_BYTES = 4 << 20;

// Standard deviations of the uniformly random quantized values: int8 for Q8_0, (nibble - 8) for Q4_0.
const Q8_0_STD = Math.sqrt((256 * 256 - 1) / 12);
const Q4_0_STD = Math.sqrt((16 * 16 - 1) / 12);

/**
 * Random weights with standard deviation 1/sqrt(ne0): a matmul sums ne0 products, so unit-scale inputs
 * give unit-scale outputs and activations neither explode nor vanish across layers.
 */
export function randomTensorData(
  type: GgmlType,
  shape: readonly number[],
  random: RandomSource,
): () => Iterable<Uint8Array> {
  const std = 1 / Math.sqrt(shape[0] ?? 1);
  const count = elementCount(shape);
  switch (type) {
    case "F32":
      return () => floatChunks(count, random, std, (values) => new Uint8Array(values.buffer));
    case "F16":
      return () => floatChunks(count, random, std, float16Bytes);
    case "Q8_0":
      return () => quantizedChunks(type, count, random, std / Q8_0_STD);
    case "Q4_0":
      return () => quantizedChunks(type, count, random, std / Q4_0_STD);
  }
}

export function constantF32Data(count: number, value: number): () => Iterable<Uint8Array> {
  return function* () {
    const perChunk = CHUNK_BYTES / 4;
    for (let start = 0; start < count; start += perChunk) {
      yield new Uint8Array(new Float32Array(Math.min(perChunk, count - start)).fill(value).buffer);
    }
  };
}

/** Uniform values in ±std·√3 (which has standard deviation `std`), encoded by `encode`. */
function* floatChunks(
  count: number,
  random: RandomSource,
  std: number,
  encode: (values: Float32Array) => Uint8Array,
): Generator<Uint8Array> {
  const perChunk = CHUNK_BYTES / 4;
  const toRange = (2 * Math.sqrt(3) * std) / 2 ** 32;
  const offset = Math.sqrt(3) * std;
  for (let start = 0; start < count; start += perChunk) {
    const length = Math.min(perChunk, count - start);
    const words = new Uint32Array(length);
    random.fill(new Uint8Array(words.buffer));
    const values = new Float32Array(length);
    for (let i = 0; i < length; i++) values[i] = (words[i] ?? 0) * toRange - offset;
    yield encode(values);
  }
}

function float16Bytes(values: Float32Array): Uint8Array {
  const halves = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) halves[i] = toFloat16Bits(values[i] ?? 0);
  return new Uint8Array(halves.buffer);
}

/** Random quants under one fixed scale per tensor: the scale sets the weights' spread, the quants their pattern. */
function* quantizedChunks(
  type: "Q8_0" | "Q4_0",
  count: number,
  random: RandomSource,
  scale: number,
): Generator<Uint8Array> {
  const { blockElements, blockBytes } = ggmlTypeLayouts[type];
  const scaleBits = toFloat16Bits(scale);
  const blocks = count / blockElements;
  const blocksPerChunk = Math.floor(CHUNK_BYTES / blockBytes);
  for (let start = 0; start < blocks; start += blocksPerChunk) {
    const chunkBlocks = Math.min(blocksPerChunk, blocks - start);
    const bytes = new Uint8Array(chunkBlocks * blockBytes);
    random.fill(bytes);
    for (let at = 0; at < bytes.length; at += blockBytes) {
      bytes[at] = scaleBits & 0xff;
      bytes[at + 1] = scaleBits >>> 8;
    }
    yield bytes;
  }
}
