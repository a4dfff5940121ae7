import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { linkNativeBuild, nativeBuildFolder } from "../../src/engine/embedded/nativeBuild.js";

describe("the native llama.cpp build", () => {
  it("is kept outside the clone, per llama.cpp release and CPU", () => {
    const folder = nativeBuildFolder({ XDG_CACHE_HOME: "/somewhere/cache" });
    expect(folder).toMatch(/^\/somewhere\/cache\/guru\/node-llama-cpp\/v[^/]+-[a-z0-9]+-[0-9a-f]{12}$/);
  });

  it("goes where GURU_NATIVE_BUILD_CACHE says", () => {
    expect(nativeBuildFolder({ GURU_NATIVE_BUILD_CACHE: "/elsewhere" }).startsWith("/elsewhere/")).toBe(true);
  });

  it("is absent until `npm run engine:native` has built it (the prebuilt binary runs then)", async () => {
    const empty = await mkdtemp(join(tmpdir(), "guru-native-"));
    try {
      expect(await linkNativeBuild(empty)).toEqual({ kind: "absent", folder: empty });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
