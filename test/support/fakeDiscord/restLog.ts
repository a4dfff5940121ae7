/** One REST call as the fake Discord received it. */
export interface RecordedRequest {
  readonly method: string;
  /** As sent on the wire, e.g. `/api/v10/webhooks/1/tok/messages/%40original`. */
  readonly rawPath: string;
  /** Decoded, without `/api/v10`: `/webhooks/1/tok/messages/@original`. */
  readonly route: string;
  readonly query: URLSearchParams;
  /** The JSON body (or a multipart request's `payload_json`); null when there was none. */
  readonly body: unknown;
  readonly files: readonly { readonly name: string; readonly data: Buffer }[];
  /** Carried `Authorization: Bot <the token>`. */
  readonly authorized: boolean;
  /** `performance.now()` when it arrived, comparable with dispatch times. */
  readonly at: number;
  /** The status the fake answered with. */
  status: number;
}

/** A fault for the next matching requests, whatever their route would have answered. */
export interface Fault {
  readonly method: string;
  readonly route: RegExp;
  readonly status: number;
  /** Discord's JSON error code, e.g. 50001 Missing Access or 50013 Missing Permissions (a 404 is 10008 Unknown Message unless told). */
  readonly code?: number;
  /** How many matching requests fail (1 unless told). */
  readonly times?: number;
  /** For 429: how long Discord says to wait. */
  readonly retryAfterSeconds?: number;
}

export class Faults {
  private readonly pending: { fault: Fault; left: number }[] = [];

  add(fault: Fault): void {
    this.pending.push({ fault, left: fault.times ?? 1 });
  }

  /** The fault this request runs into, if any (and one fewer of it left). */
  take(method: string, route: string): Fault | null {
    const entry = this.pending.find(
      (p) => p.left > 0 && p.fault.method === method && p.fault.route.test(route),
    );
    if (!entry) return null;
    entry.left -= 1;
    return entry.fault;
  }
}
