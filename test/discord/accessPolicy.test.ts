import { describe, expect, it } from "vitest";
import { AccessPolicy, type DiscordCaller } from "../../src/bots/discord/accessPolicy.js";

type Allow = Record<"guilds" | "channels" | "roles" | "users", string[]>;

const none: Allow = { guilds: [], channels: [], roles: [], users: [] };
const inChannel: DiscordCaller = {
  userId: "U1",
  guildId: "G1",
  channelId: "C1",
  parentChannelId: null,
  roleIds: ["R1"],
};
const inThread: DiscordCaller = { ...inChannel, channelId: "TH1", parentChannelId: "C1" };
const inDm: DiscordCaller = {
  userId: "U1",
  guildId: null,
  channelId: "D1",
  parentChannelId: null,
  roleIds: [],
};

function policy(allow: Partial<Allow>, admins: string[] = []): AccessPolicy {
  return new AccessPolicy({ allow: { ...none, ...allow }, admins });
}

describe("AccessPolicy", () => {
  it("admits everyone everywhere when no list is set", () => {
    expect(policy({}).allows(inChannel)).toBe(true);
    expect(policy({}).allows(inDm)).toBe(true);
  });

  it("counts a thread as its parent channel", () => {
    expect(policy({ channels: ["C1"] }).allows(inThread)).toBe(true);
    expect(policy({ channels: ["TH1"] }).allows(inThread)).toBe(false);
  });

  it("needs every list that is set to admit the caller", () => {
    expect(policy({ guilds: ["G1"], roles: ["R2"] }).allows(inChannel)).toBe(false);
    expect(policy({ guilds: ["G1"], roles: ["R1"] }).allows(inChannel)).toBe(true);
    expect(policy({ users: ["U2"] }).allows(inChannel)).toBe(false);
  });

  it("answers DMs in a server-restricted setup only for listed users", () => {
    expect(policy({ guilds: ["G1"] }).allows(inDm)).toBe(false);
    expect(policy({ guilds: ["G1"], users: ["U1"] }).allows(inDm)).toBe(true);
    expect(policy({ users: ["U1"] }).allows(inDm)).toBe(true);
  });

  it("lets admins past every list", () => {
    expect(policy({ guilds: ["G2"], users: ["U2"] }, ["U1"]).allows(inChannel)).toBe(true);
    expect(policy({ guilds: ["G2"] }, ["U1"]).allows(inDm)).toBe(true);
  });
});
