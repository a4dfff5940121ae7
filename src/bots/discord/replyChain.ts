import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from "discord.js";
import type { Logger } from "../../log/logger.js";

/** One Discord message's worth of reply. */
export interface MessageBody {
  readonly content: string;
  readonly embeds: readonly APIEmbed[];
  /** Buttons under it (Stop while the reply runs); absent: none, and an edit removes any. */
  readonly components?: readonly APIActionRowComponent<APIButtonComponent>[];
}

/** A body's buttons as sent: always a list, so an edit without buttons removes those shown. */
export function componentsOf(body: MessageBody): APIActionRowComponent<APIButtonComponent>[] {
  return [...(body.components ?? [])];
}

/** How a reply's messages are made on one surface: an interaction's webhook, or a channel. */
export interface ChainTarget<Handle> {
  post(body: MessageBody): Promise<Handle>;
  edit(handle: Handle, body: MessageBody): Promise<void>;
  remove(handle: Handle): Promise<void>;
}

interface Posted<Handle> {
  handle: Handle;
  /** What the message shows now, as JSON; null for a deferred reply that shows nothing yet. */
  shown: string | null;
}

/**
 * A reply that spans messages: message i shows part i. `show` edits what changed, posts parts
 * that are new and removes parts that are gone. An edit that fails posts the part as a new
 * message instead (its discord.js retries are spent, or the message was deleted), so an answer is
 * never lost to a failed edit.
 */
export class ReplyChain<Handle> {
  private readonly posted: Posted<Handle>[] = [];

  constructor(
    private readonly target: ChainTarget<Handle>,
    private readonly logger: Logger,
    first?: { readonly handle: Handle; readonly shown: MessageBody | null },
  ) {
    if (first) this.posted.push({ handle: first.handle, shown: first.shown && JSON.stringify(first.shown) });
  }

  /** True when every part is on Discord as given. */
  async show(bodies: readonly MessageBody[]): Promise<boolean> {
    for (const [index, body] of bodies.entries()) {
      const json = JSON.stringify(body);
      const current = this.posted[index];
      if (current?.shown === json) continue;
      const shown = current ? await this.editOrRepost(current, body) : await this.post(body);
      // A part that could not be posted must not be overtaken by the parts after it.
      if (!shown) return false;
      this.posted[index] = shown;
    }
    for (const surplus of this.posted.splice(bodies.length)) {
      await this.target.remove(surplus.handle).catch((error: unknown) => {
        this.logger.warn("could not remove a surplus reply message", { error });
      });
    }
    return true;
  }

  private async editOrRepost(current: Posted<Handle>, body: MessageBody): Promise<Posted<Handle> | null> {
    try {
      await this.target.edit(current.handle, body);
      return { handle: current.handle, shown: JSON.stringify(body) };
    } catch (error) {
      this.logger.warn("editing a reply failed; posting it as a new message", { error });
      return this.post(body);
    }
  }

  private async post(body: MessageBody): Promise<Posted<Handle> | null> {
    try {
      return { handle: await this.target.post(body), shown: JSON.stringify(body) };
    } catch (error) {
      this.logger.error("posting a reply message failed", { error });
      return null;
    }
  }
}
