/** Token shapes that must never reach a log, even when they are not this process's own secrets. */
const tokenPatterns: readonly RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]{8,}/g,
  /xapp-[A-Za-z0-9-]{8,}/g,
  /hf_[A-Za-z0-9]{16,}/g,
  /[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}/g,
];

export type Redactor = (text: string) => string;

/** Replaces every known secret value, and anything shaped like a platform token, with a marker. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const values = secrets.filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const value of values) result = result.split(value).join("[redacted]");
    for (const pattern of tokenPatterns) result = result.replace(pattern, "[redacted]");
    return result;
  };
}
