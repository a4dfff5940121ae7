import { describe, expect, it } from "vitest";
import type { RequestObserver, RequestReport } from "../../src/service/requestObserver.js";
import { RequestObservers } from "../../src/service/requestObservers.js";

const report: RequestReport = {
  front: "console",
  mode: "ask",
  outcome: { kind: "duplicate" },
  durationMs: 1,
};

function recorder(heard: string[], name: string): RequestObserver {
  return {
    requestStarted: (front) => heard.push(`${name} started ${front}`),
    requestEnded: (ended) => heard.push(`${name} ended ${ended.front}`),
  };
}

describe("several request observers", () => {
  it("are each told of every request, in the order they were added", () => {
    const heard: string[] = [];
    const observers = new RequestObservers();
    observers.add(recorder(heard, "metrics"));
    observers.add(recorder(heard, "console"));
    observers.requestStarted("slack");
    observers.requestEnded({ ...report, front: "slack" });
    expect(heard).toEqual([
      "metrics started slack",
      "console started slack",
      "metrics ended slack",
      "console ended slack",
    ]);
  });

  it("still tell the others when one fails, then pass its error on", () => {
    const heard: string[] = [];
    const observers = new RequestObservers();
    const broken = new Error("broken observer");
    observers.add({
      requestStarted: () => {
        throw broken;
      },
      requestEnded: () => {},
    });
    observers.add(recorder(heard, "console"));
    expect(() => observers.requestStarted("discord")).toThrow(broken);
    expect(heard).toEqual(["console started discord"]);
  });
});
