export interface GoalCheck {
  readonly name: string;
  readonly value: number;
  /** The value must be at least this. */
  readonly target: number;
  readonly pass: boolean;
}

export function checkGoal(name: string, value: number, target: number): GoalCheck {
  return { name, value, target, pass: value >= target };
}

export function formatGoal(goal: GoalCheck): string {
  return `${goal.name}: ${goal.value.toFixed(3)} (goal ≥ ${goal.target}) ${goal.pass ? "PASS" : "MISS"}`;
}
