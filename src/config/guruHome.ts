import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder Guru is installed in (the one holding its package.json). */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Guru's home: where `.env`, `config/guru.json`, `models/` and `data/` are found, and what
 * relative paths in the configuration mean. `GURU_HOME` (from the process environment only: it
 * says where `.env` is) or the package folder; never the current folder, so `guru` run from
 * anywhere uses the same model and database.
 */
export function guruHome(processEnvironment: Readonly<Record<string, string | undefined>>): string {
  const chosen = processEnvironment.GURU_HOME?.trim();
  return chosen ? resolve(chosen) : packageRoot;
}
