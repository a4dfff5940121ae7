import type { ApiError } from "../apiTypes.js";

/** A refusal or failure the console's API answered, with its message for the person. */
export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What to tell the person when a call failed: the console's own message, or that Guru is unreachable. */
export function failureText(error: unknown): string {
  return error instanceof ApiFailure ? error.message : "The console could not reach Guru: is it running?";
}

async function failureOf(response: Response): Promise<ApiFailure> {
  try {
    const body = (await response.json()) as ApiError;
    return new ApiFailure(body.error.code, body.error.message);
  } catch {
    return new ApiFailure("HTTP", `The console answered ${response.status} ${response.statusText}.`);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  if (!response.ok) throw await failureOf(response);
  return (await response.json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await failureOf(response);
  return (await response.json()) as T;
}

/**
 * Posts `body` and calls `onEvent` for each Server-Sent Event of the answer, until it ends or
 * `signal` aborts (which closes the connection: the server cancels the generation).
 */
export async function postEvents(
  path: string,
  body: unknown,
  signal: AbortSignal,
  onEvent: (event: string, data: unknown) => void,
): Promise<void> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok || !response.body) throw await failureOf(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value;
    let end = buffered.indexOf("\n\n");
    while (end >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data !== undefined) onEvent(event, JSON.parse(data));
      end = buffered.indexOf("\n\n");
    }
  }
}
