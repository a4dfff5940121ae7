/** The ggml tensor types this generator can write. */
export type GgmlType = "F32" | "F16" | "Q4_0" | "Q8_0";

export interface GgmlTypeLayout {
  /** ggml's `enum ggml_type` value, as stored in a GGUF tensor info. */
  id: number;
  /** Elements per block; quantized blocks run along ne0, so ne0 must be a multiple of this. */
  blockElements: number;
  blockBytes: number;
}

export const ggmlTypeLayouts: Readonly<Record<GgmlType, GgmlTypeLayout>> = {
  F32: { id: 0, blockElements: 1, blockBytes: 4 },
  F16: { id: 1, blockElements: 1, blockBytes: 2 },
  // Q4_0 block: f16 scale + 16 bytes of nibbles; Q8_0 block: f16 scale + 32 int8.
  Q4_0: { id: 2, blockElements: 32, blockBytes: 18 },
  Q8_0: { id: 8, blockElements: 32, blockBytes: 34 },
};

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

export function tensorByteSize(type: GgmlType, shape: readonly number[]): number {
  const { blockElements, blockBytes } = ggmlTypeLayouts[type];
  const rowLength = shape[0] ?? 1;
  if (rowLength % blockElements !== 0) {
    throw new Error(
      `${type} needs ne0 to be a multiple of ${blockElements}, got shape [${shape.join(", ")}]`,
    );
  }
  return (elementCount(shape) / blockElements) * blockBytes;
}
