import type { z } from "zod";

/** `text` as JSON of `schema`'s shape; null when it is not (a locator from another version). */
export function parseJsonText<T>(schema: z.ZodType<T>, text: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
