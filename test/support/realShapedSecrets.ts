/**
 * Secrets shaped exactly like the real ones (made up, valid nowhere): what a person might paste
 * into the wrong file, setting or flag. None of them may ever be printed.
 */
export const realShapedSecrets = {
  slackBotToken: "xoxb-4821937465021-5938271640392-Zq8RkT3mWv9XpL2nYc7Hd4Fs",
  slackAppToken:
    "xapp-1-A05R8K2LMNP-5938271640392-3f9a1c7e2b8d4f6a0c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d1f3a5c7e9b1d3f5a",
  slackSigningSecret: "8f742231b10e8888abcd99eef1a3c5e7",
  discordToken: "MTE4NzU0MzIxMDk4NzY1NDMyMQ.GqR7sT.Xk9mP2vL8nQ4wR6tY1uI3oA5sD7fG9hJ0kL2zX",
  huggingFaceToken: "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
} as const;

/** The secrets (or any of their 12-character pieces) that `text` gives away. */
export function leakedSecrets(
  text: string,
  secrets: readonly string[] = Object.values(realShapedSecrets),
): string[] {
  return secrets.filter((secret) => {
    for (let start = 0; start + 12 <= secret.length; start += 1) {
      if (text.includes(secret.slice(start, start + 12))) return true;
    }
    return false;
  });
}
