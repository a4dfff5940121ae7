import type { Database, Statement } from "better-sqlite3";
import { z } from "zod";
import type { ConversationAddress } from "../conversation/conversationAddress.js";
import type { ProcessLease } from "./processLease.js";
import {
  conversationColumns,
  conversationSchema,
  messageColumns,
  messageSchema,
  rowIdSchema,
  type StoredMessage,
} from "./rows.js";

export const replyModes = ["ask", "analyze"] as const;
export type ReplyMode = (typeof replyModes)[number];

/** A question a dead process accepted and never answered, now this process's to finish. */
export interface OrphanedQuestion {
  readonly question: StoredMessage;
  readonly address: ConversationAddress;
  readonly mode: ReplyMode;
  /** Where the front shows the reply, in the front's own words. */
  readonly locator: string;
  /** The platform event that delivered the question: the key for `locate`. */
  readonly eventId: string;
}

const claimedSchema = z.object({
  questionId: z.number().int(),
  mode: z.enum(replyModes),
  locator: z.string(),
  eventId: z.string(),
});

const rowIdsSchema = z.array(rowIdSchema);

/**
 * Questions without a stored reply, each owned by the process answering it. Storing any reply
 * deletes the row (a trigger), so a row here always means "nobody has answered yet".
 */
export class PendingReplies {
  private readonly insert: Statement<[number, string, string, string, string | null, string | null]>;
  private readonly setLocator: Statement<[string, string, string]>;
  private readonly claim: Statement<[string, string, string]>;
  private readonly unplaced: Statement<[string]>;
  private readonly questionById: Statement<[number]>;
  private readonly conversationOf: Statement<[number]>;

  constructor(
    private readonly db: Database,
    private readonly lease: ProcessLease,
  ) {
    this.insert = db.prepare(
      `INSERT INTO pending_replies (question_id, process_id, platform, mode, event_id, locator)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.setLocator = db.prepare(
      "UPDATE pending_replies SET locator = ? WHERE event_id = ? AND process_id = ?",
    );
    this.claim = db.prepare(
      `UPDATE pending_replies SET process_id = ?
       WHERE platform = ? AND locator IS NOT NULL AND event_id IS NOT NULL
         AND process_id NOT IN (SELECT value FROM json_each(?))
       RETURNING question_id AS questionId, mode, locator, event_id AS eventId`,
    );
    this.unplaced = db
      .prepare(
        `SELECT question_id FROM pending_replies
         WHERE locator IS NULL AND process_id NOT IN (SELECT value FROM json_each(?))`,
      )
      .pluck();
    this.questionById = db.prepare(`SELECT ${messageColumns} FROM messages WHERE id = ?`);
    this.conversationOf = db.prepare(`SELECT ${conversationColumns} FROM conversations WHERE id = ?`);
  }

  /** Records that this process is answering the question just stored. */
  add(
    questionId: number,
    platform: string,
    mode: ReplyMode,
    eventId: string | null,
    locator: string | null,
  ): void {
    this.insert.run(questionId, this.lease.id, platform, mode, eventId, locator);
  }

  /** Where the reply to the question delivered by `eventId` now shows; only while this process owns it. */
  locate(eventId: string, locator: string): boolean {
    return this.setLocator.run(locator, eventId, this.lease.id).changes === 1;
  }

  /** Takes over the `platform`'s questions whose owner is dead and that show somewhere. */
  claimOrphans(platform: string): OrphanedQuestion[] {
    return this.db
      .transaction(() => {
        const live = JSON.stringify(this.lease.liveIds());
        return this.claim.all(this.lease.id, platform, live).map((raw) => {
          const claimed = claimedSchema.parse(raw);
          const question = messageSchema.parse(this.questionById.get(claimed.questionId));
          const conversation = conversationSchema.parse(this.conversationOf.get(question.conversationId));
          return {
            question,
            address: {
              platform: conversation.platform,
              space: conversation.space,
              channel: conversation.channel,
              thread: conversation.thread,
            },
            mode: claimed.mode,
            locator: claimed.locator,
            eventId: claimed.eventId,
          };
        });
      })
      .immediate();
  }

  /** Ids of questions a dead process left that show nowhere (a terminal, an MCP call, an older Guru). */
  unplacedOrphans(): number[] {
    const live = JSON.stringify(this.lease.liveIds());
    return rowIdsSchema.parse(this.unplaced.all(live));
  }
}
