import type { types } from "@slack/bolt";
import type { ConversationAddress } from "../../conversation/conversationAddress.js";
import type { RequestMode } from "../../service/conversationRequest.js";
import { answerPersonaCommand } from "../common/personaCommand.js";
import type { Asker } from "./accessGate.js";
import { memoryReply } from "./memoryReply.js";
import {
  cannotPostText,
  exportFailedText,
  exportSentText,
  forgetInChannelText,
  forgotConversationText,
  forgotUserText,
  helpText,
  memoryText,
  notAllowedText,
  questionRootText,
  quoted,
  rateLimitedText,
  statusText,
  usageText,
} from "./replyTexts.js";
import { type SlashCommandPayload, slashCommandSchema } from "./slackPayloads.js";
import { answerInSlack, type SlackRuntime } from "./slackRuntime.js";
import { plainText } from "./slackText.js";
import { SlackCallError } from "./slackWebApi.js";
import { parseSlashText } from "./slashCommandText.js";
import { sendUserExport } from "./userExport.js";

/** An ephemeral reply: only the person who typed the command sees it. */
interface EphemeralReply {
  readonly response_type: "ephemeral";
  readonly text: string;
  readonly blocks?: types.KnownBlock[];
}

/** Bolt's `ack` for a command: the reply, if any, travels with the acknowledgement. */
export type CommandAck = (reply?: EphemeralReply) => Promise<void>;
/** Bolt's `respond`: a later reply through the command's `response_url`. */
export type CommandRespond = (reply: EphemeralReply) => Promise<unknown>;

function ephemeral(text: string): EphemeralReply {
  return { response_type: "ephemeral", text };
}

/**
 * `/guru …`. Quick commands answer in the acknowledgement itself (well within Slack's 3 s);
 * `ask` and `analyze` acknowledge at once, post the question as the root of a new thread (a
 * slash command leaves no message of its own) and answer in that thread; `export` sends a JSON
 * file in a DM.
 */
export class CommandHandler {
  constructor(private readonly runtime: SlackRuntime) {}

  async handle(body: unknown, ack: CommandAck, respond: CommandRespond): Promise<void> {
    const parsed = slashCommandSchema.safeParse(body);
    if (!parsed.success) return ack(ephemeral("Sorry, I could not read that command."));
    const command = parsed.data;
    const { service, gate, config } = this.runtime;
    const direct = command.channel_id.startsWith("D");
    const asker: Asker = {
      team: command.team_id,
      channel: direct ? null : command.channel_id,
      user: command.user_id,
    };
    if (!gate.admits(asker)) return ack(ephemeral(notAllowedText));
    const user = { platform: "slack", author: command.user_id };
    const dm: ConversationAddress = {
      platform: "slack",
      space: null,
      channel: command.channel_id,
      thread: null,
    };
    const request = parseSlashText(command.text);
    let acked = false;
    const acknowledge = async (reply?: EphemeralReply) => {
      acked = true;
      await ack(reply);
    };
    try {
      switch (request.name) {
        case "help":
          return await acknowledge(ephemeral(helpText(config.followThreads)));
        case "status":
          return await acknowledge(ephemeral(statusText(service.statusDescription())));
        case "memory": {
          // A command carries no thread: in a channel, the person is told how to ask in one.
          const intro = memoryText(service.exportUser(user), !direct);
          const shown = memoryReply(intro, direct ? service.memoryView(dm) : null, command.user_id);
          return await acknowledge({ ...ephemeral(shown.text), blocks: shown.blocks });
        }
        case "forget":
          return await acknowledge(
            ephemeral(direct ? forgotConversationText(service.forgetConversation(dm)) : forgetInChannelText),
          );
        case "forgetMe": {
          const forgotten = service.forgetUser(user);
          return await acknowledge(ephemeral(forgotUserText(forgotten.messages, forgotten.analyses)));
        }
        case "persona":
          return await acknowledge(
            ephemeral(
              answerPersonaCommand({
                service,
                // A command carries no thread: the channel's persona (or the DM's).
                address: { ...dm, space: direct ? null : command.team_id },
                user: command.user_id,
                isAdmin: gate.isAdmin(command.user_id),
                // As Slack sends it (`&lt;`, `<@U…>`): the persona is kept as people read it.
                action:
                  request.action.kind === "set"
                    ? { kind: "set", text: plainText(request.action.text, this.runtime.self.userId) }
                    : request.action,
                command: "/guru persona",
                quote: quoted,
                mention: (user) => `<@${user}>`,
              }),
            ),
          );
        case "export":
          await acknowledge(ephemeral(exportSentText));
          return await this.sendExport(command.user_id, respond);
        case "ask":
        case "analyze":
          return await this.ask(command, request.name, request.question, acknowledge, respond);
      }
    } catch (error) {
      this.runtime.logger.error("a /guru command failed", { error });
      const reply = ephemeral(":warning: Something went wrong. Please try again.");
      if (acked) await respond(reply).catch(() => undefined);
      else await ack(reply);
    }
  }

  private async ask(
    command: SlashCommandPayload,
    mode: RequestMode,
    question: string,
    ack: CommandAck,
    respond: CommandRespond,
  ): Promise<void> {
    const { api, gate, seen, self } = this.runtime;
    if (question.length === 0) return ack(ephemeral(usageText(mode)));
    const eventId = `slack:command:${command.trigger_id}`;
    if (!seen.add(eventId)) return ack();
    const rate = gate.takeQuestion(command.user_id);
    if (!rate.allowed) return ack(ephemeral(rateLimitedText(rate.retryAfterSeconds)));
    await ack();
    const text = plainText(question, self.userId);
    let root: string;
    try {
      root = await api.post({
        channel: command.channel_id,
        text: questionRootText(command.user_id, text, mode),
      });
    } catch (error) {
      if (!(error instanceof SlackCallError)) throw error;
      await respond(ephemeral(cannotPostText(error.code)));
      return;
    }
    const direct = command.channel_id.startsWith("D");
    await answerInSlack(
      this.runtime,
      {
        address: {
          platform: "slack",
          space: direct ? null : command.team_id,
          channel: command.channel_id,
          thread: direct ? null : root,
        },
        author: command.user_id,
        text,
        messageId: root,
        eventId,
        mode,
      },
      { channel: command.channel_id, threadTs: root },
    );
  }

  /** The person's data as a JSON file in their DM with Guru: private, and lasting (unlike an ephemeral reply). */
  private async sendExport(user: string, respond: CommandRespond): Promise<void> {
    try {
      await sendUserExport(this.runtime, user);
    } catch (error) {
      if (!(error instanceof SlackCallError)) throw error;
      await respond(ephemeral(exportFailedText(error.code)));
    }
  }
}
