import type { AttachmentsConfig } from "../../config/configSchema.js";
import type { Logger } from "../../log/logger.js";
import type { ReadDocument } from "../../service/conversationRequest.js";
import { originOf } from "../common/attachments/guardedDownload.js";
import {
  type AttachmentReadOptions,
  type AttachmentRef,
  readAttachments,
} from "../common/attachments/readAttachments.js";
import type { SlackFile } from "./slackPayloads.js";

/** Files read for one question at most, newest first: a thread full of files stays cheap. */
const maxFilesPerQuestion = 10;

/**
 * Where Slack serves files: `files.slack.com`, or the configured API's own origin when
 * `SLACK_API_URL` points elsewhere (a proxy, the tests' fake). Nothing else is ever fetched.
 */
export function slackFileOrigin(apiUrl: string): string {
  const origin = originOf(apiUrl);
  return origin === null || origin === "https://slack.com" ? "https://files.slack.com" : origin;
}

export function slackFileAccess(
  apiUrl: string,
  botToken: string,
  limits: AttachmentsConfig,
): AttachmentReadOptions {
  return {
    allowedOrigins: [slackFileOrigin(apiUrl)],
    headers: { Authorization: `Bearer ${botToken}` },
    maxBytes: limits.maxBytes,
    maxChars: limits.maxChars,
  };
}

/** The documents read for each group of files (in order), and notes on what could not be read. */
export interface ReadFiles {
  readonly documents: ReadDocument[][];
  readonly notes: string[];
}

/**
 * Reads the files of several messages (oldest message first): the newest files first, up to a
 * limit. What Slack would not hand over is logged with its fix.
 */
export async function readSlackFiles(
  groups: readonly (readonly SlackFile[])[],
  access: AttachmentReadOptions,
  logger: Logger,
): Promise<ReadFiles> {
  const notes: string[] = [];
  const wanted: { group: number; ref: AttachmentRef }[] = [];
  for (let group = groups.length - 1; group >= 0; group--) {
    for (const file of groups[group] ?? []) {
      const name = file.name ?? file.title ?? file.id;
      const url = file.url_private_download ?? file.url_private;
      if (file.mode === "tombstone" || file.mode === "hidden_by_limit" || url === undefined) {
        notes.push(`I couldn't open ${name}: Slack no longer shows it.`);
      } else if (wanted.length >= maxFilesPerQuestion) {
        notes.push(`I read only the newest ${maxFilesPerQuestion} files here; ${name} was left out.`);
      } else {
        wanted.push({
          group,
          ref: {
            name,
            url,
            ...(file.mimetype ? { mimeType: file.mimetype } : {}),
            ...(file.size !== undefined ? { size: file.size } : {}),
          },
        });
      }
    }
  }
  const outcomes = await readAttachments(
    wanted.map((w) => w.ref),
    access,
  );
  const documents: ReadDocument[][] = groups.map(() => []);
  outcomes.forEach((outcome, index) => {
    const group = wanted[index]?.group ?? 0;
    if (outcome.kind === "document") {
      documents[group]?.push(outcome.document);
      return;
    }
    notes.push(outcome.note);
    if (outcome.reason === "foreignOrigin") {
      logger.warn("refused a Slack file link outside Slack's file host", { file: outcome.name });
    } else if (outcome.reason === "httpStatus" && (outcome.status === 401 || outcome.status === 403)) {
      logger.warn(
        `Slack refused to hand over ${outcome.name} (HTTP ${outcome.status}): add the files:read scope to the Slack app and reinstall it`,
      );
    }
  });
  // Groups were read newest first; the answer's notes read best oldest first.
  return { documents, notes: [...new Set(notes)] };
}
