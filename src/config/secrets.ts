import { GuruError } from "../errors.js";
import type { Environment } from "./environment.js";

/** Credentials come only from the environment or `.env`, never from a config file. */
export interface Secrets {
  readonly slackBotToken?: string;
  readonly slackAppToken?: string;
  readonly slackSigningSecret?: string;
  readonly discordToken?: string;
  readonly huggingFaceToken?: string;
}

export const secretVariables = {
  slackBotToken: "SLACK_BOT_TOKEN",
  slackAppToken: "SLACK_APP_TOKEN",
  slackSigningSecret: "SLACK_SIGNING_SECRET",
  discordToken: "DISCORD_TOKEN",
  huggingFaceToken: "HF_TOKEN",
} as const satisfies Record<keyof Secrets, string>;

export type SecretVariable = (typeof secretVariables)[keyof Secrets];

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

/** Letters and digits only, lower case: `SLACK_BOT_TOKEN`, `slackBotToken` and `slack.botToken` meet. */
function spelling(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const knownSpellings = new Map<string, SecretVariable>(
  Object.entries(secretVariables).flatMap(([key, variable]) => [
    [spelling(key), variable],
    [spelling(variable), variable],
  ]),
);
knownSpellings.set("huggingfacetoken", "HF_TOKEN");

/**
 * Whether a setting's name says it holds a secret: one of Guru's secrets in any spelling
 * (`SLACK_BOT_TOKEN`, `slackBotToken`, `slack.botToken`, `discord.token`), or any name ending in
 * token, secret, password or key words like them. `maxTokens` is a count, not a secret.
 */
export function isSecretKey(path: readonly string[]): boolean {
  const last = spelling(path.at(-1) ?? "");
  return (
    secretVariableFor(path) !== undefined ||
    /(token|secret|password|passwd|passphrase|apikey|credentials?)$/.test(last)
  );
}

/** The variable a secret spelled this way belongs in, when it is one of Guru's own. */
export function secretVariableFor(path: readonly string[]): SecretVariable | undefined {
  return knownSpellings.get(spelling(path.join(""))) ?? knownSpellings.get(spelling(path.at(-1) ?? ""));
}

/**
 * An inference server's API key, from the variable its config entry names (`apiKeyEnv`); a
 * name that is set nowhere is a configuration error, not an unauthenticated request.
 */
export function serverApiKey(environment: Environment, variable: string): string {
  const value = environment[variable]?.trim();
  if (!value)
    throw new GuruError(
      "CONFIG_INVALID",
      `An inference server's apiKeyEnv names ${variable}, which is not set. Put ${variable}=<key> in .env or the environment.`,
    );
  return value;
}

/**
 * Values of every variable whose name says it holds a secret (`VLLM_API_KEY`), for the redactor;
 * short ones (`SOME_SECRET=true`) are left out so ordinary words are not blacked out everywhere.
 */
export function secretNamedValues(environment: Environment): string[] {
  return Object.entries(environment)
    .filter(([name, value]) => value.trim().length >= 8 && isSecretKey([name]))
    .map(([, value]) => value.trim());
}
