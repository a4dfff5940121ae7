import type { ServerConfig } from "../../config/configSchema.js";
import { LlamaServerBackend } from "./llamaServer/llamaServerBackend.js";
import { OpenAiServerBackend } from "./openai/openAiBackend.js";
import type { ServerBackend, ServerKind } from "./serverBackend.js";
import type { ConfiguredServer } from "./serverEngine.js";

/** What a backend is built from: the server's config entry, with its API key read from the environment. */
export interface ServerSettings {
  readonly url: string;
  readonly slots?: number;
  readonly model?: string;
  readonly apiKey?: string;
}

export type ServerBackendFactory = (settings: ServerSettings) => ServerBackend;

/** One constructor per server kind: how the protocols plug into the one ServerEngine. */
export type ServerBackendFactories = Readonly<Record<ServerKind, ServerBackendFactory>>;

export const serverBackendFactories: ServerBackendFactories = {
  "llama-server": (settings) => new LlamaServerBackend(settings),
  openai: (settings) => new OpenAiServerBackend(settings),
};

/** The configured servers as the engine takes them; `apiKeyOf` reads a key's variable. */
export function configuredServers(
  servers: readonly ServerConfig[],
  factories: ServerBackendFactories,
  apiKeyOf: (variable: string) => string,
): ConfiguredServer[] {
  return servers.map((server) => {
    const settings: ServerSettings = {
      url: server.url,
      ...(server.slots === undefined ? {} : { slots: server.slots }),
      ...(server.model === undefined ? {} : { model: server.model }),
      ...(server.apiKeyEnv === undefined ? {} : { apiKey: apiKeyOf(server.apiKeyEnv) }),
    };
    return {
      backend: factories[server.kind](settings),
      ...(server.slots === undefined ? {} : { slots: server.slots }),
    };
  });
}
