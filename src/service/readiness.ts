/** Whether a part can do its job now (the engine, a front's connection); `reason` says why not. */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

export const ready: Readiness = { ready: true };

export function notReady(reason: string): Readiness {
  return { ready: false, reason };
}
