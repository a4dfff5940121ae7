import type { OutcomeName } from "./exitStatus.js";

/** One line of `guru doctor`'s report. */
export interface DoctorCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string;
  /** What a failure of this check is, for the exit status. */
  readonly outcome: OutcomeName;
}
