import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type GgmlType, ggmlTypeLayouts, tensorByteSize } from "./ggmlTypes.js";

type GgufNumberType = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "f64";
type GgufBigIntType = "u64" | "i64";
export type GgufScalarType = GgufNumberType | GgufBigIntType | "bool" | "string";

type ScalarValueOf<T extends GgufScalarType> = T extends GgufNumberType
  ? number
  : T extends GgufBigIntType
    ? bigint
    : T extends "bool"
      ? boolean
      : string;

export type GgufScalar = { [T in GgufScalarType]: { type: T; value: ScalarValueOf<T> } }[GgufScalarType];
export type GgufArray = {
  [T in GgufScalarType]: { type: "array"; itemType: T; items: readonly ScalarValueOf<T>[] };
}[GgufScalarType];
export type GgufValue = GgufScalar | GgufArray;

/** Key → value, written in insertion order. */
export type GgufMetadata = Readonly<Record<string, GgufValue>>;

export const gguf = {
  u8: (value: number): GgufValue => ({ type: "u8", value }),
  i8: (value: number): GgufValue => ({ type: "i8", value }),
  u16: (value: number): GgufValue => ({ type: "u16", value }),
  i16: (value: number): GgufValue => ({ type: "i16", value }),
  u32: (value: number): GgufValue => ({ type: "u32", value }),
  i32: (value: number): GgufValue => ({ type: "i32", value }),
  u64: (value: bigint): GgufValue => ({ type: "u64", value }),
  i64: (value: bigint): GgufValue => ({ type: "i64", value }),
  f32: (value: number): GgufValue => ({ type: "f32", value }),
  f64: (value: number): GgufValue => ({ type: "f64", value }),
  bool: (value: boolean): GgufValue => ({ type: "bool", value }),
  string: (value: string): GgufValue => ({ type: "string", value }),
  array: <T extends GgufScalarType>(itemType: T, items: readonly ScalarValueOf<T>[]): GgufValue =>
    ({ type: "array", itemType, items }) as GgufArray,
};

export interface GgufTensor {
  name: string;
  type: GgmlType;
  /** Dimensions ne0 first, as GGUF stores them. */
  shape: readonly number[];
  /** Yields the tensor's bytes in order; the writer keeps each chunk until it is on disk, so never reuse one. */
  data(): Iterable<Uint8Array>;
}

export interface GgufFile {
  metadata: GgufMetadata;
  tensors: readonly GgufTensor[];
}

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const GGUF_VERSION = 3;
const ALIGNMENT = 32;

const valueTypeIds: Readonly<Record<GgufScalarType | "array", number>> = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
};

const scalarByteSizes: Readonly<Record<Exclude<GgufScalarType, "string">, number>> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  bool: 1,
  u64: 8,
  i64: 8,
  f64: 8,
};

/** Streams a GGUF v3 file to `path`, tensor data chunk by chunk; resolves to the file's size in bytes. */
export async function writeGguf(path: string, file: GgufFile): Promise<number> {
  if ("general.alignment" in file.metadata) throw new Error("general.alignment is written by writeGguf");
  const header = encodeHeader(file);
  let size = header.length;
  function* chunks(): Generator<Uint8Array> {
    yield header;
    for (const tensor of file.tensors) {
      const expected = tensorByteSize(tensor.type, tensor.shape);
      let written = 0;
      for (const chunk of tensor.data()) {
        written += chunk.length;
        yield chunk;
      }
      if (written !== expected) {
        throw new Error(`tensor ${tensor.name}: data has ${written} bytes, its shape needs ${expected}`);
      }
      const padding = paddingFor(expected);
      if (padding > 0) yield new Uint8Array(padding);
      size += expected + padding;
    }
  }
  await pipeline(Readable.from(chunks(), { objectMode: true, highWaterMark: 4 }), createWriteStream(path));
  return size;
}

function encodeHeader({ metadata, tensors }: GgufFile): Uint8Array {
  const out = new ByteWriter();
  const entries = [...Object.entries(metadata), ["general.alignment", gguf.u32(ALIGNMENT)] as const];
  out.u32(GGUF_MAGIC);
  out.u32(GGUF_VERSION);
  out.u64(BigInt(tensors.length));
  out.u64(BigInt(entries.length));
  for (const [key, value] of entries) {
    out.string(key);
    out.u32(valueTypeIds[value.type]);
    if (value.type === "array") {
      out.u32(valueTypeIds[value.itemType]);
      out.u64(BigInt(value.items.length));
      for (const item of value.items) out.scalar({ type: value.itemType, value: item } as GgufScalar);
    } else {
      out.scalar(value);
    }
  }
  let offset = 0;
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.u32(tensor.shape.length);
    for (const dimension of tensor.shape) out.u64(BigInt(dimension));
    out.u32(ggmlTypeLayouts[tensor.type].id);
    out.u64(BigInt(offset));
    const size = tensorByteSize(tensor.type, tensor.shape);
    offset += size + paddingFor(size);
  }
  out.zeros(paddingFor(out.length));
  return out.bytes();
}

function paddingFor(length: number): number {
  return (ALIGNMENT - (length % ALIGNMENT)) % ALIGNMENT;
}

/** A growable little-endian buffer for the header, which holds the whole vocabulary (MBs for 200 k tokens). */
class ByteWriter {
  private buffer = Buffer.alloc(1 << 16);
  length = 0;

  u32(value: number): void {
    const at = this.claim(4);
    this.buffer.writeUInt32LE(value, at);
  }

  u64(value: bigint): void {
    const at = this.claim(8);
    this.buffer.writeBigUInt64LE(value, at);
  }

  string(value: string): void {
    const byteLength = Buffer.byteLength(value, "utf8");
    this.u64(BigInt(byteLength));
    const at = this.claim(byteLength);
    this.buffer.write(value, at, "utf8");
  }

  zeros(count: number): void {
    const at = this.claim(count);
    this.buffer.fill(0, at, at + count);
  }

  scalar({ type, value }: GgufScalar): void {
    if (type === "string") {
      this.string(value);
      return;
    }
    const at = this.claim(scalarByteSizes[type]);
    const buffer = this.buffer;
    switch (type) {
      case "u8":
        buffer.writeUInt8(value, at);
        break;
      case "i8":
        buffer.writeInt8(value, at);
        break;
      case "u16":
        buffer.writeUInt16LE(value, at);
        break;
      case "i16":
        buffer.writeInt16LE(value, at);
        break;
      case "u32":
        buffer.writeUInt32LE(value, at);
        break;
      case "i32":
        buffer.writeInt32LE(value, at);
        break;
      case "f32":
        buffer.writeFloatLE(value, at);
        break;
      case "f64":
        buffer.writeDoubleLE(value, at);
        break;
      case "u64":
        buffer.writeBigUInt64LE(value, at);
        break;
      case "i64":
        buffer.writeBigInt64LE(value, at);
        break;
      case "bool":
        buffer.writeUInt8(value ? 1 : 0, at);
        break;
    }
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** Makes room for `count` more bytes and returns where they start. */
  private claim(count: number): number {
    const at = this.length;
    this.length += count;
    if (this.length > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.length, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, at);
      this.buffer = grown;
    }
    return at;
  }
}
