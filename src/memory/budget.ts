/**
 * How a context budget is shared: prior analyses may take at most a third (they are supporting
 * material); the conversation's own history gets the rest, and whatever the analyses leave unused.
 */
export function analysesShare(budget: number): number {
  return Math.floor(Math.max(0, budget) / 3);
}

export function historyShare(budget: number): number {
  return Math.max(0, budget) - analysesShare(budget);
}
