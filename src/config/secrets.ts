import type { Environment } from "./environment.js";

/** Credentials come only from the environment or `.env`, never from a config file. */
export interface Secrets {
  readonly slackBotToken?: string;
  readonly slackAppToken?: string;
  readonly slackSigningSecret?: string;
  readonly discordToken?: string;
  readonly huggingFaceToken?: string;
}

const secretVariables = {
  slackBotToken: "SLACK_BOT_TOKEN",
  slackAppToken: "SLACK_APP_TOKEN",
  slackSigningSecret: "SLACK_SIGNING_SECRET",
  discordToken: "DISCORD_TOKEN",
  huggingFaceToken: "HF_TOKEN",
} as const satisfies Record<keyof Secrets, string>;

export function readSecrets(environment: Environment): Secrets {
  const secrets: Record<string, string> = {};
  for (const [key, variable] of Object.entries(secretVariables)) {
    const value = environment[variable]?.trim();
    if (value) secrets[key] = value;
  }
  return secrets;
}

/** Every secret value, for the log redactor. */
export function secretValues(secrets: Secrets): string[] {
  return Object.values(secrets).filter((value): value is string => typeof value === "string");
}
