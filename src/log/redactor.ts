/** What a secret is replaced with wherever Guru prints or logs it. */
export const redactionMarker = "[redacted]";

/** Token shapes that must never reach a log, even when they are not this process's own secrets. */
const tokenPatterns: readonly RegExp[] = [
  // Slack refresh, bot, user and app-level tokens (the longer refresh shape first).
  /xoxe\.xox[bp]-[A-Za-z0-9-]{8,}/g,
  /xox[abposre]-[A-Za-z0-9-]{8,}/g,
  /xapp-[A-Za-z0-9-]{8,}/g,
  // Hugging Face access tokens.
  /hf_[A-Za-z0-9]{16,}/g,
  // Discord bot tokens: the base64 application id, a timestamp, an HMAC.
  /[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}/g,
  // Slack signing secrets: 32 lowercase hex digits standing alone.
  /(?<![A-Za-z0-9])[0-9a-f]{32}(?![A-Za-z0-9])/g,
];

export type Redactor = (text: string) => string;

/** Replaces every known secret value, and anything shaped like a platform token, with a marker. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const values = secrets.filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const value of values) result = result.split(value).join(redactionMarker);
    for (const pattern of tokenPatterns) result = result.replace(pattern, redactionMarker);
    return result;
  };
}
