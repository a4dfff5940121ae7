import { afterAll, beforeAll } from "vitest";
import { FakeDiscord } from "./fakeDiscord/fakeDiscord.js";
import { type FakeSlack, startFakeSlack } from "./fakeSlack/fakeSlack.js";
import { killLeftoverGuru } from "./guruServer.js";
import { tinyModelPath } from "./tinyModel.js";

export interface FakePlatforms {
  readonly slack: FakeSlack;
  readonly discord: FakeDiscord;
  /** The tiny model's path. */
  readonly model: string;
}

/**
 * A fake Slack and a fake Discord for the `guru start` processes of one test file: started before
 * its tests, closed after them (with any Guru process a failed test left running). Read the
 * fields inside tests, once they are started.
 */
export function fakePlatformsForFile(): FakePlatforms {
  let started: FakePlatforms | undefined;
  beforeAll(async () => {
    started = {
      slack: await startFakeSlack(),
      discord: await FakeDiscord.start(),
      model: await tinyModelPath(),
    };
  });
  afterAll(async () => {
    killLeftoverGuru();
    await started?.slack.close();
    await started?.discord.close();
  });
  const get = (): FakePlatforms => {
    if (!started) throw new Error("the fake platforms start before the tests run");
    return started;
  };
  return {
    get slack() {
      return get().slack;
    },
    get discord() {
      return get().discord;
    },
    get model() {
      return get().model;
    },
  };
}
