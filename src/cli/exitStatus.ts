import { type ErrorCode, isGuruError } from "../errors.js";

export interface ExitOutcome {
  readonly status: number;
  readonly meaning: string;
  /** The errors (`GURU_…`) that end a command with this status. */
  readonly errorCodes: readonly ErrorCode[];
}

/**
 * What `guru`'s exit status says, so scripts and service managers can tell a typo from a broken
 * config, a missing model or a failure at run time. Stable: documented in docs/configuration.md.
 */
export const exitOutcomes = {
  ok: {
    status: 0,
    meaning: "Done; also a clean stop on SIGINT or SIGTERM (answers in flight kept).",
    errorCodes: [],
  },
  runtime: {
    status: 1,
    meaning:
      "Failed while running: a platform that cannot be reached, the database, a generation, or an internal error.",
    errorCodes: ["PLATFORM_UNREACHABLE"],
  },
  usage: {
    status: 2,
    meaning: "The command line is wrong: an unknown command or option, or a missing argument.",
    errorCodes: [],
  },
  configuration: {
    status: 3,
    meaning:
      "The configuration is invalid (a bad value, a secret in a config file, a refused credential) or " +
      "`guru start` has nothing to serve: no Slack, Discord or MCP is configured and no terminal is attached.",
    errorCodes: ["CONFIG_INVALID", "NOT_CONFIGURED"],
  },
  model: {
    status: 4,
    meaning: "The model is not on this machine, cannot be loaded, or could not be downloaded.",
    errorCodes: ["MODEL_NOT_FOUND", "MODEL_INVALID", "MODEL_DOWNLOAD_FAILED"],
  },
} as const satisfies Record<string, ExitOutcome>;

export type OutcomeName = keyof typeof exitOutcomes;

/** The exit status for an error that ended a command. */
export function exitStatusFor(error: unknown): number {
  const outcome = Object.values(exitOutcomes).find(
    (candidate) => isGuruError(error) && (candidate.errorCodes as readonly ErrorCode[]).includes(error.code),
  );
  return (outcome ?? exitOutcomes.runtime).status;
}
