import { readEnvironment } from "../config/environment.js";
import { readSecrets, secretNamedValues, secretValues } from "../config/secrets.js";
import { GuruError } from "../errors.js";
import { createRedactor, type Redactor } from "../log/redactor.js";

let redactor: Redactor | undefined;

/**
 * The one redactor for everything a command prints: its log lines, its errors, `doctor`'s report.
 * It knows the secrets of the environment and `.env` (read once) and every token shape, so a
 * token pasted into the wrong setting, flag or file is never echoed either.
 */
export function processRedactor(): Redactor {
  redactor ??= createRedactor(knownSecrets());
  return redactor;
}

function knownSecrets(): string[] {
  try {
    const { variables } = readEnvironment();
    // Guru's own secrets, and any other secret-named variable (an inference server's API key).
    return [...secretValues(readSecrets(variables)), ...secretNamedValues(variables)];
  } catch {
    return []; // an unreadable .env: the token shapes are still redacted
  }
}

/** Writes `text` to stderr through the redactor: status lines and errors, never the answer. */
export function writeStatus(text: string): void {
  process.stderr.write(processRedactor()(text));
}

/** How a command reports a failure: `GURU_CODE: what to do`, or the internal error's stack. */
export function printError(error: unknown): void {
  const text =
    error instanceof GuruError
      ? `${error.label}: ${error.message}`
      : `GURU_INTERNAL: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  writeStatus(`${text}\n`);
}
