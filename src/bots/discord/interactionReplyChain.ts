import type { CommandInteraction } from "discord.js";
import type { Logger } from "../../log/logger.js";
import { componentsOf, ReplyChain } from "./replyChain.js";

/** An interaction's reply as a chain: the deferred reply is message 0 and is edited; parts past it are follow-ups. */
export function interactionReplyChain(
  interaction: Pick<CommandInteraction, "followUp" | "editReply" | "deleteReply">,
  logger: Logger,
): ReplyChain<string> {
  return new ReplyChain<string>(
    {
      post: async (body) =>
        (
          await interaction.followUp({
            content: body.content,
            embeds: [...body.embeds],
            components: componentsOf(body),
          })
        ).id,
      edit: async (handle, body) => {
        await interaction.editReply({
          message: handle,
          content: body.content,
          embeds: [...body.embeds],
          components: componentsOf(body),
        });
      },
      remove: (handle) => interaction.deleteReply(handle),
    },
    logger,
    { handle: "@original", shown: null },
  );
}
