import type { ReadDocument } from "../../../service/conversationRequest.js";
import type { AttachmentOutcome, AttachmentReadOptions, AttachmentRef } from "./attachmentTypes.js";
import { claimedKind, sniffedKind } from "./fileKind.js";
import { type Download, guardedDownload } from "./guardedDownload.js";
import { pdfText } from "./pdfText.js";

export type {
  AttachmentOutcome,
  AttachmentReadOptions,
  AttachmentRef,
  SkipReason,
} from "./attachmentTypes.js";

/**
 * Reads the files attached to messages for the model: text-like files as UTF-8, PDFs through their
 * text layer; images and other binaries get a note saying so, never silence. Every file has one
 * outcome, in the order given; a failing file never stops the others.
 */
export function readAttachments(
  refs: readonly AttachmentRef[],
  options: AttachmentReadOptions,
): Promise<AttachmentOutcome[]> {
  return Promise.all(refs.map((ref) => readAttachment(ref, options)));
}

async function readAttachment(
  ref: AttachmentRef,
  options: AttachmentReadOptions,
): Promise<AttachmentOutcome> {
  const claimed = claimedKind(ref.name, ref.mimeType);
  if (claimed === "image") return skipped(ref, "image", `I can't read images yet (${ref.name}).`);
  if (claimed === "pdf" && ref.size !== undefined && ref.size > options.maxBytes)
    return tooLarge(ref, options);
  let outcome: Awaited<ReturnType<typeof guardedDownload>>;
  try {
    outcome = await guardedDownload(ref.url, options);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return skipped(ref, "unreadable", `I couldn't download ${ref.name}.`);
  }
  if (outcome.kind === "foreignOrigin") {
    return skipped(
      ref,
      "foreignOrigin",
      `I didn't open ${ref.name}: its link is not on the platform's file host.`,
    );
  }
  if (outcome.kind === "httpStatus") {
    return {
      ...skipped(ref, "httpStatus", `I couldn't download ${ref.name} (HTTP ${outcome.status}).`),
      status: outcome.status,
    };
  }
  const { download } = outcome;
  const kind = claimed === "pdf" ? "pdf" : sniffedKind(download.bytes);
  if (kind === "binary") {
    return skipped(ref, "binary", `I can't read ${ref.name}: it is neither text nor a PDF.`);
  }
  if (kind === "pdf") return readPdf(ref, download, options);
  return documentOutcome(ref.name, decodeText(download), download.cut, options.maxChars);
}

async function readPdf(
  ref: AttachmentRef,
  download: Download,
  options: AttachmentReadOptions,
): Promise<AttachmentOutcome> {
  // A PDF's index sits at its end: the first part of one is not a readable PDF.
  if (download.cut) return tooLarge(ref, options);
  try {
    return documentOutcome(ref.name, await pdfText(download.bytes), false, options.maxChars);
  } catch {
    return skipped(ref, "unreadable", `I couldn't read the PDF ${ref.name}.`);
  }
}

/** UTF-8; a cut file loses the half character at its end rather than showing a replacement mark. */
function decodeText(download: Download): string {
  return new TextDecoder("utf-8").decode(download.bytes, { stream: download.cut });
}

function documentOutcome(name: string, text: string, cut: boolean, maxChars: number): AttachmentOutcome {
  const kept = cutAt(text, maxChars);
  const readDocument: ReadDocument = { name, text: kept, truncated: cut || kept.length < text.length };
  return { kind: "document", document: readDocument };
}

/** At most `maxChars` UTF-16 units, never half a surrogate pair. */
function cutAt(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
  return text.slice(0, end);
}

function tooLarge(ref: AttachmentRef, options: AttachmentReadOptions): AttachmentOutcome {
  const limit = `${Math.round(options.maxBytes / 1024).toLocaleString("en-US")} KB`;
  return skipped(ref, "tooLarge", `I didn't read ${ref.name}: it is larger than ${limit}.`);
}

function skipped(
  ref: AttachmentRef,
  reason: Extract<AttachmentOutcome, { kind: "skipped" }>["reason"],
  note: string,
): Extract<AttachmentOutcome, { kind: "skipped" }> {
  return { kind: "skipped", name: ref.name, note, reason };
}
