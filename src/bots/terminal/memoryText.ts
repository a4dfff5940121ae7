import type { MemoryView } from "../../service/memoryView.js";
import { fitMemoryText, type MemoryDialect, memorySections } from "../common/memorySections.js";

/** The view already holds no control characters, so nothing in it can move the cursor or colour the terminal. */
const plainText: MemoryDialect = { escape: (text) => text, bold: (text) => text };

/** `/memory` in `guru chat`: the summary, latest messages and analyses of this chat, as plain text. */
export function memoryText(view: MemoryView, asker: string): string {
  return fitMemoryText(memorySections(view, asker, plainText), plainText, Number.POSITIVE_INFINITY);
}
