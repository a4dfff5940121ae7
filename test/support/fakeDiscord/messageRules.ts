import { z } from "zod";

/** The message fields the bot may send, parsed the way Discord validates them. */
const embedSchema = z.looseObject({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  color: z.int().min(0).max(0xffffff).optional(),
  fields: z
    .array(
      z.object({
        name: z.string().min(1).max(256),
        value: z.string().min(1).max(1024),
        inline: z.boolean().optional(),
      }),
    )
    .max(25)
    .optional(),
  footer: z.object({ text: z.string().min(1).max(2048) }).optional(),
});

export type EmbedBody = z.infer<typeof embedSchema>;

export const messageBodySchema = z.looseObject({
  content: z.string().max(2000).optional(),
  embeds: z.array(embedSchema).max(10).optional(),
  flags: z.int().optional(),
  message_reference: z.looseObject({ message_id: z.string(), channel_id: z.string().optional() }).optional(),
  allowed_mentions: z.looseObject({ parse: z.array(z.string()).optional() }).optional(),
  attachments: z.array(z.looseObject({ id: z.union([z.string(), z.number()]) })).optional(),
  /** Action rows (type 1) of buttons (type 2): at most 5 rows. */
  components: z
    .array(
      z.looseObject({ type: z.literal(1), components: z.array(z.looseObject({ type: z.int() })).max(5) }),
    )
    .max(5)
    .optional(),
});

export type MessageBody = z.infer<typeof messageBodySchema>;

export const interactionCallbackSchema = z.object({
  type: z.int(),
  data: messageBodySchema.optional(),
});

export const threadBodySchema = z.looseObject({
  name: z.string().min(1).max(100),
  auto_archive_duration: z
    .union([z.literal(60), z.literal(1440), z.literal(4320), z.literal(10080)])
    .optional(),
});

/** Discord counts every text of all of a message's embeds together. */
function embedCharacters(embed: EmbedBody): number {
  const fields = (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  return (
    (embed.title ?? "").length + (embed.description ?? "").length + fields + (embed.footer?.text ?? "").length
  );
}

/** Discord's answer to a body it would refuse: `Invalid Form Body` (50035) or `Cannot send an empty message` (50006). */
export function refusalOf(
  body: MessageBody,
  options: { creating: boolean; files: number },
): { code: number; message: string } | null {
  const total = (body.embeds ?? []).reduce((sum, e) => sum + embedCharacters(e), 0);
  if (total > 6000)
    return { code: 50035, message: "Invalid Form Body: embeds exceed 6000 characters in total" };
  const empty = !body.content && (body.embeds ?? []).length === 0 && options.files === 0;
  if (options.creating && empty) return { code: 50006, message: "Cannot send an empty message" };
  return null;
}
