import type { GuruError } from "../../errors.js";

export interface StartWatch {
  /** Rejects with the watch's error once the attempts have failed; never resolves. */
  readonly failed: Promise<never>;
  /** Stops watching (the client connected, or the start ended another way). */
  dispose(): void;
}

/**
 * The platforms' clients reconnect for ever, which at start would leave `guru start` waiting in
 * silence when a connection cannot be made. `attempts` failures in a row (as `subscribe` reports
 * them) before the client is connected end the start instead, with the error `describe` gives.
 */
export function failAfterAttempts(
  attempts: number,
  subscribe: (onFailure: () => void) => () => void,
  describe: (failures: number) => Promise<GuruError>,
): StartWatch {
  let failures = 0;
  let reject: (error: GuruError) => void = () => {};
  const failed = new Promise<never>((_resolve, fail) => {
    reject = fail;
  });
  // Raced by the caller; nobody may be listening once the start went another way.
  failed.catch(() => {});
  const unsubscribe = subscribe(() => {
    failures += 1;
    if (failures < attempts) return;
    unsubscribe();
    void describe(failures).then(reject);
  });
  return { failed, dispose: unsubscribe };
}
