/** The one workspace the fake Slack hosts, and the app installed in it. */
export const workspace = {
  teamId: "T0GURU",
  appId: "A0GURU",
  botUserId: "U0GURUBOT",
  botId: "B0GURU",
  botToken: "xoxb-fake-0000-guru-bot-token",
  appToken: "xapp-1-A0GURU-0000-fake-app-token",
  signingSecret: "fake-signing-secret-0123456789abcdef",
} as const;

/** People and places the tests talk about. */
export const people = { alice: "U0ALICE", bob: "U0BOB", otherBot: "U0OTHERBOT" } as const;
export const places = {
  general: "C0GENERAL",
  random: "C0RANDOM",
  aliceDm: "D0ALICE",
  bobDm: "D0BOB",
} as const;
