import { basename } from "node:path";
import { z } from "zod";

/** The parts of llama-server's `GET /props` Guru uses (tools/server/server-context.cpp). */
export const llamaServerPropsSchema = z.object({
  total_slots: z.number().int().positive(),
  chat_template: z.string(),
  model_alias: z.string().optional(),
  model_path: z.string().optional(),
  bos_token: z.string().optional(),
  eos_token: z.string().optional(),
  default_generation_settings: z.object({ n_ctx: z.number().int().nonnegative() }),
});

export type LlamaServerProps = z.infer<typeof llamaServerPropsSchema>;

/** The model as the server names it: its alias, else (the alias is then the path) its file's name. */
export function servedModelName(props: LlamaServerProps): string {
  if (props.model_alias && props.model_alias !== props.model_path) return props.model_alias;
  if (props.model_path) return basename(props.model_path);
  return "unknown";
}
