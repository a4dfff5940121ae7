import { z } from "zod";
import type { ServerHealth } from "../serverBackend.js";

/** `GET /v1/models`; vLLM adds `max_model_len` to each card (the context it serves). */
const modelList = z.object({
  data: z.array(z.object({ id: z.string().min(1), max_model_len: z.int().positive().optional() }).loose()),
});

/**
 * The health a `/v1/models` answer shows: the configured model must be listed; without one the
 * first listed model is used. OpenAI-compatible servers do not say how many requests they run at
 * once, so `slots` is what the operator configured.
 */
export function healthFromModelList(json: unknown, wanted: string | undefined, slots: number): ServerHealth {
  const parsed = modelList.safeParse(json);
  if (!parsed.success) return { healthy: false, reason: "its /v1/models answer is not an OpenAI model list" };
  const models = parsed.data.data;
  const model = wanted === undefined ? models[0] : models.find((m) => m.id === wanted);
  if (!model) {
    const served = models.map((m) => m.id).join(", ");
    return {
      healthy: false,
      reason:
        wanted === undefined
          ? "it serves no model"
          : `it does not serve model "${wanted}" (it serves: ${served || "none"})`,
    };
  }
  return { healthy: true, model: model.id, slots, contextSize: model.max_model_len ?? 0 };
}
