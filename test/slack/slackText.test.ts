import { describe, expect, it } from "vitest";
import { mentions, plainText } from "../../src/bots/slack/slackText.js";
import { parseSlashText } from "../../src/bots/slack/slashCommandText.js";

describe("plainText", () => {
  it("removes Guru's mention and spells out Slack's markup", () => {
    expect(
      plainText("<@UGURU> ask <@U2|bob> in <#C1|general> about <https://x.test|this> &amp; <!here>", "UGURU"),
    ).toBe("ask @bob in #general about this (https://x.test) & @here");
  });

  it("decodes Slack's escaped characters last", () => {
    expect(plainText("is a &lt; b &amp;&amp; c &gt; d?", "UGURU")).toBe("is a < b && c > d?");
  });

  it("knows a mention of Guru from a mention of someone else", () => {
    expect(mentions("hi <@UGURU>", "UGURU")).toBe(true);
    expect(mentions("hi <@UGURU|guru>", "UGURU")).toBe(true);
    expect(mentions("hi <@UOTHER>", "UGURU")).toBe(false);
  });
});

describe("parseSlashText", () => {
  it.each([
    ["", { name: "help" }],
    ["help", { name: "help" }],
    ["ask what is CI?", { name: "ask", question: "what is CI?" }],
    ["analyse the outage", { name: "analyze", question: "the outage" }],
    ["Analyze", { name: "analyze", question: "" }],
    ["forget", { name: "forget" }],
    ["forget me", { name: "forgetMe" }],
    ["memory", { name: "memory" }],
    ["status", { name: "status" }],
    ["export", { name: "export" }],
    ["why is the build slow?", { name: "ask", question: "why is the build slow?" }],
  ])("reads %j", (text, expected) => {
    expect(parseSlashText(text)).toEqual(expected);
  });
});
