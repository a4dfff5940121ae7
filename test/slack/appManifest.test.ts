import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const manifest = readFileSync(new URL("../../config/slack-app-manifest.yaml", import.meta.url), "utf8");
const listed = new Set([...manifest.matchAll(/^\s+- ([\w.:]+)\s*$/gm)].map((m) => m[1]));

describe("config/slack-app-manifest.yaml", () => {
  it.each([
    ["app_mentions:read", "app_mention events"],
    ["chat:write", "chat.postMessage, chat.update, chat.delete, chat.postEphemeral"],
    ["commands", "/guru"],
    ["channels:history", "thread follow-ups and conversations.replies in public channels"],
    ["groups:history", "the same in private channels"],
    ["im:history", "DMs"],
    ["mpim:history", "group DMs"],
    ["im:write", "conversations.open for /guru export"],
    ["files:write", "the export file"],
    ["files:read", "downloading files attached to questions and thread messages"],
    ["assistant:write", "assistant.threads.setStatus, setTitle, setSuggestedPrompts"],
  ])("grants %s (%s)", (scope) => {
    expect(listed.has(scope)).toBe(true);
  });

  it.each(["app_mention", "message.channels", "message.groups", "message.im", "message.mpim"])(
    "subscribes to %s",
    (event) => {
      expect(listed.has(event)).toBe(true);
    },
  );

  it.each(["assistant_thread_started", "assistant_thread_context_changed", "app_home_opened"])(
    "subscribes to %s for the assistant pane and App Home",
    (event) => {
      expect(listed.has(event)).toBe(true);
    },
  );

  it("turns on the assistant view, the Home tab and interactivity", () => {
    expect(manifest).toMatch(/^\s+assistant_view:$/m);
    expect(manifest).toMatch(/^\s+home_tab_enabled: true$/m);
    expect(manifest).toMatch(/^\s+interactivity:\n(\s+#.*\n)*\s+is_enabled: true$/m);
  });

  it("declares /guru and Socket Mode", () => {
    expect(manifest).toMatch(/^\s+- command: \/guru$/m);
    expect(manifest).toMatch(/^\s+socket_mode_enabled: true$/m);
  });

  it("declares the message shortcut Analyze with Guru, with interactivity enabled", () => {
    expect(manifest).toMatch(
      /^\s+- name: Analyze with Guru\n\s+type: message\n\s+callback_id: analyze_with_guru$/m,
    );
    expect(manifest).toMatch(/^\s+interactivity:\n\s+is_enabled: true$/m);
  });
});
