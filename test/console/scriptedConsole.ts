import { fileURLToPath } from "node:url";
import { configSchema } from "../../src/config/configSchema.js";
import { type ConsoleFront, openConsole } from "../../src/console/consoleFront.js";
import { silentLogger } from "../../src/log/logger.js";
import type { AnswerEngine } from "../../src/service/conversationService.js";
import { RequestObservers } from "../../src/service/requestObservers.js";
import { openServiceRig } from "../support/serviceHarness.js";

/** The page as the build makes it (`npm run build`): compiled modules, HTML and CSS. */
const builtPage = fileURLToPath(new URL("../../dist/console/page/", import.meta.url));

export interface ScriptedConsole {
  /** The page's URL on 127.0.0.1. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The real console front and conversation service (with SQLite) in this process, over `engine`:
 * for what needs known model output (analyses to search, pictures), on loopback at a free port.
 */
export async function openScriptedConsole(engine: AnswerEngine): Promise<ScriptedConsole> {
  const requestObservers = new RequestObservers();
  const rig = openServiceRig(engine, { observer: requestObservers });
  const front: ConsoleFront | null = openConsole(
    {
      service: rig.service,
      config: configSchema.parse({ web: { port: 0 } }),
      secrets: {},
      logger: silentLogger,
      fronts: () => (front ? [front] : []),
      requestObservers,
    },
    { pageDirectory: builtPage },
  );
  if (!front) throw new Error("the console did not open");
  await front.start();
  return {
    url: front.url(),
    close: async () => {
      await front.stop();
      rig.close();
    },
  };
}
